namespace Dropzone.TenantEmulator.Entra;

/// <summary>
/// The RSA key every emulator token is signed with. One key per process: tests host several emulators in one
/// process, and Identity.Web caches metadata per process, so they must agree. A tenant kept in a state file
/// keeps its key too (<see cref="Adopt"/>), so that tokens issued before a restart of the emulator stay valid.
/// </summary>
internal static class EmulatorSigningKey
{
    public const string KeyId = "dropzone-emulator-rs256";

    private static readonly Lock Gate = new();
    private static RsaSecurityKey? _key;
    private static string? _exported;

    public static RsaSecurityKey SecurityKey
    {
        get
        {
            lock (Gate)
            {
                return _key ??= new RsaSecurityKey(RSA.Create(2048)) { KeyId = KeyId };
            }
        }
    }

    public static SigningCredentials Credentials => new(SecurityKey, SecurityAlgorithms.RsaSha256);

    /// <summary>
    /// Takes a kept key (PKCS#8, base64) as the process's key, unless the process has already signed with
    /// another one: then the process key stays, because tokens and metadata out there already name it.
    /// </summary>
    public static void Adopt(string? pkcs8)
    {
        if (string.IsNullOrEmpty(pkcs8))
        {
            return;
        }
        lock (Gate)
        {
            if (_key is null)
            {
                var rsa = RSA.Create();
                rsa.ImportPkcs8PrivateKey(Convert.FromBase64String(pkcs8), out _);
                _key = new RsaSecurityKey(rsa) { KeyId = KeyId };
            }
        }
    }

    /// <summary>The private key as PKCS#8, base64, for the state file.</summary>
    public static string Export()
    {
        var key = SecurityKey;
        lock (Gate)
        {
            // Exported once: every save of the state file writes it.
            return _exported ??= Convert.ToBase64String(key.Rsa.ExportPkcs8PrivateKey());
        }
    }

    /// <summary>The public half, as a JWKS entry.</summary>
    public static IDictionary<string, object> PublicJwk()
    {
        var parameters = SecurityKey.Rsa.ExportParameters(includePrivateParameters: false);
        return new Dictionary<string, object>
        {
            ["kty"] = "RSA",
            ["use"] = "sig",
            ["alg"] = "RS256",
            ["kid"] = KeyId,
            ["n"] = Base64UrlEncoder.Encode(parameters.Modulus),
            ["e"] = Base64UrlEncoder.Encode(parameters.Exponent),
        };
    }
}
