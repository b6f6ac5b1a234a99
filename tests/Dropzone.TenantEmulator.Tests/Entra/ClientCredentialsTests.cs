namespace Dropzone.TenantEmulator.Tests.Entra;

public sealed class ClientCredentialsTests : EmulatorHostTest
{
    /// <summary>Posts a token request as a client would, by default the portal's client-credentials request with its secret.</summary>
    private Task<HttpResponseMessage> RequestAsync(string? scope, string clientId = DemoTenant.PortalClientId, string secret = DemoTenant.PortalClientSecret,
        string grantType = "client_credentials")
    {
        var form = new Dictionary<string, string> { ["grant_type"] = grantType, ["client_id"] = clientId, ["client_secret"] = secret };
        if (scope is not null)
        {
            form["scope"] = scope;
        }

        return Host.Client.PostAsync(EmulatorHost.Token, new FormUrlEncodedContent(form));
    }

    [Fact]
    public async Task Token_ExchangeScopeWithSecret_AppTokenWithManageAsAppRole()
    {
        var token = new JsonWebToken(await Host.AppTokenAsync("https://outlook.office365.com/.default"));

        Assert.Equal("https://outlook.office365.com", token.GetClaim("aud").Value);
        Assert.Equal(DemoTenant.Instance + DemoTenant.TenantId + "/v2.0", token.Issuer);
        Assert.Equal(DemoTenant.TenantId, token.GetClaim("tid").Value);
        Assert.Equal(DemoTenant.PortalServicePrincipalId, token.GetClaim("oid").Value);
        Assert.Equal(DemoTenant.PortalClientId, token.GetClaim("azp").Value);
        Assert.Equal(["Exchange.ManageAsApp"], token.Claims.Where(c => c.Type == "roles").Select(c => c.Value));
        Assert.Equal("RS256", token.Alg);
        Assert.False(string.IsNullOrEmpty(token.Kid));
        Assert.Equal(TimeSpan.FromHours(1), token.ValidTo - token.ValidFrom);
    }

    [Fact]
    public async Task Token_GraphScope_GraphAudienceAndGraphRoles()
    {
        var token = new JsonWebToken(await Host.AppTokenAsync("https://graph.microsoft.com/.default"));

        Assert.Equal("https://graph.microsoft.com", token.GetClaim("aud").Value);
        var roles = token.Claims.Where(c => c.Type == "roles").Select(c => c.Value).ToList();
        Assert.Contains("User.Read.All", roles);
        Assert.DoesNotContain("Exchange.ManageAsApp", roles);
    }

    [Fact]
    public async Task Token_ResponseShape_HasExpiresAndBearerType()
    {
        using var response = await RequestAsync("https://outlook.office365.com/.default");
        var body = await response.Content.ReadFromJsonAsync<JsonObject>();

        Assert.Equal("Bearer", body!["token_type"]!.GetValue<string>());
        Assert.Equal(3600, body["expires_in"]!.GetValue<int>());
        Assert.Equal(3600, body["ext_expires_in"]!.GetValue<int>());
        Assert.Contains("no-store", response.Headers.CacheControl!.ToString());
    }

    [Fact]
    public async Task Token_WrongSecret_401InvalidClient()
    {
        using var response = await RequestAsync("https://outlook.office365.com/.default", secret: "wrong");
        var body = await response.Content.ReadFromJsonAsync<JsonObject>();

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Equal("invalid_client", body!["error"]!.GetValue<string>());
        Assert.StartsWith("AADSTS7000215", body["error_description"]!.GetValue<string>());
        Assert.Equal(7000215, body["error_codes"]![0]!.GetValue<int>());
    }

    [Fact]
    public async Task Token_SecretInBasicHeader_Accepted()
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, EmulatorHost.Token)
        {
            Content = new FormUrlEncodedContent(new Dictionary<string, string> { ["grant_type"] = "client_credentials", ["scope"] = "https://graph.microsoft.com/.default" }),
        };
        request.Headers.Authorization = new("Basic", Convert.ToBase64String(System.Text.Encoding.UTF8.GetBytes($"{DemoTenant.PortalClientId}:{DemoTenant.PortalClientSecret}")));

        using var response = await Host.Client.SendAsync(request);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    [Fact]
    public async Task Token_UnknownClient_400UnauthorizedClient()
    {
        using var response = await RequestAsync("https://graph.microsoft.com/.default", clientId: Guid.Empty.ToString(), secret: "x");

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains("AADSTS700016", await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task Token_ScopeWithoutDefaultSuffix_400InvalidScope()
    {
        using var response = await RequestAsync("https://graph.microsoft.com/User.Read.All");
        var body = await response.Content.ReadFromJsonAsync<JsonObject>();

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("invalid_scope", body!["error"]!.GetValue<string>());
    }

    [Fact]
    public async Task Token_UnknownResource_400InvalidResource()
    {
        using var response = await RequestAsync("https://unknown.example/.default");

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains("AADSTS500011", await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task Token_UnsupportedGrant_400()
    {
        using var response = await RequestAsync(scope: null, grantType: "password");
        var body = await response.Content.ReadFromJsonAsync<JsonObject>();

        Assert.Equal("unsupported_grant_type", body!["error"]!.GetValue<string>());
    }
}
