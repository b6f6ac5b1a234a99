using Microsoft.Kiota.Abstractions;
using Microsoft.Kiota.Abstractions.Authentication;

namespace Dropzone.Portal.TenantClients.Authentication;

/// <summary>
/// Gives the Graph SDK (Kiota) app-only tokens from Identity.Web's token acquisition: the
/// Microsoft.Identity.Web.GraphServiceClient package is not available here, and this is all it would add.
/// </summary>
public sealed class GraphAuthenticationProvider(ITenantTokenProvider tokens, string scope) : IAuthenticationProvider
{
    private const string AuthorizationHeader = "Authorization";

    public async Task AuthenticateRequestAsync(
        RequestInformation request,
        Dictionary<string, object>? additionalAuthenticationContext = null,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        var header = await tokens.GetAuthorizationHeaderAsync(scope, cancellationToken);
        request.Headers.Remove(AuthorizationHeader);
        request.Headers.Add(AuthorizationHeader, header);
    }
}
