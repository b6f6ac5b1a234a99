namespace Dropzone.Portal.Features.Home;

/// <summary>What the home page shows about where the user stands.</summary>
public sealed record PortalOverview(bool TenantEmulated, string? TenantId, int ManagedGroups, int PendingRequests, int RecentRuns);

/// <summary>Reads the overview figures. Groups, requests and runs are counted by the features that own them.</summary>
public sealed class PortalOverviewService(Tenant.TenantConnection tenant, IEnumerable<IOverviewContributor> contributors)
{
    public async Task<PortalOverview> GetAsync(CancellationToken cancellationToken)
    {
        var overview = new PortalOverview(tenant.IsEmulated, tenant.TenantId, 0, 0, 0);
        foreach (var contributor in contributors)
        {
            overview = await contributor.ContributeAsync(overview, cancellationToken);
        }
        return overview;
    }
}

/// <summary>A feature that adds its figures to the home page overview.</summary>
public interface IOverviewContributor
{
    Task<PortalOverview> ContributeAsync(PortalOverview overview, CancellationToken cancellationToken);
}
