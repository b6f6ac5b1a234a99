using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.Mvc;

namespace Dropzone.Portal.Security;

/// <summary>
/// <c>GET /authentication/login</c> starts the OpenID Connect sign-in; <c>POST /authentication/logout</c>
/// (antiforgery-protected) signs out of the portal and of Entra ID. Return URLs are local only, so the
/// endpoints cannot be used to bounce a user to another site.
/// </summary>
public static class AuthenticationEndpoints
{
    public static IEndpointConventionBuilder MapAuthenticationEndpoints(this IEndpointRouteBuilder endpoints)
    {
        var group = endpoints.MapGroup("/authentication");

        group.MapGet("/login", (string? returnUrl) =>
            TypedResults.Challenge(
                new AuthenticationProperties { RedirectUri = LocalOnly(returnUrl) },
                [OpenIdConnectDefaults.AuthenticationScheme]))
            .AllowAnonymous();

        group.MapPost("/logout", ([FromForm] string? returnUrl) =>
            TypedResults.SignOut(
                new AuthenticationProperties { RedirectUri = LocalOnly(returnUrl) },
                [CookieAuthenticationDefaults.AuthenticationScheme, OpenIdConnectDefaults.AuthenticationScheme]))
            .AllowAnonymous(); // antiforgery, not sign-in, protects it: a signed-out user may post it harmlessly.

        return group;
    }

    /// <summary>A path on this site, or the home page. Rejects absolute, protocol-relative and backslash tricks.</summary>
    public static string LocalOnly(string? returnUrl)
    {
        if (string.IsNullOrEmpty(returnUrl) || returnUrl[0] != '/')
        {
            return "/";
        }
        if (returnUrl.Length > 1 && (returnUrl[1] == '/' || returnUrl[1] == '\\'))
        {
            return "/";
        }
        return returnUrl.Any(char.IsControl) ? "/" : returnUrl;
    }
}
