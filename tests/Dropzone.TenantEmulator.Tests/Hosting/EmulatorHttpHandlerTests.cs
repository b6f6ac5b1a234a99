namespace Dropzone.TenantEmulator.Tests.Hosting;

/// <summary>The in-process path: real Microsoft host names, no network, same answers as the mount.</summary>
public sealed class EmulatorHttpHandlerTests : EmulatorHostTest
{
    [Fact]
    public async Task SendAsync_TokenThenInvokeCommandByRealHosts_Works()
    {
        using var client = Host.InProcessClient();
        var token = await RealHostCalls.AppTokenAsync(client, RealHostCalls.ExchangeScope, loginHost: "login.emulator.test");
        using var request = new HttpRequestMessage(HttpMethod.Post, $"https://outlook.office365.com/adminapi/beta/{DemoTenant.TenantId}/InvokeCommand")
        {
            Content = new StringContent("""{"CmdletInput":{"CmdletName":"Get-AcceptedDomain","Parameters":{}}}""", System.Text.Encoding.UTF8, "application/json"),
        };
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);

        using var response = await client.SendAsync(request);
        var body = await response.Content.ReadFromJsonAsync<JsonObject>();

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Contains(body!["value"]!.AsArray(), d => d!["DomainName"]!.GetValue<string>() == DemoTenant.Domain);
        Assert.StartsWith($"https://outlook.office365.com/adminapi/beta/{DemoTenant.TenantId}/", body["@odata.context"]!.GetValue<string>());
    }

    [Fact]
    public async Task SendAsync_GraphHost_ServesGraph()
    {
        using var client = Host.InProcessClient();
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", await RealHostCalls.AppTokenAsync(client, RealHostCalls.GraphScope, loginHost: "login.emulator.test"));

        var domains = await client.GetFromJsonAsync<JsonObject>("https://graph.microsoft.com/v1.0/domains");

        Assert.Equal(2, domains!["value"]!.AsArray().Count);
    }

    [Fact]
    public async Task SendAsync_InstanceDiscoveryOnMicrosoftHost_NamesTheAuthorityHost()
    {
        using var client = Host.InProcessClient();

        var answer = await client.GetFromJsonAsync<JsonObject>(
            $"https://login.microsoftonline.com/common/discovery/instance?api-version=1.1&authorization_endpoint=https://login.emulator.test/{DemoTenant.TenantId}/oauth2/v2.0/authorize");

        Assert.Equal("1.1", answer!["api-version"]!.GetValue<string>());
        Assert.Equal($"https://login.emulator.test/{DemoTenant.TenantId}/v2.0/.well-known/openid-configuration", answer["tenant_discovery_endpoint"]!.GetValue<string>());
        var metadata = answer["metadata"]![0]!;
        Assert.Equal("login.emulator.test", metadata["preferred_network"]!.GetValue<string>());
        Assert.Equal("login.emulator.test", metadata["preferred_cache"]!.GetValue<string>());
        Assert.Contains(metadata["aliases"]!.AsArray(), a => a!.GetValue<string>() == "login.emulator.test");
    }

    [Fact]
    public async Task SendAsync_DiscoveryByAuthorityHost_BrowserEndpointsPointAtPortalMount()
    {
        using var client = Host.InProcessClient();

        var doc = await client.GetFromJsonAsync<JsonObject>($"https://login.emulator.test/{DemoTenant.TenantId}/v2.0/.well-known/openid-configuration");

        Assert.Equal($"http://localhost/_emulator/login/{DemoTenant.TenantId}/oauth2/v2.0/authorize", doc!["authorization_endpoint"]!.GetValue<string>());
        Assert.Equal($"https://login.emulator.test/{DemoTenant.TenantId}/oauth2/v2.0/token", doc["token_endpoint"]!.GetValue<string>());
        Assert.Equal($"https://login.emulator.test/{DemoTenant.TenantId}/discovery/v2.0/keys", doc["jwks_uri"]!.GetValue<string>());
    }

    [Fact]
    public async Task SendAsync_EmulatorPrefixOnAnyHost_RoutesByPrefix()
    {
        using var client = Host.InProcessClient();

        var state = await client.GetFromJsonAsync<JsonObject>("http://portal.internal/_emulator/_control/state");

        Assert.Equal(DemoTenant.TenantId, state!["tenantId"]!.GetValue<string>());
    }

    [Fact]
    public async Task SendAsync_UnknownHost_404WithoutNetwork()
    {
        using var client = Host.InProcessClient();

        using var response = await client.GetAsync("https://www.example.com/");

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
    }

    [Fact]
    public async Task Dispose_ThenReuseSharedHandler_StillServes()
    {
        // IHttpClientFactory disposes rotated handlers; the shared one must survive that.
        var first = Host.InProcessClient();
        var handler = (HttpMessageHandler)Host.Services.GetService(typeof(Dropzone.TenantEmulator.Hosting.EmulatorHttpHandler))!;
        handler.Dispose();
        first.Dispose();
        using var second = Host.InProcessClient();

        using var response = await second.GetAsync($"https://login.emulator.test/{DemoTenant.TenantId}/discovery/v2.0/keys");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }
}
