using Dropzone.Portal.Core.Identity;

namespace Dropzone.Portal.Security;

public static class ClaimsPrincipalExtensions
{
    // Microsoft.Identity.Web maps "oid" to this long name; tokens read without mapping keep "oid".
    private const string ObjectIdClaim = "http://schemas.microsoft.com/identity/claims/objectidentifier";

    public static string? GetObjectId(this ClaimsPrincipal user) =>
        user.FindFirstValue(ObjectIdClaim) ?? user.FindFirstValue("oid");

    public static string GetDisplayName(this ClaimsPrincipal user) =>
        user.FindFirstValue("name") ?? user.Identity?.Name ?? "Signed-in user";

    public static string? GetUserPrincipalName(this ClaimsPrincipal user) =>
        user.FindFirstValue("preferred_username") ?? user.Identity?.Name;

    /// <summary>The person behind the principal, for domain records; throws for anonymous callers.</summary>
    public static PortalUser ToPortalUser(this ClaimsPrincipal user)
    {
        var objectId = user.GetObjectId()
            ?? throw new InvalidOperationException("The signed-in user has no object id claim.");
        return new PortalUser(objectId, user.GetUserPrincipalName() ?? objectId, user.GetDisplayName());
    }

    /// <summary>Admins and auditors see every group and every audit entry; others see what they own.</summary>
    public static bool SeesEverything(this ClaimsPrincipal user) =>
        user.IsInRole(PortalRoles.Admin) || user.IsInRole(PortalRoles.Auditor);

    /// <summary>The highest portal role the user holds, as shown in the app bar.</summary>
    public static string DescribeRole(this ClaimsPrincipal user) =>
        user.IsInRole(PortalRoles.Admin) ? "Admin"
        : user.IsInRole(PortalRoles.Auditor) ? "Auditor"
        : "User";
}
