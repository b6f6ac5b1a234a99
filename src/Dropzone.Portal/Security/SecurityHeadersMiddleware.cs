namespace Dropzone.Portal.Security;

/// <summary>
/// Security headers on every response. The portal's pages get a strict Content-Security-Policy that
/// Blazor Server and MudBlazor work under (no inline script; inline styles are MudBlazor's). Hangfire's
/// dashboard and the development-only emulator pages ship inline scripts of their own, so they get a
/// policy that allows those but still forbids framing and foreign sources.
/// </summary>
public sealed class SecurityHeadersMiddleware(RequestDelegate next, string portalPolicy, string legacyPagesPolicy)
{
    private static readonly PathString[] LegacyPagePrefixes = ["/jobs", "/_emulator"];

    public Task InvokeAsync(HttpContext context)
    {
        var headers = context.Response.Headers;
        var policy = LegacyPagePrefixes.Any(p => context.Request.Path.StartsWithSegments(p)) ? legacyPagesPolicy : portalPolicy;
        context.Response.OnStarting(() =>
        {
            headers.ContentSecurityPolicy = policy;
            headers.XContentTypeOptions = "nosniff";
            headers.XFrameOptions = "DENY";
            headers["Referrer-Policy"] = "strict-origin-when-cross-origin";
            headers["Permissions-Policy"] = "camera=(), microphone=(), geolocation=(), payment=()";
            headers["Cross-Origin-Opener-Policy"] = "same-origin";
            return Task.CompletedTask;
        });
        return next(context);
    }

    /// <summary>
    /// Builds the two policies. <paramref name="signInOrigin"/> is Entra's origin: the sign-out form's
    /// redirect goes there, and browsers apply <c>form-action</c> to redirects after a form post.
    /// </summary>
    public static (string Portal, string LegacyPages) BuildPolicies(string? signInOrigin)
    {
        var formAction = string.IsNullOrEmpty(signInOrigin) ? "'self'" : $"'self' {signInOrigin}";
        var common = $"default-src 'self'; img-src 'self' data:; font-src 'self' data:; connect-src 'self' ws: wss:; " +
                     $"object-src 'none'; base-uri 'self'; frame-ancestors 'none'; form-action {formAction}";
        return (
            $"{common}; script-src 'self'; style-src 'self' 'unsafe-inline'",
            $"{common}; script-src 'self' 'unsafe-inline'; style-src 'self' 'unsafe-inline'");
    }
}
