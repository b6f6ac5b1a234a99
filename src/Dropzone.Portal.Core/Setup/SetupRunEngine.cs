namespace Dropzone.Portal.Core.Setup;

/// <summary>How one <see cref="SetupRunEngine.AdvanceAsync"/> call ended.</summary>
public enum AdvanceOutcome
{
    /// <summary>Another worker holds the lease, or the run is finished: nothing was done.</summary>
    NotAcquired,

    /// <summary>A step waits for a retry; a job is scheduled for then.</summary>
    Waiting,

    Succeeded,
    Failed,
    Cancelled,

    /// <summary>The lease was lost to another worker (taken over, or this one was too slow); it stopped without writing.</summary>
    LeaseLost,
}

/// <summary>
/// Executes setup runs step by step from the persisted current step. A lease on the run row (taken with one
/// conditional UPDATE that also advances its generation) keeps a second worker out; it is renewed by every save
/// and, while a step attempt runs, by <see cref="RunLeaseKeeper"/>. Every save of the run is fenced: the run row's
/// UPDATE carries the generation this worker acquired, so after a takeover (<see cref="RunTakeover"/>) the old
/// worker's save changes nothing and throws, and nothing of it commits. Every transition — attempt started,
/// attempt ended, run state — is saved with its audit entries in one SaveChanges and then pushed to <see cref="IRunProgressNotifier"/>.
/// Safe to call any number of times for the same run: a duplicate job finds the lease taken or the run done.
/// Attempts, leases, outcomes and the run's audit entries are kept here and only here; the steps
/// (<see cref="ISetupStep"/>) only answer a <see cref="StepResult"/>.
/// </summary>
public sealed partial class SetupRunEngine(
    IDbContextFactory<PortalDbContext> dbFactory,
    IExchangeClient exchange,
    IDirectoryClient directory,
    SetupStepCatalog steps,
    AuditTrail audit,
    IRunProgressNotifier notifier,
    ISetupRunScheduler scheduler,
    PortalInstanceIdentity instance,
    IOptions<SetupOptions> options,
    TimeProvider time,
    ILogger<SetupRunEngine> logger)
{
    private readonly SetupOptions _options = options.Value;

    private DateTime Now => time.GetUtcNow().UtcDateTime;

    /// <summary>A worker id for one call: this instance's id (so a takeover can tell whose it is) and a suffix of its own.</summary>
    private string NewWorker(string? what = null) => $"{instance.Id}:{what ?? Guid.NewGuid().ToString("N")[..6]}";

    public async Task<AdvanceOutcome> AdvanceAsync(Guid runId, CancellationToken cancellationToken = default)
    {
        var worker = NewWorker();
        if (!await TryAcquireLeaseAsync(runId, worker, cancellationToken))
        {
            return AdvanceOutcome.NotAcquired;
        }

        // On shutdown an OperationCanceledException passes through: the attempt stays "running" and the run is
        // taken over (this instance's row is removed on a graceful stop) or its lease expires; the next worker
        // resumes this step.
        try
        {
            return await AdvanceLeasedAsync(runId, worker, cancellationToken);
        }
        catch (Exception ex) when (ex is RunLeaseLostException or DbUpdateConcurrencyException)
        {
            // The fence held: the run was taken over while this worker was on it, and nothing of this save committed.
            logger.LogWarning("Lost the lease on run {RunId}; stopped without writing", runId);
            return AdvanceOutcome.LeaseLost;
        }
    }

    /// <summary>
    /// One UPDATE … WHERE the lease is free or expired, advancing its generation: of two workers racing, exactly one
    /// sees a row changed. LINQ's ExecuteUpdate, so it works on any provider.
    /// </summary>
    internal async Task<bool> TryAcquireLeaseAsync(Guid runId, string worker, CancellationToken cancellationToken)
    {
        var now = Now;
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var changed = await db.SetupRuns
            .Where(r => r.Id == runId
                && (r.State == SetupRunState.Pending || r.State == SetupRunState.Running)
                && (r.LeaseOwner == null || r.LeaseExpiresAt == null || r.LeaseExpiresAt < now))
            .ExecuteUpdateAsync(s => s
                .SetProperty(r => r.LeaseOwner, worker)
                .SetProperty(r => r.LeaseInstanceId, instance.Id)
                .SetProperty(r => r.LeaseExpiresAt, now + _options.LeaseDuration)
                .SetProperty(r => r.LeaseGeneration, r => r.LeaseGeneration + 1), cancellationToken);
        return changed == 1;
    }

    /// <summary>One statement renews the lease and notices a cancel request (it renews only when none is pending).</summary>
    private async Task<bool> RenewLeaseAsync(PortalDbContext db, RunLease lease, CancellationToken cancellationToken)
    {
        var now = Now;
        var changed = await db.SetupRuns
            .Where(r => r.Id == lease.RunId && r.LeaseOwner == lease.Worker && r.LeaseGeneration == lease.Generation && !r.CancelRequested)
            .ExecuteUpdateAsync(s => s.SetProperty(r => r.LeaseExpiresAt, now + _options.LeaseDuration), cancellationToken);
        return changed == 1;
    }

    private async Task<AdvanceOutcome> AdvanceLeasedAsync(Guid runId, string worker, CancellationToken cancellationToken)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var (run, group, plan) = await LoadAsync(db, runId, cancellationToken);
        if (run.LeaseOwner != worker)
        {
            // Taken over between the acquisition and the load.
            throw new RunLeaseLostException(runId);
        }

        // The generation loaded is the fencing token every save of this context checks (see SaveAsync).
        var lease = new RunLease(runId, worker, run.LeaseGeneration);
        // Transitions between two steps (run started, step finished) are saved with the next one (the next
        // attempt's start, the run's end, or a stop), in one SaveChanges, and pushed once saved.
        var unsaved = new UnsavedProgress();
        if (run.State == SetupRunState.Pending)
        {
            StartRun(db, run, group, plan);
            unsaved.Add(null);
        }

        while (run.CurrentStep < run.Steps.Count)
        {
            var step = run.Steps[run.CurrentStep];
            if (step.State == SetupStepState.WaitingRetry && step.NextAttemptAt is { } due && due > Now)
            {
                // Woken early (duplicate job, recovery): leave it for the scheduled job.
                scheduler.Schedule(run.Id, new DateTimeOffset(due, TimeSpan.Zero));
                await ReleaseAsync(db, run, unsaved, cancellationToken);
                return AdvanceOutcome.Waiting;
            }

            if (!await RenewLeaseAsync(db, lease, cancellationToken))
            {
                await SaveAsync(db, run, unsaved, cancellationToken);
                return await StopBetweenStepsAsync(db, run, group, plan, step, lease, cancellationToken);
            }

            var outcome = await ExecuteStepAsync(db, new Attempted(run, step, group, plan), lease, unsaved, cancellationToken);
            if (outcome is not null)
            {
                return outcome.Value;
            }

            unsaved.Add(step);
        }

        return await CompleteRunAsync(db, run, group, plan, unsaved, cancellationToken);
    }

    /// <summary>Transitions made but not saved yet; each is pushed to the notifier once a save has stored it.</summary>
    private sealed class UnsavedProgress
    {
        private readonly List<SetupStep?> _transitions = [];

        public void Add(SetupStep? step) => _transitions.Add(step);

        public void Published(Action<SetupStep?> publish)
        {
            _transitions.ForEach(publish);
            _transitions.Clear();
        }
    }

    private static async Task<(SetupRun Run, ManagedGroup Group, SetupPlan Plan)> LoadAsync(PortalDbContext db, Guid runId, CancellationToken cancellationToken)
    {
        var run = await db.SetupRuns.Include(r => r.Steps).SingleAsync(r => r.Id == runId, cancellationToken);
        run.Steps.Sort((a, b) => a.Index.CompareTo(b.Index));
        var group = await db.ManagedGroups.SingleAsync(g => g.Id == run.GroupId, cancellationToken);
        return (run, group, SetupPlanJson.Deserialize(run.PlanJson));
    }

    private void StartRun(PortalDbContext db, SetupRun run, ManagedGroup group, SetupPlan plan)
    {
        run.State = SetupRunState.Running;
        run.StartedAt = Now;
        run.UpdatedAt = Now;
        group.Status = ManagedGroupStatus.Configuring;
        Record(db, RunEntry(run, AuditActions.RunStarted, plan.Request.GroupAddress) with
        {
            Answer = $"{run.Steps.Count} steps, {plan.Request.Members.Count} member(s), {plan.Request.RestrictionMode}",
        });
    }

    /// <summary>The lease could not be renewed: a cancel request ends the run here, otherwise another worker took it.</summary>
    private async Task<AdvanceOutcome> StopBetweenStepsAsync(
        PortalDbContext db, SetupRun run, ManagedGroup group, SetupPlan plan, SetupStep step, RunLease lease, CancellationToken cancellationToken)
    {
        if (await CancelRequestedAsync(run.Id, cancellationToken))
        {
            await db.Entry(run).ReloadAsync(cancellationToken);
            if (run.LeaseOwner != lease.Worker || run.LeaseGeneration != lease.Generation)
            {
                throw new RunLeaseLostException(run.Id);
            }

            return await FinishCancelledAsync(db, run, group, plan, cancellationToken);
        }

        logger.LogWarning("Lost the lease on run {RunId} before step {Step}", run.Id, step.Index);
        return AdvanceOutcome.LeaseLost;
    }

    private async Task<AdvanceOutcome> CompleteRunAsync(PortalDbContext db, SetupRun run, ManagedGroup group, SetupPlan plan, UnsavedProgress unsaved, CancellationToken cancellationToken)
    {
        run.State = SetupRunState.Succeeded;
        run.FinishedAt = Now;
        run.UpdatedAt = Now;
        run.NextAttemptAt = null;
        ClearLease(run);
        if (group.Status == ManagedGroupStatus.Configuring)
        {
            group.Status = ManagedGroupStatus.Configured;
        }

        group.ConfiguredAt ??= time.GetUtcNow();
        group.NextCheckAt = time.GetUtcNow() + (_options.ReverificationSchedule.Count > 0 ? _options.ReverificationSchedule[0] : _options.ReverificationInterval);
        group.DriftSummary = null;
        Record(db, RunEntry(run, AuditActions.RunCompleted, plan.Request.GroupAddress) with { Answer = $"Group status: {group.Status}" });
        unsaved.Add(null);
        await SaveAsync(db, run, unsaved, cancellationToken);
        return AdvanceOutcome.Succeeded;
    }

    private async Task<AdvanceOutcome> FailAsync(PortalDbContext db, Attempted a, StepAttempt attempt, string message, string? remedy, CancellationToken cancellationToken)
    {
        var (run, step) = (a.Run, a.Step);
        step.State = SetupStepState.Failed;
        step.FinishedAt = Now;
        step.Summary = Cut(message, SetupRun.MaxMessageLength);
        run.State = SetupRunState.Failed;
        run.FinishedAt = Now;
        run.FailureMessage = Cut(message, SetupRun.MaxMessageLength);
        run.FailureRemedy = Cut(remedy, SetupRun.MaxMessageLength);
        ClearLease(run);
        run.NextAttemptAt = null;
        a.Group.Status = ManagedGroupStatus.Failed;
        Record(db, RunEntry(run, AuditActions.RunStepFailed, a.Plan.Request.GroupAddress, AuditOutcome.Failed) with
        {
            StepAttemptId = attempt.Id.ToString(),
            Command = step.LastCommand,
            Answer = message,
        });
        Record(db, RunEntry(run, AuditActions.RunFailed, a.Plan.Request.GroupAddress, AuditOutcome.Failed) with
        {
            Answer = remedy is null ? message : $"{message} Remedy: {remedy}",
        });
        await SaveAsync(db, cancellationToken);
        Publish(run, step);
        return AdvanceOutcome.Failed;
    }

    private async Task<AdvanceOutcome> FinishCancelledAsync(PortalDbContext db, SetupRun run, ManagedGroup group, SetupPlan plan, CancellationToken cancellationToken)
    {
        run.State = SetupRunState.Cancelled;
        run.FinishedAt = Now;
        run.UpdatedAt = Now;
        ClearLease(run);
        run.NextAttemptAt = null;
        foreach (var step in run.Steps.Where(s => s.State is SetupStepState.Pending or SetupStepState.WaitingRetry or SetupStepState.Running))
        {
            step.NextAttemptAt = null;
        }

        if (group.Status == ManagedGroupStatus.Configuring)
        {
            group.Status = ManagedGroupStatus.Failed;
        }

        Record(db, RunEntry(run, AuditActions.RunCancelled, plan.Request.GroupAddress) with
        {
            Actor = run.CancelledBy is null ? Actor(run) : AuditActor.User(run.CancelledBy, null, null),
            Answer = $"Cancelled before step {run.CurrentStep}; what earlier steps created stays in the tenant.",
        });
        await SaveAsync(db, cancellationToken);
        Publish(run, null);
        return AdvanceOutcome.Cancelled;
    }

    private async Task ReleaseAsync(PortalDbContext db, SetupRun run, UnsavedProgress unsaved, CancellationToken cancellationToken)
    {
        ClearLease(run);
        await SaveAsync(db, run, unsaved, cancellationToken);
    }

    private async Task<bool> CancelRequestedAsync(Guid runId, CancellationToken cancellationToken)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        return await db.SetupRuns.Where(r => r.Id == runId).Select(r => r.CancelRequested).SingleAsync(cancellationToken);
    }

    /// <summary>
    /// The one shape of every audit entry a run writes: the run's creator as actor, the run as target (named by
    /// <paramref name="targetName"/>), and the group and run ids. Callers add the answer and what else differs.
    /// </summary>
    private static AuditEvent RunEntry(SetupRun run, string action, string? targetName, AuditOutcome outcome = AuditOutcome.Succeeded) =>
        new(action, Actor(run), outcome)
        {
            Target = AuditTarget.Run(run.Id.ToString(), targetName),
            GroupId = run.GroupId.ToString(),
            RunId = run.Id.ToString(),
        };

    private void Record(PortalDbContext db, AuditEvent entry) => audit.Record(db, entry);

    private static AuditActor Actor(SetupRun run) => AuditActor.User(run.CreatedByObjectId, null, run.CreatedByName);

    private static void ClearLease(SetupRun run)
    {
        run.LeaseOwner = null;
        run.LeaseInstanceId = null;
        run.LeaseExpiresAt = null;
    }

    /// <summary>
    /// Every save of the engine is fenced and renews the lease: each run in the context is written (its update
    /// time at least), and that UPDATE carries the lease generation loaded with it (a concurrency token). After a
    /// takeover it matches no row, EF throws <see cref="DbUpdateConcurrencyException"/>, and the transaction —
    /// attempt rows, audit entries, the group — rolls back whole.
    /// </summary>
    private Task<int> SaveAsync(PortalDbContext db, CancellationToken cancellationToken)
    {
        foreach (var entry in db.ChangeTracker.Entries<SetupRun>().Where(e => e.State is EntityState.Unchanged or EntityState.Modified))
        {
            if (entry.Entity.LeaseOwner is not null)
            {
                entry.Entity.LeaseExpiresAt = Now + _options.LeaseDuration;
            }

            entry.Property(r => r.UpdatedAt).IsModified = true;
        }

        return AuditTrail.SaveChangesAsync(db, cancellationToken);
    }

    private async Task SaveAsync(PortalDbContext db, SetupRun run, UnsavedProgress unsaved, CancellationToken cancellationToken)
    {
        await SaveAsync(db, cancellationToken);
        unsaved.Published(step => Publish(run, step));
    }

    private void Publish(SetupRun run, SetupStep? step) =>
        notifier.Publish(new RunProgress(run.Id, run.GroupId, run.State, run.CurrentStep, step?.Index, step?.State, step?.Summary ?? run.FailureMessage));

    private static string? Cut(string? text, int max) => text is null || text.Length <= max ? text : text[..(max - 1)] + "…";
}
