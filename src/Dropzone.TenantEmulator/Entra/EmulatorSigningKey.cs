using System.Security.Cryptography;
using Microsoft.IdentityModel.Tokens;

namespace Dropzone.TenantEmulator.Entra;

/// <summary>
/// The RSA key every emulator token is signed with. One key per process, generated at start-up: tests host
/// several emulators in one process, and Identity.Web caches metadata per process, so they must agree.
/// </summary>
internal static class EmulatorSigningKey
{
    public const string KeyId = "dropzone-emulator-rs256";

    private static readonly Lazy<RsaSecurityKey> Key = new(() =>
        new RsaSecurityKey(RSA.Create(2048)) { KeyId = KeyId });

    public static RsaSecurityKey SecurityKey => Key.Value;

    public static SigningCredentials Credentials => new(Key.Value, SecurityAlgorithms.RsaSha256);

    /// <summary>The public half, as a JWKS entry.</summary>
    public static IDictionary<string, object> PublicJwk()
    {
        var parameters = Key.Value.Rsa.ExportParameters(includePrivateParameters: false);
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
