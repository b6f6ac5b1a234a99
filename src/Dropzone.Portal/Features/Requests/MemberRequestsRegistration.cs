using Microsoft.AspNetCore.Components.Server.Circuits;

namespace Dropzone.Portal.Features.Requests;

/// <summary>
/// Delegated member approvals: the Core services, the badge, the client address of each circuit and the overview
/// figure. Needs the tenant clients and the portal database; the jobs feature schedules the sweep.
/// </summary>
public static class MemberRequestsRegistration
{
    public static IHostApplicationBuilder AddMemberRequests(this IHostApplicationBuilder builder)
    {
        builder.AddMemberRequestServices();
        var services = builder.Services;
        services.AddScoped<PendingApprovalsBadge>();
        services.AddHttpContextAccessor();
        services.AddScoped<ClientAddress>();
        services.TryAddEnumerable(ServiceDescriptor.Scoped<CircuitHandler, ClientAddressCircuitHandler>());
        services.AddScoped<IOverviewContributor, PendingRequestsOverview>();
        return builder;
    }
}

/// <summary>The home page's "pending requests" figure.</summary>
internal sealed class PendingRequestsOverview(IDbContextFactory<Core.Data.PortalDbContext> dbFactory) : IOverviewContributor
{
    public async Task<PortalOverview> ContributeAsync(PortalOverview overview, CancellationToken cancellationToken)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var pending = await db.MemberRequests.CountAsync(r => r.State == MemberRequestState.Pending, cancellationToken);
        return overview with { PendingRequests = overview.PendingRequests + pending };
    }
}
