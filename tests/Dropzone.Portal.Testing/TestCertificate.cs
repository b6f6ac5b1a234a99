using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace Dropzone.Portal.Testing;

/// <summary>
/// A self-signed TLS certificate for 127.0.0.1 and localhost, written as PEM for Kestrel (certificate and key)
/// and for OpenSSL's trust store of another process (<c>SSL_CERT_FILE</c>): how a deployment trusts a private CA.
/// </summary>
public sealed class TestCertificate
{
    private TestCertificate(string certificatePath, string keyPath, X509Certificate2 certificate)
    {
        CertificatePath = certificatePath;
        KeyPath = keyPath;
        Certificate = certificate;
    }

    public string CertificatePath { get; }

    public string KeyPath { get; }

    public X509Certificate2 Certificate { get; }

    public static TestCertificate Create(string folder)
    {
        using var key = RSA.Create(2048);
        var request = new CertificateRequest("CN=Dropzone tenant emulator (test)", key, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        var names = new SubjectAlternativeNameBuilder();
        names.AddIpAddress(IPAddress.Loopback);
        names.AddDnsName("localhost");
        request.CertificateExtensions.Add(names.Build());
        // Its own CA: OpenSSL accepts it as a trust anchor when it is in SSL_CERT_FILE.
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, false, 0, true));
        request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension([new Oid("1.3.6.1.5.5.7.3.1")], false));
        var certificate = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddMinutes(-5), DateTimeOffset.UtcNow.AddDays(2));
        var certificatePath = Path.Combine(folder, "emulator.crt");
        var keyPath = Path.Combine(folder, "emulator.key");
        File.WriteAllText(certificatePath, certificate.ExportCertificatePem());
        File.WriteAllText(keyPath, key.ExportPkcs8PrivateKeyPem());
        return new TestCertificate(certificatePath, keyPath, X509CertificateLoader.LoadCertificate(certificate.Export(X509ContentType.Cert)));
    }

    /// <summary>A handler for the test's own calls (a browser's part in a sign-in) that trusts exactly this certificate.</summary>
    public HttpClientHandler TrustingHandler() => new()
    {
        AllowAutoRedirect = false,
        UseCookies = true,
        CookieContainer = new CookieContainer(),
        ServerCertificateCustomValidationCallback = (_, presented, _, errors) =>
            errors == System.Net.Security.SslPolicyErrors.None || (presented is not null && presented.RawData.AsSpan().SequenceEqual(Certificate.RawData)),
    };
}
