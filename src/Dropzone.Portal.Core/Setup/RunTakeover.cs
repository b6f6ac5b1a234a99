namespace Dropzone.Portal.Core.Setup;

/// <summary>
/// Takes over the runs of instances that are gone (<see cref="InstanceRegistry.GoneAsync"/>): their lease is freed
/// and its generation advanced in one conditional UPDATE, and the run queued, so a worker here resumes it within
/// seconds instead of when the lease would have expired. Advancing the generation fences the old holder: should it
/// still be alive after all, none of its writes to the run can commit (<see cref="SetupRunEngine"/>).
/// </summary>
public sealed class RunTakeover(
    IDbContextFactory<PortalDbContext> dbFactory,
    InstanceRegistry instances,
    ISetupRunScheduler scheduler,
    ILogger<RunTakeover> logger)
{
    /// <summary>Answers the runs taken over (already queued).</summary>
    public async Task<IReadOnlyList<Guid>> TakeOverOrphanedRunsAsync(CancellationToken cancellationToken)
    {
        var self = instances.Self.Id;
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var leased = await db.SetupRuns.AsNoTracking()
            .Where(r => (r.State == SetupRunState.Pending || r.State == SetupRunState.Running) && r.LeaseInstanceId != null && r.LeaseInstanceId != self)
            .Select(r => new { r.Id, Instance = r.LeaseInstanceId!, r.LeaseGeneration })
            .ToListAsync(cancellationToken);
        if (leased.Count == 0)
        {
            return [];
        }

        var gone = await instances.GoneAsync(leased.Select(r => r.Instance), cancellationToken);
        var taken = new List<Guid>();
        foreach (var run in leased.Where(r => gone.Contains(r.Instance)))
        {
            var freed = await db.SetupRuns
                .Where(r => r.Id == run.Id && r.LeaseGeneration == run.LeaseGeneration)
                .ExecuteUpdateAsync(s => s
                    .SetProperty(r => r.LeaseOwner, (string?)null)
                    .SetProperty(r => r.LeaseInstanceId, (string?)null)
                    .SetProperty(r => r.LeaseExpiresAt, (DateTime?)null)
                    .SetProperty(r => r.LeaseGeneration, r => r.LeaseGeneration + 1), cancellationToken);
            if (freed == 1)
            {
                logger.LogWarning("Took over setup run {RunId} from instance {Instance}, which is gone", run.Id, run.Instance);
                scheduler.Enqueue(run.Id);
                taken.Add(run.Id);
            }
        }

        return taken;
    }
}
