using Microsoft.IdentityModel.JsonWebTokens;

namespace Dropzone.TenantEmulator.Entra;

/// <summary>
/// Confidential client authentication at the token endpoint: a client secret (form or Basic header) or
/// a JWT client assertion signed by a certificate registered on the app (private_key_jwt).
/// </summary>
public sealed class ClientAuthenticator(TenantState state)
{
    private const string JwtBearerAssertionType = "urn:ietf:params:oauth:client-assertion-type:jwt-bearer";
    private readonly JsonWebTokenHandler _handler = new();

    public async Task<ClientAuthentication> AuthenticateAsync(EmulatorRequest request, Dictionary<string, StringValues> form, string tokenEndpoint)
    {
        string? Get(string name) => form.TryGetValue(name, out var v) ? v.ToString() : null;
        var (clientId, secret) = (Get("client_id"), Get("client_secret"));
        var basic = request.Header("Authorization");
        if (basic is not null && basic.StartsWith("Basic ", StringComparison.OrdinalIgnoreCase))
        {
            var pair = Encoding.UTF8.GetString(Convert.FromBase64String(basic[6..].Trim())).Split(':', 2);
            (clientId, secret) = (Uri.UnescapeDataString(pair[0]), pair.Length > 1 ? Uri.UnescapeDataString(pair[1]) : null);
        }
        var assertion = Get("client_assertion");
        if (clientId is null && assertion is not null)
        {
            clientId = ReadIssuer(assertion);
        }
        AppRegistration? app;
        List<byte[]> certificates;
        lock (state.Gate)
        {
            app = clientId is null ? null : state.FindApp(clientId);
            certificates = app is null ? [] : [.. app.Certificates];
        }
        if (app is null)
        {
            return Fail(400, "unauthorized_client", 700016, $"AADSTS700016: Application with identifier '{clientId}' was not found in the directory.");
        }
        if (secret is not null)
        {
            bool matches;
            lock (state.Gate)
            {
                matches = app.ClientSecrets.Any(s => CryptographicOperations.FixedTimeEquals(Encoding.UTF8.GetBytes(s), Encoding.UTF8.GetBytes(secret)));
            }
            return matches ? new ClientAuthentication(app, null)
                : Fail(401, "invalid_client", 7000215, $"AADSTS7000215: Invalid client secret provided. Ensure the secret being sent in the request is the client secret value, not the client secret ID, for a secret added to app '{app.AppId}'.");
        }
        if (assertion is not null)
        {
            if (Get("client_assertion_type") != JwtBearerAssertionType)
            {
                return Fail(400, "invalid_request", 90014, "AADSTS90014: The required field 'client_assertion_type' is missing or wrong.");
            }
            return await ValidateAssertionAsync(app, assertion, certificates, tokenEndpoint)
                ? new ClientAuthentication(app, null)
                : Fail(401, "invalid_client", 700027, "AADSTS700027: The certificate with identifier used to sign the client assertion is not registered on application, or the assertion is invalid.");
        }
        return Fail(401, "invalid_client", 7000218, "AADSTS7000218: The request body must contain the following parameter: 'client_assertion' or 'client_secret'.");
    }

    private string? ReadIssuer(string assertion)
    {
        try
        {
            return _handler.ReadJsonWebToken(assertion).Issuer;
        }
        catch (ArgumentException)
        {
            return null;
        }
    }

    private async Task<bool> ValidateAssertionAsync(AppRegistration app, string assertion, List<byte[]> certificates, string tokenEndpoint)
    {
        foreach (var der in certificates)
        {
            using var certificate = X509CertificateLoader.LoadCertificate(der);
            var result = await _handler.ValidateTokenAsync(assertion, new TokenValidationParameters
            {
                ValidIssuer = app.AppId,
                // MSAL puts the token endpoint (or, in newer versions, the issuer) in aud; any of this tenant's forms will do.
                AudienceValidator = (audiences, _, _) => audiences.Any(a => a.Contains(Directory.DemoTenant.TenantId, StringComparison.OrdinalIgnoreCase) || a == tokenEndpoint),
                IssuerSigningKey = new X509SecurityKey(certificate),
                ValidateLifetime = false,
                TryAllIssuerSigningKeys = true,
            });
            if (result.IsValid && result.SecurityToken is JsonWebToken jwt && jwt.Subject == app.AppId && jwt.ValidTo > state.Now.UtcDateTime)
            {
                return true;
            }
        }
        return false;
    }

    private static ClientAuthentication Fail(int status, string error, int code, string description) =>
        new(null, LoginService.OAuthError(status, error, code, description));
}

public sealed record ClientAuthentication(AppRegistration? App, EmulatorResponse? Error);
