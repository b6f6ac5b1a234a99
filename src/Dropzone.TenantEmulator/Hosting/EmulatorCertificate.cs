namespace Dropzone.TenantEmulator.Hosting;

/// <summary>
/// The standalone emulator's TLS certificate for compose demos: MSAL only accepts https authorities, and a demo has
/// no CA. Made once (self-signed, for the given host names, localhost and 127.0.0.1) and kept as PEM, so the
/// portals trust exactly it with <c>SSL_CERT_FILE</c> pointing at the certificate file.
/// </summary>
public static class EmulatorCertificate
{
    /// <summary>Reads <paramref name="certificatePath"/> and its key (<c>.key</c> beside it), creating both when missing.</summary>
    public static X509Certificate2 LoadOrCreate(string certificatePath, IEnumerable<string> hostNames)
    {
        var keyPath = Path.ChangeExtension(certificatePath, ".key");
        if (!File.Exists(certificatePath) || !File.Exists(keyPath))
        {
            System.IO.Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(certificatePath))!);
            using var key = RSA.Create(2048);
            var request = new CertificateRequest("CN=Dropzone tenant emulator (demo)", key, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
            var names = new SubjectAlternativeNameBuilder();
            names.AddIpAddress(IPAddress.Loopback);
            names.AddDnsName("localhost");
            foreach (var host in hostNames.Where(h => !string.IsNullOrWhiteSpace(h)).Select(h => h.Trim()))
            {
                names.AddDnsName(host);
            }
            request.CertificateExtensions.Add(names.Build());
            // Its own CA, so that OpenSSL takes it as a trust anchor from SSL_CERT_FILE.
            request.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, false, 0, true));
            using var created = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddYears(5));
            File.WriteAllText(keyPath, key.ExportPkcs8PrivateKeyPem());
            File.WriteAllText(certificatePath, created.ExportCertificatePem());
        }
        using var pem = X509Certificate2.CreateFromPemFile(certificatePath, keyPath);
        // Kestrel needs a key it can use on every platform: round-trip through PKCS#12.
        return X509CertificateLoader.LoadPkcs12(pem.Export(X509ContentType.Pkcs12), null);
    }
}
