namespace Dropzone.TenantEmulator.Tests.Infrastructure;

/// <summary>
/// Calls the portal makes, addressed by Microsoft's real host names, for clients that reach the emulator through
/// the in-process handler (<see cref="InProcessTenant"/>, <see cref="EmulatorHost.InProcessClient"/>).
/// </summary>
public static class RealHostCalls
{
    public const string ExchangeScope = "https://outlook.office365.com/.default";
    public const string GraphScope = "https://graph.microsoft.com/.default";

    /// <summary>The portal application's token for <paramref name="scope"/> (client-credentials grant).</summary>
    public static async Task<string> AppTokenAsync(HttpClient http, string scope, string loginHost = "login.microsoftonline.com")
    {
        using var response = await http.PostAsync($"https://{loginHost}/{DemoTenant.TenantId}/oauth2/v2.0/token", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["grant_type"] = "client_credentials",
            ["client_id"] = DemoTenant.PortalClientId,
            ["client_secret"] = DemoTenant.PortalClientSecret,
            ["scope"] = scope,
        }));
        response.EnsureSuccessStatusCode();
        return (await response.Content.ReadFromJsonAsync<JsonObject>())!["access_token"]!.GetValue<string>();
    }

    /// <summary>A client of <paramref name="tenant"/> that sends the portal's Exchange token with every request.</summary>
    public static async Task<HttpClient> ExchangeClientAsync(InProcessTenant tenant)
    {
        var http = tenant.CreateHttpClient();
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", await AppTokenAsync(http, ExchangeScope));
        return http;
    }

    /// <summary>POSTs one InvokeCommand body to Exchange's admin API.</summary>
    public static Task<HttpResponseMessage> InvokeCommandAsync(HttpClient http, string cmdlet, JsonObject parameters) =>
        http.PostAsync($"https://outlook.office365.com/adminapi/beta/{DemoTenant.TenantId}/InvokeCommand",
            new StringContent(new JsonObject { ["CmdletInput"] = new JsonObject { ["CmdletName"] = cmdlet, ["Parameters"] = parameters } }.ToJsonString(), Encoding.UTF8, "application/json"));
}
