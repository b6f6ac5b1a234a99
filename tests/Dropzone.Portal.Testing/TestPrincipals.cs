using System.Security.Claims;

namespace Dropzone.Portal.Testing;

/// <summary>Signed-in users as the portal's OpenID Connect sign-in produces them (object id, name, UPN, app roles), for calling actions directly.</summary>
public static class TestPrincipals
{
    /// <summary>A user with the given object id and, when <paramref name="role"/> is set, that app role.</summary>
    public static ClaimsPrincipal SignedIn(string objectId, string name, string upn, string? role = null)
    {
        var claims = new List<Claim> { new("oid", objectId), new("name", name), new("preferred_username", upn) };
        if (role is not null)
        {
            claims.Add(new Claim(ClaimTypes.Role, role));
        }
        return new ClaimsPrincipal(new ClaimsIdentity(claims, "oidc", "name", ClaimTypes.Role));
    }

    /// <summary>Someone new to the tenant (a fresh object id), with the given app role or none.</summary>
    public static ClaimsPrincipal Someone(string? role = null) => SignedIn(Guid.NewGuid().ToString(), "Someone", "someone@contoso.example", role);
}
