using System.Security.Cryptography.X509Certificates;
using Dropzone.Portal.Core.Security;

namespace Dropzone.Portal.Core.Audit;

/// <summary>
/// The secret the audit chain is authenticated with (HMAC-SHA256 over each entry's canonical form, and over every
/// checkpoint). It never enters the database: see docs/decisions/011-audit-tamper-evidence.md. <see cref="Id"/>
/// names the key (a fingerprint, not the key) so checkpoints and exports say which key verifies them.
/// </summary>
public sealed class AuditChainKey
{
    public const int MinimumLength = 32;
    private readonly byte[] _key;

    public AuditChainKey(ReadOnlySpan<byte> key)
    {
        if (key.Length < MinimumLength) throw new ArgumentException($"An audit chain key needs at least {MinimumLength} bytes.", nameof(key));
        _key = key.ToArray();
        Id = Convert.ToHexStringLower(SHA256.HashData(_key).AsSpan(0, 8));
    }

    /// <summary>
    /// The key of a database context built without one (unit tests, tools). The portal's host always configures a
    /// real key (<see cref="AuditChainKeySource"/>); a chain written under this one proves nothing.
    /// </summary>
    public static AuditChainKey Unconfigured { get; } = new(new byte[MinimumLength]);

    /// <summary>The first 8 bytes of the key's SHA-256, in hex.</summary>
    public string Id { get; }

    public static AuditChainKey Generate() => new(RandomNumberGenerator.GetBytes(MinimumLength));

    /// <summary>Reads the Base64 text of a key file (as <see cref="AuditChainKeySource"/> writes it).</summary>
    public static AuditChainKey FromFileText(string text) => new(Convert.FromBase64String(text.Trim()));

    public string ToFileText() => Convert.ToBase64String(_key);

    /// <summary>A reusable MAC context; <c>GetHashAndReset</c> leaves it keyed for the next message.</summary>
    public IncrementalHash CreateMac() => IncrementalHash.CreateHMAC(HashAlgorithmName.SHA256, _key);

    public void Mac(ReadOnlySpan<byte> message, Span<byte> destination) => HMACSHA256.HashData(_key, message, destination);
}

/// <summary>
/// Where the chain key comes from, first match wins: <c>Audit:ChainKey</c> (Base64, from a secret store or the
/// environment), <c>Audit:ChainKeyFile</c> (a file holding the Base64 key), <c>Audit:ChainKeyCertificate:Path</c>
/// (+ <c>:Password</c>; a PFX whose RSA private key derives the key, so the key lives wherever the certificate is
/// kept), otherwise <c>audit-chain.key</c> in the database's folder, created on first start with owner-only
/// permissions (the demo's default; production should keep the key away from the database's volume).
/// </summary>
public static class AuditChainKeySource
{
    public const string DefaultFileName = "audit-chain.key";
    private static readonly byte[] CertificateDerivationLabel = Encoding.ASCII.GetBytes("dropzone-audit-chain-key/1");

    public static AuditChainKey Resolve(IConfiguration configuration, IHostEnvironment environment)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        ArgumentNullException.ThrowIfNull(environment);
        var section = configuration.GetSection(AuditOptions.SectionName);
        if (section["ChainKey"] is { Length: > 0 } inline) return AuditChainKey.FromFileText(inline);
        if (section["ChainKeyFile"] is { Length: > 0 } file)
        {
            return AuditChainKey.FromFileText(File.ReadAllText(Path.GetFullPath(file, environment.ContentRootPath)));
        }
        if (section["ChainKeyCertificate:Path"] is { Length: > 0 } certificatePath)
        {
            using var certificate = X509CertificateLoader.LoadPkcs12FromFile(
                Path.GetFullPath(certificatePath, environment.ContentRootPath), section["ChainKeyCertificate:Password"]);
            return FromCertificate(certificate);
        }
        var path = Path.Combine(PortalDatabaseDefaults.DataFolderOf(configuration, environment.ContentRootPath), DefaultFileName);
        return AuditChainKey.FromFileText(Encoding.ASCII.GetString(
            SecretFile.ReadOrCreate(path, () => Encoding.ASCII.GetBytes(AuditChainKey.Generate().ToFileText()))));
    }

    /// <summary>
    /// An RSA PKCS#1 v1.5 signature is deterministic, so signing a fixed label with the certificate's private key
    /// gives the same secret on every start and on every instance holding the certificate.
    /// </summary>
    public static AuditChainKey FromCertificate(X509Certificate2 certificate)
    {
        ArgumentNullException.ThrowIfNull(certificate);
        using var rsa = certificate.GetRSAPrivateKey()
            ?? throw new InvalidOperationException("Audit:ChainKeyCertificate must be an RSA certificate with its private key.");
        var signature = rsa.SignData(CertificateDerivationLabel, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        return new AuditChainKey(SHA256.HashData(signature));
    }
}
