namespace Dropzone.Portal.Features.Requests;

public static class RequestCallerExtensions
{
    /// <summary>The signed-in user as the request services see them: identity and portal roles; the services decide the rest.</summary>
    public static RequestCaller ToRequestCaller(this ClaimsPrincipal user, string? clientIp = null) =>
        new(user.ToPortalUser(), user.IsInRole(PortalRoles.Admin), user.IsInRole(PortalRoles.Auditor), clientIp);
}
