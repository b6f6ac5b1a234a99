using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;

namespace Dropzone.Portal.Core.Tests.Access;

/// <summary>
/// Ground truth: the restricted application itself, with its own client credential, reading a mailbox's messages
/// through the emulator's Graph endpoint (which enforces Entra grants, RBAC scopes and access policies).
/// </summary>
public sealed class GraphMailOracle(EmulatedTenant tenant) : IDisposable
{
    private readonly HttpClient _client = new(tenant.Handler, disposeHandler: false) { BaseAddress = new Uri("https://localhost") };

    /// <summary>A fresh token: Entra puts the app's grants into the token when it is issued.</summary>
    public async Task<string> TokenAsync()
    {
        using var response = await _client.PostAsync($"/_emulator/login/{DemoTenant.TenantId}/oauth2/v2.0/token", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["grant_type"] = "client_credentials",
            ["client_id"] = DemoTenant.RestrictedAppId,
            ["client_secret"] = DemoTenant.RestrictedAppClientSecret,
            ["scope"] = "https://graph.microsoft.com/.default",
        }));
        response.EnsureSuccessStatusCode();
        return (await response.Content.ReadFromJsonAsync<JsonObject>())!["access_token"]!.GetValue<string>();
    }

    /// <summary>True on 200, false on 403 ErrorAccessDenied; anything else fails the test.</summary>
    public async Task<bool> CanReadAsync(string token, string mailbox)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, $"/_emulator/graph/v1.0/users/{mailbox}/messages");
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        using var response = await _client.SendAsync(request);
        return response.StatusCode switch
        {
            HttpStatusCode.OK => true,
            HttpStatusCode.Forbidden => false,
            var other => throw new InvalidOperationException($"Graph answered {(int)other} for {mailbox}: {await response.Content.ReadAsStringAsync()}"),
        };
    }

    public void Dispose() => _client.Dispose();
}
