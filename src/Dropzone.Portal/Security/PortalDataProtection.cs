using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Microsoft.AspNetCore.DataProtection;

namespace Dropzone.Portal.Security;

/// <summary>
/// The cookie and antiforgery key ring, kept in the portal database so sign-ins survive restarts, and encrypted
/// there with a certificate kept outside it, so that whoever can read or write the database cannot forge a cookie.
/// The certificate: <c>DataProtection:Certificate:Path</c> (+ <c>:Password</c>, a PFX) or
/// <c>DataProtection:Certificate:Thumbprint</c> (the machine's or user's store); otherwise
/// <c>dataprotection.pfx</c> beside the database, created on first start with owner-only permissions (the demo's
/// default in Development). In Production a configured certificate is required, on either database: kept away from
/// the data's volume, and the same for every instance.
/// </summary>
public static class PortalDataProtection
{
    public const string Section = "DataProtection";
    public const string DefaultCertificateFile = "dataprotection.pfx";

    public static IHostApplicationBuilder AddPortalDataProtection(this IHostApplicationBuilder builder)
    {
        var dataProtection = builder.Services.AddDataProtection()
            .SetApplicationName("Dropzone.Portal")
            .PersistKeysToDbContext<PortalDbContext>();
        var section = builder.Configuration.GetSection(Section);
        if (section["Certificate:Thumbprint"] is { Length: > 0 } thumbprint)
        {
            dataProtection.ProtectKeysWithCertificate(thumbprint);
            return builder;
        }
        if (section["Certificate:Path"] is not { Length: > 0 } && builder.Environment.IsProduction())
        {
            // A certificate created beside the data would sit on the same volume as what it protects (a copy of the
            // volume forges cookies), and several instances would each create their own and read none of the others' keys.
            throw new InvalidOperationException(
                "In Production, set DataProtection:Certificate:Path (with :Password) or DataProtection:Certificate:Thumbprint " +
                "to the certificate that encrypts the sign-in key ring kept in the database (every instance uses the same one). " +
                $"'dotnet Dropzone.Portal.dll {DataProtectionCertificateCommand.Name}' creates one at the configured path.");
        }
        var path = section["Certificate:Path"] is { Length: > 0 } configured
            ? Path.GetFullPath(configured, builder.Environment.ContentRootPath)
            : Path.Combine(PortalDatabaseDefaults.DataFolderOf(builder.Configuration, builder.Environment.ContentRootPath), DefaultCertificateFile);
        var password = section["Certificate:Password"];
        var pfx = SecretFile.ReadOrCreate(path, () => CreateCertificate(password));
        var certificate = X509CertificateLoader.LoadPkcs12(pfx, password, X509KeyStorageFlags.EphemeralKeySet);
        // Encrypts new keys with the certificate and lets the decryptor find it without a certificate store.
        dataProtection.ProtectKeysWithCertificate(certificate).UnprotectKeysWithAnyCertificate(certificate);
        return builder;
    }

    internal static byte[] CreateCertificate(string? password)
    {
        using var rsa = RSA.Create(3072);
        var request = new CertificateRequest("CN=Dropzone Portal data protection", rsa, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        using var certificate = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddYears(30));
        return certificate.Export(X509ContentType.Pkcs12, password);
    }
}
