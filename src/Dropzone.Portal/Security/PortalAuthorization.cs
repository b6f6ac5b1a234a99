using Microsoft.AspNetCore.Authorization.Infrastructure;

namespace Dropzone.Portal.Security;

/// <summary>
/// The portal's authorization rules in one place: role policies for pages and endpoints, and
/// resource-based checks for what group owners may do to their own groups.
/// Every signed-in user of the tenant may use the portal (fallback policy); pages and endpoints that
/// anonymous visitors may reach say so explicitly.
/// </summary>
public static class PortalAuthorization
{
    public static IHostApplicationBuilder AddPortalAuthorization(this IHostApplicationBuilder builder)
    {
        builder.Services.AddPortalAuthorizationPolicies();
        return builder;
    }

    /// <summary>The policies and handlers alone (also what component tests register).</summary>
    public static IServiceCollection AddPortalAuthorizationPolicies(this IServiceCollection services)
    {
        services.AddAuthorizationBuilder()
            .AddPolicy(PortalPolicies.Admin, policy => policy.RequireAuthenticatedUser().RequireRole(PortalRoles.Admin))
            .AddPolicy(PortalPolicies.ReadAll, policy => policy.RequireAuthenticatedUser().RequireRole(PortalRoles.Admin, PortalRoles.Auditor))
            .AddPolicy(PortalPolicies.ReadAudit, policy => policy.RequireAuthenticatedUser().AddRequirements(new Features.Audit.AuditReaderRequirement()))
            .AddPolicy(PortalPolicies.ViewAccess, policy => policy.RequireAuthenticatedUser().AddRequirements(new Features.Audit.AuditReaderRequirement()))
            .AddPolicy(PortalPolicies.SignedIn, policy => policy.RequireAuthenticatedUser())
            .SetFallbackPolicy(new AuthorizationPolicyBuilder().RequireAuthenticatedUser().Build());
        services.AddSingleton<IAuthorizationHandler, ManagedGroupAuthorizationHandler>();
        return services;
    }

    /// <summary>The role a policy needs, in the words the access-denied page uses.</summary>
    public static string DescribePolicy(string? policy) => policy switch
    {
        PortalPolicies.Admin => PortalRoles.Admin,
        PortalPolicies.ReadAll => $"{PortalRoles.Admin} or {PortalRoles.Auditor}",
        PortalPolicies.ReadAudit or PortalPolicies.ViewAccess => $"{PortalRoles.Admin}, {PortalRoles.Auditor} or the owner of a managed group",
        _ => "a signed-in user of the tenant",
    };
}

/// <summary>What a user may do to one managed group.</summary>
public static class GroupOperations
{
    /// <summary>See the group, its members and its history: admins, auditors and the group's owners.</summary>
    public static readonly OperationAuthorizationRequirement View = new() { Name = nameof(View) };

    /// <summary>Add or remove members directly: admins and the group's owners.</summary>
    public static readonly OperationAuthorizationRequirement ManageMembers = new() { Name = nameof(ManageMembers) };

    /// <summary>Approve or reject membership requests: admins and the group's current owners.</summary>
    public static readonly OperationAuthorizationRequirement DecideRequests = new() { Name = nameof(DecideRequests) };

    /// <summary>Change owners, restriction or re-run setup: admins only.</summary>
    public static readonly OperationAuthorizationRequirement Administer = new() { Name = nameof(Administer) };
}

/// <summary>
/// What each role may do to a group. Whether the user owns it is <see cref="GroupOwnership"/>'s answer from the
/// group passed in (its stored copy of Exchange's ManagedBy): enough to show; the request services confirm
/// ownership with Exchange again before anything changes.
/// </summary>
public sealed class ManagedGroupAuthorizationHandler : AuthorizationHandler<OperationAuthorizationRequirement, ManagedGroup>
{
    protected override Task HandleRequirementAsync(
        AuthorizationHandlerContext context, OperationAuthorizationRequirement requirement, ManagedGroup resource)
    {
        var user = context.User;
        var isAdmin = user.IsInRole(PortalRoles.Admin);
        var isOwner = GroupOwnership.IsListedOwner(resource, user.GetObjectId());
        var allowed = requirement.Name switch
        {
            nameof(GroupOperations.View) => isAdmin || isOwner || user.IsInRole(PortalRoles.Auditor),
            nameof(GroupOperations.ManageMembers) => isAdmin || isOwner,
            nameof(GroupOperations.DecideRequests) => isAdmin || isOwner,
            nameof(GroupOperations.Administer) => isAdmin,
            _ => false,
        };
        if (allowed)
        {
            context.Succeed(requirement);
        }
        return Task.CompletedTask;
    }
}
