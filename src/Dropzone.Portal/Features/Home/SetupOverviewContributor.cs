namespace Dropzone.Portal.Features.Home;

/// <summary>Managed groups, and setup runs started in the last seven days, for the home page.</summary>
public sealed class SetupOverviewContributor(IDbContextFactory<PortalDbContext> dbFactory, TimeProvider time) : IOverviewContributor
{
    public async Task<PortalOverview> ContributeAsync(PortalOverview overview, CancellationToken cancellationToken)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var since = time.GetUtcNow().UtcDateTime.AddDays(-7);
        return overview with
        {
            ManagedGroups = await db.ManagedGroups.CountAsync(g => g.Status != Core.Groups.ManagedGroupStatus.Abandoned, cancellationToken),
            RecentRuns = await db.SetupRuns.CountAsync(r => r.CreatedAt >= since, cancellationToken),
        };
    }
}
