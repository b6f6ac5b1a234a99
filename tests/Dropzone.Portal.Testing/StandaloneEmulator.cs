using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json.Nodes;

namespace Dropzone.Portal.Testing;

/// <summary>
/// The standalone tenant emulator (src/Dropzone.TenantEmulator) as its own process, keeping its tenant in a state
/// file: the shared tenant several portal processes use through their ordinary real-tenant settings.
/// </summary>
public sealed class StandaloneEmulator : IAsyncDisposable
{
    private StandaloneEmulator(AppProcess process, Uri address, string stateFile)
    {
        Process = process;
        Address = address;
        StateFile = stateFile;
        Http = new HttpClient { BaseAddress = address, Timeout = TimeSpan.FromSeconds(120) };
    }

    public AppProcess Process { get; }

    /// <summary>The emulator's origin, e.g. http://127.0.0.1:41234/.</summary>
    public Uri Address { get; }

    public string StateFile { get; }

    /// <summary>A client on <see cref="Address"/>; the control surface answers it (loopback).</summary>
    public HttpClient Http { get; }

    public string BaseUrl => Address.ToString().TrimEnd('/') + TenantEmulatorExtensions.MountPrefix;

    public static async Task<StandaloneEmulator> StartAsync(string stateFile, IEnumerable<KeyValuePair<string, string?>>? settings = null)
    {
        var all = new Dictionary<string, string?>(settings ?? [], StringComparer.OrdinalIgnoreCase)
        {
            ["TenantEmulator:StateFile"] = stateFile,
        };
        var process = AppProcess.Start("tenant emulator", BuiltApps.TenantEmulator, all);
        try
        {
            var address = await process.WaitUntilListeningAsync();
            return new StandaloneEmulator(process, address, stateFile);
        }
        catch
        {
            await process.DisposeAsync();
            throw;
        }
    }

    /// <summary>
    /// The settings that point a portal at this emulator as at a real tenant: authority, Graph and Exchange base
    /// URLs and the demo app's credentials. The portal does not mount an emulator of its own.
    /// </summary>
    public IReadOnlyDictionary<string, string?> PortalSettings() => new Dictionary<string, string?>(StringComparer.OrdinalIgnoreCase)
    {
        ["TenantEmulator:Enabled"] = "false",
        ["AzureAd:Instance"] = BaseUrl + "/login/",
        ["AzureAd:TenantId"] = DemoTenant.TenantId,
        ["AzureAd:Domain"] = DemoTenant.Domain,
        ["AzureAd:ClientId"] = DemoTenant.PortalClientId,
        ["AzureAd:ClientCredentials:0:SourceType"] = "ClientSecret",
        ["AzureAd:ClientCredentials:0:ClientSecret"] = DemoTenant.PortalClientSecret,
        ["RestrictedApp:ClientId"] = DemoTenant.RestrictedAppId,
        ["Notifications:SenderMailbox"] = DemoTenant.SecurityTeamMailbox,
        ["Graph:BaseUrl"] = BaseUrl + "/graph/v1.0",
        ["Exchange:BaseUrl"] = BaseUrl + "/outlook",
    };

    /// <summary>An app-only token of the portal's app for a resource (https://outlook.office365.com or https://graph.microsoft.com).</summary>
    public async Task<string> AppTokenAsync(string resource = "https://outlook.office365.com")
    {
        using var response = await Http.PostAsync($"{BaseUrl}/login/{DemoTenant.TenantId}/oauth2/v2.0/token", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["grant_type"] = "client_credentials",
            ["client_id"] = DemoTenant.PortalClientId,
            ["client_secret"] = DemoTenant.PortalClientSecret,
            ["scope"] = resource + "/.default",
        }));
        response.EnsureSuccessStatusCode();
        return (await response.Content.ReadFromJsonAsync<JsonObject>())!["access_token"]!.GetValue<string>();
    }

    /// <summary>One InvokeCommand call, as the portal's Exchange client makes it.</summary>
    public async Task<HttpResponseMessage> InvokeAsync(string token, string cmdlet, JsonObject parameters)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, $"{BaseUrl}/outlook/adminapi/beta/{DemoTenant.TenantId}/InvokeCommand")
        {
            Content = new StringContent(new JsonObject { ["CmdletInput"] = new JsonObject { ["CmdletName"] = cmdlet, ["Parameters"] = parameters } }.ToJsonString(), Encoding.UTF8, "application/json"),
        };
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        return await Http.SendAsync(request);
    }

    /// <summary>Sets faults through the control surface (fields left out keep their value).</summary>
    public async Task SetFaultsAsync(JsonObject faults)
    {
        using var response = await Http.PostAsync($"{BaseUrl}/_control/faults", new StringContent(faults.ToJsonString(), Encoding.UTF8, "application/json"));
        response.EnsureSuccessStatusCode();
    }

    public async Task<JsonObject> StateAsync() => (await Http.GetFromJsonAsync<JsonObject>($"{BaseUrl}/_control/state"))!;

    public async ValueTask DisposeAsync()
    {
        Http.Dispose();
        await Process.DisposeAsync();
    }
}
