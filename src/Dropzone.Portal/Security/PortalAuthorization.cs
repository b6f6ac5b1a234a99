using Dropzone.Portal.Core.Security;

namespace Dropzone.Portal.Security;

/// <summary>The portal's authorization policies, from the app roles in the sign-in token.</summary>
public static class PortalAuthorization
{
    public static IServiceCollection AddPortalAuthorizationPolicies(this IServiceCollection services)
    {
        services.AddAuthorizationBuilder()
            .AddPolicy(PortalPolicies.Admin, policy => policy.RequireRole(PortalRoles.Admin))
            .AddPolicy(PortalPolicies.ReadAll, policy => policy.RequireRole(PortalRoles.Admin, PortalRoles.Auditor))
            .AddPolicy(PortalPolicies.SignedIn, policy => policy.RequireAuthenticatedUser());
        return services;
    }
}
