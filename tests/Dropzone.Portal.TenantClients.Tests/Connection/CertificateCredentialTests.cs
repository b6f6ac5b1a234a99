using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace Dropzone.Portal.TenantClients.Tests.Connection;

/// <summary>The recommended credential: a certificate from configuration, signing the client assertion.</summary>
public class CertificateCredentialTests
{
    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task InvokeAsync_CertificateCredential_WorksOnlyWhenRegistered(bool registered)
    {
        using var rsa = RSA.Create(2048);
        var request = new CertificateRequest("CN=Dropzone Portal test", rsa, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        using var certificate = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddDays(30));
        var pfx = Convert.ToBase64String(certificate.Export(X509ContentType.Pfx));
        using var tenant = TenantHarness.Create(new Dictionary<string, string?>
        {
            ["AzureAd:ClientCredentials:0:SourceType"] = "Base64Encoded",
            ["AzureAd:ClientCredentials:0:Base64EncodedValue"] = pfx,
            ["AzureAd:ClientCredentials:0:ClientSecret"] = null,
        });
        if (registered)
        {
            tenant.State.RegisterCertificate(DemoTenant.PortalClientId, certificate);
        }

        var result = await tenant.Exchange.InvokeAsync(ExchangeCommands.GetAcceptedDomain());

        Assert.Equal(registered, result.IsSuccess);
        if (!registered)
        {
            var missing = Assert.IsType<ExchangeOutcome.PermissionMissing>(result.Outcome);
            Assert.Equal(MissingPermission.AppCredentials, missing.Which);
        }
    }
}
