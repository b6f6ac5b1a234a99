namespace Dropzone.Portal.Core.Setup;

/// <summary>The answer to a change of a failed setup: done, or why not, in the admin's words.</summary>
public sealed record FailedSetupChangeResult(bool Succeeded, string Message);

/// <summary>
/// What an admin can do with a setup that stopped before its group existed: give the group another display
/// name and alias (then "Retry from this step" creates it under those), or abandon the setup, which takes the
/// group off the portal's lists. Abandoning changes nothing in Exchange: whatever earlier steps created stays.
/// Callers check the admin policy; this checks the run.
/// </summary>
public sealed class FailedSetupChanges(
    IDbContextFactory<PortalDbContext> dbFactory,
    SetupWizardService checks,
    AuditTrail audit,
    IRunProgressNotifier notifier,
    TimeProvider time)
{
    /// <summary>Whether the group's names may still change: the run stopped and its group was never created or found.</summary>
    public static bool CanCorrectGroup(SetupRun run, SetupPlan plan)
    {
        ArgumentNullException.ThrowIfNull(run);
        ArgumentNullException.ThrowIfNull(plan);
        var groupStep = plan.Steps.FirstOrDefault(s => s.Kind == SetupStepKind.EnsureGroup);
        if (run.State is not (SetupRunState.Failed or SetupRunState.Cancelled) || groupStep is null || run.CurrentStep > groupStep.Index)
        {
            return false;
        }
        // A create that may have gone through (timeout) or a group already read back binds the run to its names.
        var facts = SetupRunFacts.Parse(run.FactsJson);
        return !(facts.GroupCreatedByRun || facts.GroupCreateAmbiguous || facts.GroupCreateAcknowledged || facts.GroupIdentity is not null);
    }

    /// <summary>A failed setup's group, for now, neither verified nor managed: one the admin may take off the lists.</summary>
    public static bool CanAbandon(SetupRun run) =>
        run is not null && run.State is SetupRunState.Failed or SetupRunState.Cancelled;

    /// <summary>
    /// New display name and alias for the group of a stopped run, checked as the wizard's group step checks them
    /// (Exchange's rules, then the names and address against Exchange's recipients). The domain stays.
    /// </summary>
    public async Task<FailedSetupChangeResult> CorrectGroupAsync(Guid runId, string displayName, string alias, PortalUser actor, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(actor);
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var run = await db.SetupRuns.SingleOrDefaultAsync(r => r.Id == runId, cancellationToken);
        if (run is null)
        {
            return new(false, "There is no such setup run.");
        }
        var plan = SetupPlanJson.Deserialize(run.PlanJson);
        if (!CanCorrectGroup(run, plan) || await IsSupersededAsync(db, run, cancellationToken))
        {
            return new(false, "The group's names can only change while its setup is stopped before the group exists in Exchange.");
        }

        var before = plan.Request;
        var domain = before.GroupAddress[(before.GroupAddress.IndexOf('@', StringComparison.Ordinal) + 1)..];
        var state = new SetupWizardState { GroupDisplayName = displayName ?? "", GroupAlias = alias ?? "", GroupDomain = domain, AdoptExisting = before.AdoptExisting };
        var check = await CheckAsync(state, cancellationToken);
        if (!check.IsValid)
        {
            return new(false, string.Join(" ", check.Errors));
        }
        var address = state.GroupAddress;
        var group = await db.ManagedGroups.SingleAsync(g => g.Id == run.GroupId, cancellationToken);
        if (await db.ManagedGroups.AnyAsync(g => g.Id != group.Id && g.PrimarySmtpAddress == address, cancellationToken))
        {
            return new(false, $"Alias: the portal already manages a group at {address}. Choose another alias.");
        }

        var after = before with { GroupDisplayName = state.GroupDisplayName.Trim(), GroupAlias = state.GroupAlias.Trim(), GroupAddress = address };
        run.PlanJson = SetupPlanJson.Serialize(plan with { Request = after });
        run.UpdatedAt = time.GetUtcNow().UtcDateTime;
        group.DisplayName = after.GroupDisplayName;
        group.Alias = after.GroupAlias;
        group.PrimarySmtpAddress = address;
        audit.Record(db, Entry(run, AuditActions.RunCorrected, actor, after.GroupAddress) with
        {
            Answer = $"Group names corrected before a retry: \"{before.GroupDisplayName}\" ({before.GroupAddress}) → \"{after.GroupDisplayName}\" ({after.GroupAddress}).",
        });
        await AuditTrail.SaveChangesAsync(db, cancellationToken);
        Publish(run);
        return new(true, $"The group will be created as \"{after.GroupDisplayName}\" ({address}). Retry from the failed step to go on.");
    }

    /// <summary>
    /// Takes the group of a stopped setup off the portal's lists (groups, request choices, re-checks). Nothing is
    /// sent to Exchange; the audit records who abandoned it and what may exist there.
    /// </summary>
    public async Task<FailedSetupChangeResult> AbandonAsync(Guid runId, PortalUser actor, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(actor);
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var run = await db.SetupRuns.SingleOrDefaultAsync(r => r.Id == runId, cancellationToken);
        if (run is null)
        {
            return new(false, "There is no such setup run.");
        }
        var group = await db.ManagedGroups.SingleAsync(g => g.Id == run.GroupId, cancellationToken);
        if (!CanAbandon(run) || await IsSupersededAsync(db, run, cancellationToken) || group.Status != ManagedGroupStatus.Failed)
        {
            return new(false, "Only the latest setup of a group, stopped on an error or cancelled, can be abandoned.");
        }

        var facts = SetupRunFacts.Parse(run.FactsJson);
        group.Status = ManagedGroupStatus.Abandoned;
        group.NextCheckAt = null;
        run.UpdatedAt = time.GetUtcNow().UtcDateTime;
        var inExchange = facts.GroupIdentity is not null || facts.GroupCreatedByRun || facts.GroupCreateAmbiguous
            ? $"Whatever the run created in Exchange stays there (the group {group.PrimarySmtpAddress} may exist); remove it in the Exchange admin center if it is not wanted."
            : "The run had not created the group; nothing was sent to Exchange.";
        audit.Record(db, Entry(run, AuditActions.GroupAbandoned, actor, group.PrimarySmtpAddress) with
        {
            Target = AuditTarget.Group(group.DirectoryObjectId ?? group.PrimarySmtpAddress, group.DisplayName),
            Answer = $"Setup abandoned; the group is off the portal's lists. {inExchange}",
        });
        await AuditTrail.SaveChangesAsync(db, cancellationToken);
        Publish(run);
        return new(true, $"{group.DisplayName} was abandoned: it no longer appears in the portal's lists. {inExchange}");
    }

    private async Task<StepCheck> CheckAsync(SetupWizardState state, CancellationToken cancellationToken)
    {
        var names = SetupWizardService.CheckGroupNames(state);
        if (!names.IsValid)
        {
            return names;
        }
        try
        {
            return (await checks.CheckGroupAsync(state, cancellationToken)).Check;
        }
        catch (ExchangeCommandException ex)
        {
            return StepCheck.Error($"Exchange could not answer, so the names were not checked and nothing changed: {ex.Outcome.Message}");
        }
    }

    /// <summary>A later run of the same group decides its names and status, not this one.</summary>
    private static Task<bool> IsSupersededAsync(PortalDbContext db, SetupRun run, CancellationToken cancellationToken) =>
        db.SetupRuns.AnyAsync(r => r.GroupId == run.GroupId && r.Id != run.Id && r.CreatedAt > run.CreatedAt, cancellationToken);

    private static AuditEvent Entry(SetupRun run, string action, PortalUser actor, string targetName) =>
        new(action, AuditActor.User(actor.ObjectId, actor.UserPrincipalName, actor.DisplayName))
        {
            Target = AuditTarget.Run(run.Id.ToString(), targetName),
            GroupId = run.GroupId.ToString(),
            RunId = run.Id.ToString(),
        };

    private void Publish(SetupRun run) =>
        notifier.Publish(new RunProgress(run.Id, run.GroupId, run.State, run.CurrentStep, null, null, run.FailureMessage));
}
