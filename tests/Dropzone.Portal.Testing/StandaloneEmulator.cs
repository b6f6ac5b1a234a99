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
    private StandaloneEmulator(AppProcess process, Uri address, string stateFile, HttpMessageHandler handler)
    {
        Process = process;
        Address = address;
        StateFile = stateFile;
        Http = new HttpClient(handler) { BaseAddress = address, Timeout = TimeSpan.FromSeconds(120) };
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
        return await StartAsync(all, new HttpClientHandler());
    }

    /// <summary>
    /// Over HTTPS with <paramref name="certificate"/>, on a free port fixed up front: the authority (and so the tokens'
    /// issuer) names the port, as a real tenant's authority names its host. MSAL only accepts https authorities.
    /// </summary>
    public static async Task<StandaloneEmulator> StartHttpsAsync(string stateFile, TestCertificate certificate, IEnumerable<KeyValuePair<string, string?>>? settings = null)
    {
        var origin = $"https://127.0.0.1:{FreeTcpPort()}";
        var all = new Dictionary<string, string?>(settings ?? [], StringComparer.OrdinalIgnoreCase)
        {
            ["TenantEmulator:StateFile"] = stateFile,
            ["TenantEmulator:Instance"] = origin + "/",
            ["ASPNETCORE_URLS"] = origin,
            ["Kestrel:Certificates:Default:Path"] = certificate.CertificatePath,
            ["Kestrel:Certificates:Default:KeyPath"] = certificate.KeyPath,
        };
        return await StartAsync(all, certificate.TrustingHandler());
    }

    private static int FreeTcpPort()
    {
        using var listener = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
        listener.Start();
        return ((System.Net.IPEndPoint)listener.LocalEndpoint).Port;
    }

    private static async Task<StandaloneEmulator> StartAsync(Dictionary<string, string?> all, HttpMessageHandler handler)
    {
        var process = AppProcess.Start("tenant emulator", BuiltApps.TenantEmulator, all);
        try
        {
            var address = await process.WaitUntilListeningAsync();
            return new StandaloneEmulator(process, address, all["TenantEmulator:StateFile"]!, handler);
        }
        catch
        {
            handler.Dispose();
            await process.DisposeAsync();
            throw;
        }
    }

    /// <summary>
    /// The settings that point a portal at this emulator as at a real tenant (README, "Connect a real tenant"): the
    /// authority, Graph and Exchange base URLs (the emulator's root serves the real services' paths) and the demo
    /// app's credentials. The portal mounts no emulator of its own.
    /// </summary>
    public Dictionary<string, string?> PortalSettings() => new(StringComparer.OrdinalIgnoreCase)
    {
        ["TenantEmulator:Enabled"] = "false",
        ["AzureAd:Instance"] = Origin + "/",
        ["AzureAd:TenantId"] = DemoTenant.TenantId,
        ["AzureAd:Domain"] = DemoTenant.Domain,
        ["AzureAd:ClientId"] = DemoTenant.PortalClientId,
        ["AzureAd:ClientCredentials:0:SourceType"] = "ClientSecret",
        ["AzureAd:ClientCredentials:0:ClientSecret"] = DemoTenant.PortalClientSecret,
        ["RestrictedApp:ClientId"] = DemoTenant.RestrictedAppId,
        ["Notifications:SenderMailbox"] = DemoTenant.SecurityTeamMailbox,
        ["TenantClients:GraphBaseUrl"] = Origin + "/v1.0",
        ["TenantClients:ExchangeBaseUrl"] = Origin,
    };

    private string Origin => Address.ToString().TrimEnd('/');

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
