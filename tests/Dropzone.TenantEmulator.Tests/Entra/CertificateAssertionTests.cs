using System.Security.Cryptography.X509Certificates;

namespace Dropzone.TenantEmulator.Tests.Entra;

/// <summary>client_credentials with a private_key_jwt assertion, the way MSAL builds one.</summary>
public sealed class CertificateAssertionTests : IAsyncLifetime
{
    private EmulatorHost _host = null!;
    private X509Certificate2 _certificate = null!;

    public async Task InitializeAsync()
    {
        _host = await EmulatorHost.StartAsync();
        using var rsa = RSA.Create(2048);
        var request = new CertificateRequest("CN=Dropzone Portal demo", rsa, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        var now = _host.Time.GetUtcNow();
        _certificate = request.CreateSelfSigned(now.AddDays(-1), now.AddYears(1));
    }

    public async Task DisposeAsync()
    {
        _certificate.Dispose();
        await _host.DisposeAsync();
    }

    private string Assertion(X509Certificate2 certificate, string audience)
    {
        var now = _host.Time.GetUtcNow().UtcDateTime;
        return new JsonWebTokenHandler { SetDefaultTimesOnTokenCreation = false }.CreateToken(new SecurityTokenDescriptor
        {
            Issuer = DemoTenant.PortalClientId,
            Audience = audience,
            Claims = new Dictionary<string, object> { ["sub"] = DemoTenant.PortalClientId, ["jti"] = Guid.NewGuid().ToString() },
            IssuedAt = now,
            NotBefore = now,
            Expires = now.AddMinutes(10),
            SigningCredentials = new X509SigningCredentials(certificate),
        });
    }

    private Task<HttpResponseMessage> RequestAsync(string assertion) =>
        _host.Client.PostAsync(EmulatorHost.Token, new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["grant_type"] = "client_credentials",
            ["client_id"] = DemoTenant.PortalClientId,
            ["client_assertion_type"] = "urn:ietf:params:oauth:client-assertion-type:jwt-bearer",
            ["client_assertion"] = assertion,
            ["scope"] = "https://outlook.office365.com/.default",
        }));

    [Fact]
    public async Task Token_AssertionSignedByRegisteredCertificate_Issued()
    {
        _host.State.RegisterCertificate(DemoTenant.PortalClientId, _certificate);

        using var response = await RequestAsync(Assertion(_certificate, $"https://login.emulator.test/{DemoTenant.TenantId}/oauth2/v2.0/token"));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var token = new JsonWebToken((await response.Content.ReadFromJsonAsync<JsonObject>())!["access_token"]!.GetValue<string>());
        Assert.Equal("https://outlook.office365.com", token.GetClaim("aud").Value);
    }

    [Fact]
    public async Task Token_AssertionWithUnregisteredCertificate_401()
    {
        using var response = await RequestAsync(Assertion(_certificate, $"https://login.emulator.test/{DemoTenant.TenantId}/oauth2/v2.0/token"));

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Contains("AADSTS700027", await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task Token_AssertionForAnotherAudience_401()
    {
        _host.State.RegisterCertificate(DemoTenant.PortalClientId, _certificate);

        using var response = await RequestAsync(Assertion(_certificate, "https://login.microsoftonline.com/some-other-tenant/oauth2/v2.0/token"));

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
    }

    [Fact]
    public async Task Token_ExpiredAssertion_401()
    {
        _host.State.RegisterCertificate(DemoTenant.PortalClientId, _certificate);
        var assertion = Assertion(_certificate, $"https://login.emulator.test/{DemoTenant.TenantId}/oauth2/v2.0/token");
        _host.Time.Advance(TimeSpan.FromMinutes(11));

        using var response = await RequestAsync(assertion);

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
    }

    [Fact]
    public async Task ControlCertificates_RegisterByHttp_ThenAssertionAccepted()
    {
        using var register = await _host.Client.PostAsJsonAsync("/_emulator/_control/certificates", new
        {
            appId = DemoTenant.PortalClientId,
            certificate = Convert.ToBase64String(_certificate.Export(X509ContentType.Cert)),
        });

        using var response = await RequestAsync(Assertion(_certificate, $"https://login.emulator.test/{DemoTenant.TenantId}/oauth2/v2.0/token"));

        Assert.Equal(HttpStatusCode.OK, register.StatusCode);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }
}
