using Microsoft.Identity.Abstractions;
using Microsoft.Identity.Client;

namespace Dropzone.Portal.TenantClients.Authentication;

/// <summary>App-only bearer tokens for a resource scope. An interface so tests and benchmarks can skip Entra ID.</summary>
public interface ITenantTokenProvider
{
    /// <summary>The full <c>Authorization</c> header value ("Bearer ...") for <paramref name="scope"/>.</summary>
    Task<string> GetAuthorizationHeaderAsync(string scope, CancellationToken cancellationToken);
}

/// <summary>Raised when no token could be had; carries the admin remedy, never the credential.</summary>
public sealed class TenantTokenException(string message, string remedy, Exception? inner = null) : Exception(message, inner)
{
    public string Remedy { get; } = remedy;
}

/// <summary>
/// Client-credentials tokens through Microsoft.Identity.Web (certificate or secret from the AzureAd
/// section). The options are bound under their own name so background jobs do not depend on the
/// sign-in scheme's settings; MSAL caches the tokens.
/// </summary>
internal sealed class IdentityWebTokenProvider(
    IAuthorizationHeaderProvider headers,
    IOptions<TenantClientsOptions> options) : ITenantTokenProvider
{
    public async Task<string> GetAuthorizationHeaderAsync(string scope, CancellationToken cancellationToken)
    {
        var request = new AuthorizationHeaderProviderOptions
        {
            AcquireTokenOptions = new AcquireTokenOptions { AuthenticationOptionsName = options.Value.AuthenticationOptionsName },
        };
        try
        {
            return await headers.CreateAuthorizationHeaderForAppAsync(scope, request, cancellationToken);
        }
        catch (MsalServiceException ex)
        {
            // AADSTS codes say which credential or consent is wrong; the message holds no secret.
            throw new TenantTokenException($"Token for {scope} refused: {ex.ErrorCode}", Remedies(ex), ex);
        }
        catch (MsalClientException ex)
        {
            throw new TenantTokenException($"Token for {scope} could not be requested: {ex.ErrorCode}", Exchange.Remedies.AppCredentials, ex);
        }
        catch (HttpRequestException ex)
        {
            throw new TenantTokenException($"Token endpoint unreachable: {ex.HttpRequestError}", Exchange.Remedies.AppCredentials, ex);
        }
        catch (Exception ex) when (ex is not (OperationCanceledException or TenantTokenException))
        {
            // Identity.Web reports configuration mistakes (no ClientId, no credential, bad certificate path)
            // as assorted exception types; callers get one type with the remedy.
            throw new TenantTokenException($"Token for {scope} could not be requested: {ex.GetType().Name}: {ex.Message}", Exchange.Remedies.AppCredentials, ex);
        }
    }

    private static string Remedies(MsalServiceException ex) =>
        ex.Message.Contains("AADSTS7000215", StringComparison.Ordinal) || ex.Message.Contains("AADSTS700027", StringComparison.Ordinal)
            ? "The portal's client secret or certificate is not the one registered on its app registration (expired or rotated?)."
            : Exchange.Remedies.AppCredentials;
}
