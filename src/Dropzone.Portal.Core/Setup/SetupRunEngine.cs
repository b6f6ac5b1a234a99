using Dropzone.Portal.Core.Audit;
using Dropzone.Portal.Core.Data;
using Dropzone.Portal.Core.Groups;
using Dropzone.Portal.Core.Identity;
using Dropzone.Portal.Core.Verification;
using Dropzone.Portal.TenantClients.Exchange;
using Dropzone.Portal.TenantClients.Graph;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

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

    /// <summary>The lease was lost to another worker (this one was too slow); it stopped between steps.</summary>
    LeaseLost,
}

/// <summary>
/// Executes setup runs step by step from the persisted current step. A lease on the run row (taken with one
/// conditional UPDATE) keeps a second worker out; every transition — attempt started, attempt ended, run
/// state — is saved with its audit entries in one SaveChanges and then pushed to <see cref="IRunProgressNotifier"/>.
/// Safe to call any number of times for the same run: a duplicate job finds the lease taken or the run done.
/// </summary>
public sealed class SetupRunEngine(
    IDbContextFactory<PortalDbContext> dbFactory,
    IExchangeClient exchange,
    IDirectoryClient directory,
    GroupVerifier verifier,
    AuditTrail audit,
    IRunProgressNotifier notifier,
    ISetupRunScheduler scheduler,
    IOptions<SetupOptions> options,
    TimeProvider time,
    ILogger<SetupRunEngine> logger)
{
    private readonly SetupOptions _options = options.Value;

    /// <summary>Identifies this process's leases; a restarted process gets a new one, so its old leases must expire.</summary>
    public static string WorkerId { get; } = $"{Environment.MachineName}:{Environment.ProcessId}:{Guid.NewGuid().ToString("N")[..8]}";

    private DateTime Now => time.GetUtcNow().UtcDateTime;

    public async Task<AdvanceOutcome> AdvanceAsync(Guid runId, CancellationToken cancellationToken = default)
    {
        var worker = $"{WorkerId}:{Guid.NewGuid().ToString("N")[..6]}";
        if (!await TryAcquireLeaseAsync(runId, worker, cancellationToken))
        {
            return AdvanceOutcome.NotAcquired;
        }

        try
        {
            return await AdvanceLeasedAsync(runId, worker, cancellationToken);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            // Shutdown: the attempt stays "running" and the lease expires; the next worker resumes this step.
            throw;
        }
    }

    /// <summary>
    /// One UPDATE … WHERE the lease is free or expired: of two workers racing, exactly one sees a row changed.
    /// LINQ's ExecuteUpdate, so it works on any provider.
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
                .SetProperty(r => r.LeaseExpiresAt, now + _options.LeaseDuration), cancellationToken);
        return changed == 1;
    }

    private async Task<bool> RenewLeaseAsync(PortalDbContext db, Guid runId, string worker, CancellationToken cancellationToken)
    {
        var now = Now;
        var changed = await db.SetupRuns
            .Where(r => r.Id == runId && r.LeaseOwner == worker && !r.CancelRequested)
            .ExecuteUpdateAsync(s => s.SetProperty(r => r.LeaseExpiresAt, now + _options.LeaseDuration), cancellationToken);
        return changed == 1;
    }

    private async Task<AdvanceOutcome> AdvanceLeasedAsync(Guid runId, string worker, CancellationToken cancellationToken)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var run = await db.SetupRuns.Include(r => r.Steps).SingleAsync(r => r.Id == runId, cancellationToken);
        run.Steps.Sort((a, b) => a.Index.CompareTo(b.Index));
        var group = await db.ManagedGroups.SingleAsync(g => g.Id == run.GroupId, cancellationToken);
        var plan = SetupPlanJson.Deserialize(run.PlanJson);

        if (run.State == SetupRunState.Pending)
        {
            run.State = SetupRunState.Running;
            run.StartedAt = Now;
            run.UpdatedAt = Now;
            group.Status = ManagedGroupStatus.Configuring;
            audit.Record(db, new AuditEvent(AuditActions.RunStarted, Actor(run))
            {
                Target = AuditTarget.Run(run.Id.ToString(), plan.Request.GroupAddress),
                GroupId = group.Id.ToString(),
                RunId = run.Id.ToString(),
                Answer = $"{run.Steps.Count} steps, {plan.Request.Members.Count} member(s), {plan.Request.RestrictionMode}",
            });
            await SaveAsync(db, cancellationToken);
            Publish(run, null);
        }

        while (run.CurrentStep < run.Steps.Count)
        {
            var step = run.Steps[run.CurrentStep];
            if (step.State == SetupStepState.WaitingRetry && step.NextAttemptAt is { } due && due > Now)
            {
                // Woken early (duplicate job, recovery): leave it for the scheduled job.
                scheduler.Schedule(run.Id, new DateTimeOffset(due, TimeSpan.Zero));
                await ReleaseAsync(db, run, cancellationToken);
                return AdvanceOutcome.Waiting;
            }

            // One statement renews the lease and notices a cancel request (it renews only when none is pending).
            if (!await RenewLeaseAsync(db, runId, worker, cancellationToken))
            {
                if (await CancelRequestedAsync(runId, cancellationToken))
                {
                    await db.Entry(run).ReloadAsync(cancellationToken);
                    return await FinishCancelledAsync(db, run, group, plan, cancellationToken);
                }

                logger.LogWarning("Lost the lease on run {RunId} before step {Step}", runId, step.Index);
                return AdvanceOutcome.LeaseLost;
            }

            var outcome = await ExecuteStepAsync(db, run, step, group, plan, worker, cancellationToken);
            if (outcome is not null)
            {
                return outcome.Value;
            }
        }

        run.State = SetupRunState.Succeeded;
        run.FinishedAt = Now;
        run.UpdatedAt = Now;
        run.NextAttemptAt = null;
        run.LeaseOwner = null;
        run.LeaseExpiresAt = null;
        if (group.Status == ManagedGroupStatus.Configuring)
        {
            group.Status = ManagedGroupStatus.Configured;
        }

        group.ConfiguredAt ??= time.GetUtcNow();
        group.NextCheckAt = time.GetUtcNow() + (_options.ReverificationSchedule.Count > 0 ? _options.ReverificationSchedule[0] : _options.ReverificationInterval);
        group.DriftSummary = null;
        audit.Record(db, new AuditEvent(AuditActions.RunCompleted, Actor(run))
        {
            Target = AuditTarget.Run(run.Id.ToString(), plan.Request.GroupAddress),
            GroupId = group.Id.ToString(),
            RunId = run.Id.ToString(),
            Answer = $"Group status: {group.Status}",
        });
        await SaveAsync(db, cancellationToken);
        Publish(run, null);
        return AdvanceOutcome.Succeeded;
    }

    /// <summary>Runs one attempt of a step; null to continue with the next step, else how the advance ended.</summary>
    private async Task<AdvanceOutcome?> ExecuteStepAsync(
        PortalDbContext db, SetupRun run, SetupStep step, ManagedGroup group, SetupPlan plan, string worker, CancellationToken cancellationToken)
    {
        // The attempt is saved before anything is sent, so a crash mid-call leaves a "running" attempt behind
        // and the next attempt knows an earlier one may have acted.
        var attempt = new StepAttempt { StepId = step.Id, RunId = run.Id, Number = step.Attempts + 1, StartedAt = Now, Outcome = StepAttemptOutcome.Running, WorkerId = worker };
        var hadAttempts = step.Attempts > 0;
        step.Attempts++;
        step.State = SetupStepState.Running;
        step.StartedAt ??= Now;
        step.NextAttemptAt = null;
        run.NextAttemptAt = null;
        run.UpdatedAt = Now;
        db.StepAttempts.Add(attempt);
        if (hadAttempts)
        {
            await MarkEarlierAttemptsInterruptedAsync(db, step, attempt, cancellationToken);
        }

        await SaveAsync(db, cancellationToken);
        Publish(run, step);

        var facts = SetupRunFacts.Parse(run.FactsJson);
        var context = new SetupStepContext(run, step, plan, facts, group, _options, exchange, directory, time);
        StepResult result;
        try
        {
            result = await SetupSteps.ExecuteAsync(context, verifier, cancellationToken);
        }
        catch (Exception ex) when (cancellationToken.IsCancellationRequested || ex is ObjectDisposedException)
        {
            // ObjectDisposedException: the host is being torn down around the job (its clients disposed) before
            // the job's token fired; that is a shutdown too, not a failure of the step.
            // Shutting down: whatever broke, the attempt stays "running" and the next worker resumes the step.
            logger.LogInformation("Step {Step} of run {RunId} interrupted by shutdown", step.Kind, run.Id);
            throw;
        }
        catch (Exception ex) when (ex is HttpRequestException or TimeoutException or DirectoryException { Failure: DirectoryFailure.Throttled or DirectoryFailure.Unavailable })
        {
            result = new StepResult.Retry($"The tenant could not be reached: {ex.Message}");
        }
        catch (Exception ex)
        {
            logger.LogError(ex, "Step {Step} of run {RunId} failed unexpectedly", step.Kind, run.Id);
            result = new StepResult.Failed($"The portal hit an unexpected error in this step: {ex.GetType().Name}: {ex.Message}",
                "Retry from this step; if it happens again, download the diagnostics for Dropzone support.");
        }

        // An answer that arrived while the process was stopping may be an artefact of the teardown (disposed clients
        // answer "permission missing" or "unavailable"): leave the attempt for the next worker, which re-runs the
        // step; steps are idempotent, so a step that did finish only finds its work done.
        cancellationToken.ThrowIfCancellationRequested();

        attempt.EndedAt = Now;
        attempt.Commands = Cut(context.CommandLog, 16_000);
        attempt.Answer = Cut(context.AnswerLog, 16_000);
        attempt.Calls = context.Calls;
        attempt.CriticalPathCalls = context.CriticalPathCalls;
        step.LastCommand = Cut(context.LastCommand, SetupRun.MaxMessageLength);
        step.LastAnswer = Cut(context.LastAnswer, SetupRun.MaxMessageLength);
        step.Summary = Cut(result.Summary, SetupRun.MaxMessageLength);
        run.FactsJson = facts.ToJson();
        run.UpdatedAt = Now;
        foreach (var row in context.VerificationResults)
        {
            db.VerificationResults.Add(row);
        }

        foreach (var auditEvent in context.AuditEvents)
        {
            audit.Record(db, auditEvent with
            {
                Actor = Actor(run),
                GroupId = group.Id.ToString(),
                RunId = run.Id.ToString(),
                StepAttemptId = attempt.Id.ToString(),
            });
        }

        // Every attempt is in the audit: succeeded or skipped as Run.StepSucceeded, anything else as Run.StepFailed.
        if (result is StepResult.Done or StepResult.Skipped || result is StepResult.Retry)
        {
            var ok = result is not StepResult.Retry;
            audit.Record(db, new AuditEvent(ok ? AuditActions.RunStepSucceeded : AuditActions.RunStepFailed, Actor(run),
                ok ? (result is StepResult.Skipped ? AuditOutcome.Skipped : AuditOutcome.Succeeded) : AuditOutcome.Failed)
            {
                Target = AuditTarget.Run(run.Id.ToString(), $"step {step.Index} {step.Kind}, attempt {attempt.Number}"),
                GroupId = group.Id.ToString(),
                RunId = run.Id.ToString(),
                StepAttemptId = attempt.Id.ToString(),
                Command = step.LastCommand,
                Answer = ok ? result.Summary : $"{result.Summary} (will retry)",
            });
        }

        switch (result)
        {
            case StepResult.Done or StepResult.Skipped:
                attempt.Outcome = result is StepResult.Done ? StepAttemptOutcome.Succeeded : StepAttemptOutcome.Skipped;
                step.State = result is StepResult.Done ? SetupStepState.Succeeded : SetupStepState.Skipped;
                step.FinishedAt = Now;
                run.CurrentStep = step.Index + 1;
                await SaveAsync(db, cancellationToken);
                Publish(run, step);
                return null;

            case StepResult.Retry retry:
                var errors = await db.StepAttempts.CountAsync(a => a.StepId == step.Id && a.Outcome == StepAttemptOutcome.Transient, cancellationToken);
                if (retry.CountsAsError && errors + 1 >= _options.MaxStepAttempts)
                {
                    attempt.Outcome = StepAttemptOutcome.Failed;
                    return await FailAsync(db, run, step, group, plan, attempt,
                        $"{retry.Summary} Gave up after {errors + 1} attempts.", "Exchange kept answering with temporary errors. Wait a while, then retry from this step.", cancellationToken);
                }

                attempt.Outcome = retry.CountsAsError ? StepAttemptOutcome.Transient : StepAttemptOutcome.Skipped;
                var delay = retry.After ?? Backoff(errors + 1);
                var at = Now + delay;
                step.State = SetupStepState.WaitingRetry;
                step.NextAttemptAt = at;
                run.NextAttemptAt = at;
                run.LeaseOwner = null;
                run.LeaseExpiresAt = null;
                await SaveAsync(db, cancellationToken);
                scheduler.Schedule(run.Id, new DateTimeOffset(at, TimeSpan.Zero));
                Publish(run, step);
                return AdvanceOutcome.Waiting;

            case StepResult.Failed failed:
                attempt.Outcome = StepAttemptOutcome.Failed;
                return await FailAsync(db, run, step, group, plan, attempt, failed.Summary, failed.Remedy, cancellationToken);

            default:
                throw new InvalidOperationException($"Unknown step result {result.GetType().Name}.");
        }
    }

    /// <summary>Attempts left "running" by a process that stopped are closed as interrupted, so the history reads truthfully.</summary>
    private async Task MarkEarlierAttemptsInterruptedAsync(PortalDbContext db, SetupStep step, StepAttempt current, CancellationToken cancellationToken)
    {
        var stale = await db.StepAttempts
            .Where(a => a.StepId == step.Id && a.Outcome == StepAttemptOutcome.Running && a.Id != current.Id)
            .ToListAsync(cancellationToken);
        foreach (var a in stale)
        {
            a.Outcome = StepAttemptOutcome.Transient;
            a.EndedAt ??= Now;
            a.Answer = (a.Answer is null ? "" : a.Answer + "\n") + "Interrupted: the worker stopped before this attempt finished.";
            audit.Record(db, new AuditEvent(AuditActions.RunStepFailed, AuditActor.System, AuditOutcome.Failed)
            {
                Target = AuditTarget.Run(step.RunId.ToString()),
                RunId = step.RunId.ToString(),
                StepAttemptId = a.Id.ToString(),
                Answer = $"Attempt {a.Number} of step {step.Index} ({step.Kind}) was interrupted (process stopped); resuming.",
            });
        }
    }

    private async Task<AdvanceOutcome> FailAsync(
        PortalDbContext db, SetupRun run, SetupStep step, ManagedGroup group, SetupPlan plan, StepAttempt attempt, string message, string? remedy, CancellationToken cancellationToken)
    {
        step.State = SetupStepState.Failed;
        step.FinishedAt = Now;
        step.Summary = Cut(message, SetupRun.MaxMessageLength);
        run.State = SetupRunState.Failed;
        run.FinishedAt = Now;
        run.FailureMessage = Cut(message, SetupRun.MaxMessageLength);
        run.FailureRemedy = Cut(remedy, SetupRun.MaxMessageLength);
        run.LeaseOwner = null;
        run.LeaseExpiresAt = null;
        run.NextAttemptAt = null;
        group.Status = ManagedGroupStatus.Failed;
        audit.Record(db, new AuditEvent(AuditActions.RunStepFailed, Actor(run), AuditOutcome.Failed)
        {
            Target = AuditTarget.Run(run.Id.ToString(), plan.Request.GroupAddress),
            GroupId = group.Id.ToString(),
            RunId = run.Id.ToString(),
            StepAttemptId = attempt.Id.ToString(),
            Command = step.LastCommand,
            Answer = message,
        });
        audit.Record(db, new AuditEvent(AuditActions.RunFailed, Actor(run), AuditOutcome.Failed)
        {
            Target = AuditTarget.Run(run.Id.ToString(), plan.Request.GroupAddress),
            GroupId = group.Id.ToString(),
            RunId = run.Id.ToString(),
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
        run.LeaseOwner = null;
        run.LeaseExpiresAt = null;
        run.NextAttemptAt = null;
        foreach (var step in run.Steps.Where(s => s.State is SetupStepState.Pending or SetupStepState.WaitingRetry or SetupStepState.Running))
        {
            step.NextAttemptAt = null;
        }

        if (group.Status == ManagedGroupStatus.Configuring)
        {
            group.Status = ManagedGroupStatus.Failed;
        }

        audit.Record(db, new AuditEvent(AuditActions.RunCancelled, run.CancelledBy is null ? Actor(run) : AuditActor.User(run.CancelledBy, null, null))
        {
            Target = AuditTarget.Run(run.Id.ToString(), plan.Request.GroupAddress),
            GroupId = group.Id.ToString(),
            RunId = run.Id.ToString(),
            Answer = $"Cancelled before step {run.CurrentStep}; what earlier steps created stays in the tenant.",
        });
        await SaveAsync(db, cancellationToken);
        Publish(run, null);
        return AdvanceOutcome.Cancelled;
    }

    private async Task ReleaseAsync(PortalDbContext db, SetupRun run, CancellationToken cancellationToken)
    {
        run.LeaseOwner = null;
        run.LeaseExpiresAt = null;
        await SaveAsync(db, cancellationToken);
    }

    private async Task<bool> CancelRequestedAsync(Guid runId, CancellationToken cancellationToken)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        return await db.SetupRuns.Where(r => r.Id == runId).Select(r => r.CancelRequested).SingleAsync(cancellationToken);
    }

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
        audit.Record(db, new AuditEvent(AuditActions.RunStarted, AuditActor.User(actor.ObjectId, actor.UserPrincipalName, actor.DisplayName))
        {
            Target = AuditTarget.Run(run.Id.ToString()),
            GroupId = group.Id.ToString(),
            RunId = run.Id.ToString(),
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
        var worker = $"{WorkerId}:cancel";
        if (await TryAcquireLeaseAsync(runId, worker, cancellationToken))
        {
            await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
            var run = await db.SetupRuns.Include(r => r.Steps).SingleAsync(r => r.Id == runId, cancellationToken);
            var group = await db.ManagedGroups.SingleAsync(g => g.Id == run.GroupId, cancellationToken);
            await FinishCancelledAsync(db, run, group, SetupPlanJson.Deserialize(run.PlanJson), cancellationToken);
        }

        return true;
    }

    private TimeSpan Backoff(int errors)
    {
        var delay = TimeSpan.FromTicks(_options.RetryBaseDelay.Ticks * (1L << Math.Min(errors - 1, 16)));
        return delay > _options.MaxRetryDelay ? _options.MaxRetryDelay : delay;
    }

    private static AuditActor Actor(SetupRun run) => AuditActor.User(run.CreatedByObjectId, null, run.CreatedByName);

    private static Task<int> SaveAsync(PortalDbContext db, CancellationToken cancellationToken) =>
        AuditTrail.SaveChangesAsync(db, cancellationToken);

    private void Publish(SetupRun run, SetupStep? step) =>
        notifier.Publish(new RunProgress(run.Id, run.GroupId, run.State, run.CurrentStep, step?.Index, step?.State, step?.Summary ?? run.FailureMessage));

    private static string? Cut(string? text, int max) => text is null || text.Length <= max ? text : text[..(max - 1)] + "…";
}
