namespace Dropzone.Portal.Core.Setup;

/// <summary>One attempt of one step: its bookkeeping, its audit record and what its result does to the run.</summary>
public sealed partial class SetupRunEngine
{
    /// <summary>The step being attempted, with its run, group and plan.</summary>
    private sealed record Attempted(SetupRun Run, SetupStep Step, ManagedGroup Group, SetupPlan Plan);

    /// <summary>Runs one attempt of a step; null to continue with the next step, else how the advance ended.</summary>
    private async Task<AdvanceOutcome?> ExecuteStepAsync(PortalDbContext db, Attempted a, RunLease lease, UnsavedProgress unsaved, CancellationToken cancellationToken)
    {
        var (attempt, continuesWait) = await StartAttemptAsync(db, a, lease.Worker, unsaved, cancellationToken);
        var facts = SetupRunFacts.Parse(a.Run.FactsJson);
        var context = new SetupStepContext(a.Run, a.Step, a.Plan, facts, a.Group, _options, exchange, directory, time,
            ct => SaveFactsAsync(db, a.Run, facts, ct));
        StepResult result;
        await using (var keeper = RunLeaseKeeper.Start(dbFactory, lease, _options, time, logger, cancellationToken))
        {
            try
            {
                result = await RunStepAsync(context, keeper.AttemptCancelled);
            }
            catch (Exception) when (keeper.Lost && !cancellationToken.IsCancellationRequested)
            {
                throw new RunLeaseLostException(a.Run.Id);
            }

            if (keeper.Lost)
            {
                throw new RunLeaseLostException(a.Run.Id);
            }
        }

        // An answer that arrived while the process was stopping may be an artefact of the teardown (disposed clients
        // answer "permission missing" or "unavailable"): leave the attempt for the next worker, which re-runs the
        // step; steps are idempotent, so a step that did finish only finds its work done.
        cancellationToken.ThrowIfCancellationRequested();

        RecordAttempt(db, a, attempt, context, facts, result, continuesWait);
        return result switch
        {
            StepResult.Done or StepResult.Skipped => AdvancePast(a, attempt, result),
            StepResult.Retry retry => await RetryLaterAsync(db, a, attempt, retry, cancellationToken),
            StepResult.Failed failed => await FailAsync(db, a, attempt, failed.Summary, failed.Remedy, cancellationToken),
            _ => throw new InvalidOperationException($"Unknown step result {result.GetType().Name}."),
        };
    }

    /// <summary>
    /// The attempt is saved before anything is sent, so a crash mid-call leaves a "running" attempt behind and the
    /// next attempt knows an earlier one may have acted. Answers whether the previous attempt of the step ended
    /// waiting (this attempt then continues that wait).
    /// </summary>
    private async Task<(StepAttempt Attempt, bool ContinuesWait)> StartAttemptAsync(PortalDbContext db, Attempted a, string worker, UnsavedProgress unsaved, CancellationToken cancellationToken)
    {
        var (run, step) = (a.Run, a.Step);
        var attempt = new StepAttempt { StepId = step.Id, RunId = run.Id, Number = step.Attempts + 1, StartedAt = Now, Outcome = StepAttemptOutcome.Running, WorkerId = worker };
        var hadAttempts = step.Attempts > 0;
        var continuesWait = hadAttempts && await db.StepAttempts
            .AnyAsync(x => x.StepId == step.Id && x.Number == step.Attempts && x.Outcome == StepAttemptOutcome.Waiting, cancellationToken);
        step.Attempts++;
        step.State = SetupStepState.Running;
        step.StartedAt ??= Now;
        step.NextAttemptAt = null;
        run.NextAttemptAt = null;
        run.UpdatedAt = Now;
        db.StepAttempts.Add(attempt);
        if (hadAttempts)
        {
            await MarkEarlierAttemptsInterruptedAsync(db, a, attempt, cancellationToken);
        }

        unsaved.Add(step);
        await SaveAsync(db, run, unsaved, cancellationToken);
        return (attempt, continuesWait);
    }

    /// <summary>A step's checkpoint (<see cref="SetupStepContext.SaveFactsAsync"/>): its facts so far, saved (fenced) before it acts on them.</summary>
    private Task<int> SaveFactsAsync(PortalDbContext db, SetupRun run, SetupRunFacts facts, CancellationToken cancellationToken)
    {
        run.FactsJson = facts.ToJson();
        return SaveAsync(db, cancellationToken);
    }

    /// <summary>The step's answer, with the tenant's unreachability and the portal's own errors mapped to results.</summary>
    private async Task<StepResult> RunStepAsync(SetupStepContext context, CancellationToken cancellationToken)
    {
        try
        {
            return await steps.Get(context.Step.Kind).ExecuteAsync(context, cancellationToken);
        }
        catch (Exception ex) when (cancellationToken.IsCancellationRequested || ex is ObjectDisposedException)
        {
            // ObjectDisposedException: the host is being torn down around the job (its clients disposed) before
            // the job's token fired; that is a shutdown too, not a failure of the step.
            // Shutting down: whatever broke, the attempt stays "running" and the next worker resumes the step.
            logger.LogInformation("Step {Step} of run {RunId} interrupted by shutdown", context.Step.Kind, context.Run.Id);
            throw;
        }
        catch (Exception ex) when (ex is HttpRequestException or TimeoutException or DirectoryException { Failure: DirectoryFailure.Throttled or DirectoryFailure.Unavailable })
        {
            return new StepResult.Retry($"The tenant could not be reached: {ex.Message}");
        }
        catch (Exception ex)
        {
            logger.LogError(ex, "Step {Step} of run {RunId} failed unexpectedly", context.Step.Kind, context.Run.Id);
            return new StepResult.Failed($"The portal hit an unexpected error in this step: {ex.GetType().Name}: {ex.Message}",
                "Retry from this step; if it happens again, download the diagnostics for Dropzone support.");
        }
    }

    /// <summary>What the attempt sent and heard, the facts it learned, its rows and audit entries; saved with the outcome.</summary>
    private void RecordAttempt(PortalDbContext db, Attempted a, StepAttempt attempt, SetupStepContext context, SetupRunFacts facts, StepResult result, bool continuesWait)
    {
        var (run, step, calls) = (a.Run, a.Step, context.Tenant);
        attempt.EndedAt = Now;
        attempt.Commands = Cut(calls.CommandLog, 16_000);
        attempt.Answer = Cut(calls.AnswerLog, 16_000);
        attempt.Calls = calls.Calls;
        attempt.CriticalPathCalls = calls.CriticalPathCalls;
        step.LastCommand = Cut(calls.LastCommand, SetupRun.MaxMessageLength);
        step.LastAnswer = Cut(calls.LastAnswer, SetupRun.MaxMessageLength);
        step.Summary = Cut(result.Summary, SetupRun.MaxMessageLength);
        run.FactsJson = facts.ToJson();
        run.UpdatedAt = Now;
        db.VerificationResults.AddRange(context.VerificationResults);
        foreach (var auditEvent in context.AuditEvents)
        {
            Record(db, auditEvent with { Actor = Actor(run), GroupId = run.GroupId.ToString(), RunId = run.Id.ToString(), StepAttemptId = attempt.Id.ToString() });
        }

        // Every attempt is in the audit: succeeded or skipped as Run.StepSucceeded, a retry as Run.StepFailed
        // ("will retry"); a failure is recorded with the run's failure. Waiting (replication, propagation) is not a
        // failure: one Run.StepWaiting when a wait begins, nothing for its further polls.
        if (result is StepResult.Retry { CountsAsError: false })
        {
            if (!continuesWait)
            {
                Record(db, RunEntry(run, AuditActions.RunStepWaiting, $"step {step.Index} {step.Kind}, attempt {attempt.Number}", AuditOutcome.Skipped) with
                {
                    StepAttemptId = attempt.Id.ToString(),
                    Command = step.LastCommand,
                    Answer = result.Summary,
                });
            }
        }
        else if (result is not StepResult.Failed)
        {
            var retry = result is StepResult.Retry;
            var outcome = retry ? AuditOutcome.Failed : result is StepResult.Skipped ? AuditOutcome.Skipped : AuditOutcome.Succeeded;
            Record(db, RunEntry(run, retry ? AuditActions.RunStepFailed : AuditActions.RunStepSucceeded, $"step {step.Index} {step.Kind}, attempt {attempt.Number}", outcome) with
            {
                StepAttemptId = attempt.Id.ToString(),
                Command = step.LastCommand,
                Answer = retry ? $"{result.Summary} (will retry)" : result.Summary,
            });
        }
    }

    /// <summary>The step is done and the run moves on; saved with the next transition (see <see cref="UnsavedProgress"/>).</summary>
    private AdvanceOutcome? AdvancePast(Attempted a, StepAttempt attempt, StepResult result)
    {
        attempt.Outcome = result is StepResult.Done ? StepAttemptOutcome.Succeeded : StepAttemptOutcome.Skipped;
        a.Step.State = result is StepResult.Done ? SetupStepState.Succeeded : SetupStepState.Skipped;
        a.Step.FinishedAt = Now;
        a.Run.CurrentStep = a.Step.Index + 1;
        return null;
    }

    /// <summary>Schedules the next attempt (backing off on errors), or fails the run once the errors reach the limit.</summary>
    private async Task<AdvanceOutcome> RetryLaterAsync(PortalDbContext db, Attempted a, StepAttempt attempt, StepResult.Retry retry, CancellationToken cancellationToken)
    {
        var (run, step) = (a.Run, a.Step);
        var errors = await db.StepAttempts.CountAsync(x => x.StepId == step.Id && x.Outcome == StepAttemptOutcome.Transient, cancellationToken);
        if (retry.CountsAsError && errors + 1 >= _options.MaxStepAttempts)
        {
            attempt.Outcome = StepAttemptOutcome.Failed;
            return await FailAsync(db, a, attempt, $"{retry.Summary} Gave up after {errors + 1} attempts.",
                "Exchange kept answering with temporary errors. Wait a while, then retry from this step.", cancellationToken);
        }

        attempt.Outcome = retry.CountsAsError ? StepAttemptOutcome.Transient : StepAttemptOutcome.Waiting;
        var at = Now + (retry.After ?? Backoff(errors + 1));
        step.State = SetupStepState.WaitingRetry;
        step.NextAttemptAt = at;
        run.NextAttemptAt = at;
        ClearLease(run);
        await SaveAsync(db, cancellationToken);
        scheduler.Schedule(run.Id, new DateTimeOffset(at, TimeSpan.Zero));
        Publish(run, step);
        return AdvanceOutcome.Waiting;
    }

    /// <summary>
    /// Attempts left "running" by a process that stopped are closed as interrupted, so the history reads truthfully.
    /// Their audit entries carry the run's group (owners and the group filter see them) and the group as target.
    /// </summary>
    private async Task MarkEarlierAttemptsInterruptedAsync(PortalDbContext db, Attempted a, StepAttempt current, CancellationToken cancellationToken)
    {
        var step = a.Step;
        var facts = SetupRunFacts.Parse(a.Run.FactsJson);
        var stale = await db.StepAttempts
            .Where(x => x.StepId == step.Id && x.Outcome == StepAttemptOutcome.Running && x.Id != current.Id)
            .ToListAsync(cancellationToken);
        foreach (var x in stale)
        {
            x.Outcome = StepAttemptOutcome.Transient;
            // It stopped at some moment before its successor began (a kill leaves no record of when): never after it.
            x.EndedAt ??= current.StartedAt;
            x.Answer = (x.Answer is null ? "" : x.Answer + "\n") + "Interrupted: the worker stopped before this attempt finished.";
            Record(db, RunEntry(a.Run, AuditActions.RunStepInterrupted, null, AuditOutcome.Failed) with
            {
                Actor = AuditActor.System,
                Target = AuditTarget.Group(facts.GroupIdentity ?? a.Plan.Request.GroupAddress, a.Plan.Request.GroupDisplayName),
                StepAttemptId = x.Id.ToString(),
                Answer = $"Attempt {x.Number} of step {step.Index} ({step.Kind}) was interrupted (process stopped); resuming.",
            });
        }
    }

    private TimeSpan Backoff(int errors)
    {
        var delay = TimeSpan.FromTicks(_options.RetryBaseDelay.Ticks * (1L << Math.Min(errors - 1, 16)));
        return delay > _options.MaxRetryDelay ? _options.MaxRetryDelay : delay;
    }
}
