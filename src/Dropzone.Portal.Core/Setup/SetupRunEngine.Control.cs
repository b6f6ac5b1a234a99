namespace Dropzone.Portal.Core.Setup;

/// <summary>What an admin does to a run: retry from a step, cancel.</summary>
public sealed partial class SetupRunEngine
{
    /// <summary>
    /// After the admin fixed the cause: the steps from <paramref name="stepIndex"/> on are pending again (their
    /// attempts are kept) and the run is queued. Only a failed or cancelled run, and only from a step it reached.
    /// </summary>
    public async Task<bool> RetryFromStepAsync(Guid runId, int stepIndex, PortalUser actor, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(actor);
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var run = await db.SetupRuns.Include(r => r.Steps).SingleOrDefaultAsync(r => r.Id == runId, cancellationToken);
        if (run is null || run.State is not (SetupRunState.Failed or SetupRunState.Cancelled) || stepIndex < 0 || stepIndex > run.CurrentStep || stepIndex >= run.Steps.Count)
        {
            return false;
        }

        foreach (var step in run.Steps.Where(s => s.Index >= stepIndex))
        {
            step.State = SetupStepState.Pending;
            step.NextAttemptAt = null;
            step.FinishedAt = null;
        }

        // A retried step must look at the tenant again rather than trust what an earlier attempt's answer proved.
        var facts = SetupRunFacts.Parse(run.FactsJson);
        facts.MembershipKnownEmpty = false;
        facts.MembersSetAtCreate = false;
        facts.OwnersSetAtCreate = false;
        facts.ReplicationWaitStartedAt = null;
        run.FactsJson = facts.ToJson();
        run.CurrentStep = stepIndex;
        run.State = SetupRunState.Running;
        run.FinishedAt = null;
        run.FailureMessage = null;
        run.FailureRemedy = null;
        run.CancelRequested = false;
        run.CancelledBy = null;
        run.UpdatedAt = Now;
        var group = await db.ManagedGroups.SingleAsync(g => g.Id == run.GroupId, cancellationToken);
        group.Status = ManagedGroupStatus.Configuring;
        Record(db, RunEntry(run, AuditActions.RunStarted, null) with
        {
            Actor = AuditActor.User(actor.ObjectId, actor.UserPrincipalName, actor.DisplayName),
            Answer = $"Retry from step {stepIndex} ({run.Steps.First(s => s.Index == stepIndex).Kind})",
        });
        await SaveAsync(db, cancellationToken);
        scheduler.Enqueue(run.Id);
        Publish(run, null);
        return true;
    }

    /// <summary>
    /// Stops a run between steps. A run no worker holds (pending, or waiting to retry) is cancelled at once;
    /// otherwise the worker stops before its next step. What earlier steps created stays in the tenant.
    /// </summary>
    public async Task<bool> CancelAsync(Guid runId, PortalUser actor, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(actor);
        await using (var db = await dbFactory.CreateDbContextAsync(cancellationToken))
        {
            var changed = await db.SetupRuns
                .Where(r => r.Id == runId && (r.State == SetupRunState.Pending || r.State == SetupRunState.Running))
                .ExecuteUpdateAsync(s => s.SetProperty(r => r.CancelRequested, true).SetProperty(r => r.CancelledBy, actor.ObjectId), cancellationToken);
            if (changed == 0)
            {
                return false;
            }
        }

        // Take the lease ourselves when it is free: then nobody is advancing the run and it can end now.
        if (await TryAcquireLeaseAsync(runId, NewWorker("cancel"), cancellationToken))
        {
            await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
            var (run, group, plan) = await LoadAsync(db, runId, cancellationToken);
            await FinishCancelledAsync(db, run, group, plan, cancellationToken);
        }

        return true;
    }
}
