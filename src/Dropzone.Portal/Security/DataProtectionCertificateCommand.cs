using System.Security.Cryptography.X509Certificates;

namespace Dropzone.Portal.Security;

/// <summary>
/// <c>dotnet Dropzone.Portal.dll create-data-protection-certificate</c>: creates the certificate that encrypts the
/// sign-in key ring at <c>DataProtection:Certificate:Path</c> (a PFX protected by <c>:Password</c>, readable by its
/// owner only) unless one is there, and exits. For a deployment's first start (a one-shot container, a script);
/// Production refuses to start without a configured certificate. Prints the thumbprint and expiry, never the password.
/// </summary>
public static class DataProtectionCertificateCommand
{
    public const string Name = "create-data-protection-certificate";

    public static Task<int> RunAsync(string[] args, TextWriter output, TextWriter error)
    {
        ArgumentNullException.ThrowIfNull(output);
        ArgumentNullException.ThrowIfNull(error);
        var builder = WebApplication.CreateBuilder(args);
        builder.AddMountedSecrets();
        var section = builder.Configuration.GetSection(PortalDataProtection.Section);
        if (section["Certificate:Path"] is not { Length: > 0 } configured)
        {
            error.WriteLine("Set DataProtection:Certificate:Path (and :Password) to where the certificate is to be kept; nothing was created.");
            return Task.FromResult(2);
        }
        var path = Path.GetFullPath(configured, builder.Environment.ContentRootPath);
        var existed = File.Exists(path);
        var password = section["Certificate:Password"];
        var pfx = SecretFile.ReadOrCreate(path, () => PortalDataProtection.CreateCertificate(password));
        using var certificate = X509CertificateLoader.LoadPkcs12(pfx, password, X509KeyStorageFlags.EphemeralKeySet);
        output.WriteLine($"{(existed ? "Kept the existing" : "Created the")} data-protection certificate {path}: thumbprint {certificate.Thumbprint}, valid until {certificate.NotAfter:yyyy-MM-dd}.");
        return Task.FromResult(0);
    }
}
