using Dropzone.Portal.Core.Access;

namespace Dropzone.Portal.Core.Verification;

/// <summary>What a re-check found.</summary>
public sealed record RecheckOutcome(Guid GroupId, ManagedGroupStatus Status, IReadOnlyList<string> Drift, string Summary);

/// <summary>
/// Re-verifies configured groups on a schedule (15 min, 1 h, 2 h after setup, then daily) and detects drift:
/// the group deleted, owners or members changed outside the portal, the restriction removed or altered,
/// extra policies for the application. Findings go to <see cref="ManagedGroup.DriftSummary"/> and the audit.
/// </summary>
public sealed class GroupRechecker(
    IDbContextFactory<PortalDbContext> dbFactory,
    IExchangeClient exchange,
    IDirectoryClient directory,
    GroupVerifier verifier,
    EffectiveAccessCheck access,
    RestrictionModeCatalog modes,
    AuditTrail audit,
    IOptions<SetupOptions> options,
    TimeProvider time,
    ILogger<GroupRechecker> logger)
{
    private readonly SetupOptions _options = options.Value;

    /// <summary>How long a re-check holds a group it claimed; a re-check cut short (its process died) is due again after this.</summary>
    internal static readonly TimeSpan ClaimDuration = TimeSpan.FromMinutes(10);

    /// <summary>
    /// Re-checks every group whose <see cref="ManagedGroup.NextCheckAt"/> has come and that it can claim. Returns how
    /// many it claimed. Two re-checks at once (on two instances, or a run of the recurring job that outlived its lock)
    /// never check one group twice: each group goes to whichever claims it first.
    /// </summary>
    public async Task<int> CheckDueAsync(CancellationToken cancellationToken = default) =>
        await CheckAsync(await DueAsync(cancellationToken), cancellationToken);

    /// <summary>The groups due now, each with the due time read (what a claim must still find).</summary>
    internal async Task<IReadOnlyList<(Guid Id, DateTimeOffset DueAt)>> DueAsync(CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        // Filtered in memory: SQLite cannot order DateTimeOffset columns, and managed groups number in the dozens.
        return [.. (await db.ManagedGroups.AsNoTracking().Where(g => g.NextCheckAt != null)
                .Select(g => new { g.Id, g.NextCheckAt, g.Status }).ToListAsync(cancellationToken))
            .Where(g => g.NextCheckAt <= now && g.Status is not (ManagedGroupStatus.Configuring or ManagedGroupStatus.Failed))
            .Select(g => (g.Id, g.NextCheckAt!.Value))];
    }

    /// <summary>Claims and re-checks each of <paramref name="due"/> that no other re-check claimed since it was read.</summary>
    internal async Task<int> CheckAsync(IReadOnlyList<(Guid Id, DateTimeOffset DueAt)> due, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        var claimed = 0;
        foreach (var (id, dueAt) in due)
        {
            var until = now + ClaimDuration;
            if (!await MoveNextCheckAsync(id, dueAt, until, cancellationToken))
            {
                continue;
            }

            claimed++;
            RecheckOutcome? outcome = null;
            try
            {
                outcome = await RecheckAsync(id, cancellationToken);
            }
            catch (Exception ex) when (ex is HttpRequestException or TimeoutException or DirectoryException)
            {
                logger.LogWarning(ex, "Re-check of group {GroupId} could not reach the tenant; it stays due", id);
            }
            finally
            {
                if (outcome is null)
                {
                    // Nothing was recorded (the tenant could not be asked): the group is due again, as it was.
                    await MoveNextCheckAsync(id, until, dueAt, CancellationToken.None);
                }
            }
        }

        return claimed;
    }

    /// <summary>
    /// One conditional UPDATE of the group's next check, from <paramref name="from"/> to <paramref name="to"/>: of two
    /// re-checks that read the same due time, exactly one changes the row (an equality, which SQLite compares too).
    /// </summary>
    private async Task<bool> MoveNextCheckAsync(Guid groupId, DateTimeOffset from, DateTimeOffset to, CancellationToken cancellationToken)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        return await db.ManagedGroups.Where(g => g.Id == groupId && g.NextCheckAt == from)
            .ExecuteUpdateAsync(s => s.SetProperty(g => g.NextCheckAt, to), cancellationToken) == 1;
    }

    public async Task<RecheckOutcome?> RecheckAsync(Guid groupId, CancellationToken cancellationToken = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var group = await db.ManagedGroups.SingleOrDefaultAsync(g => g.Id == groupId, cancellationToken);
        var lastRun = await db.SetupRuns.AsNoTracking()
            .Where(r => r.GroupId == groupId && r.State == SetupRunState.Succeeded)
            .ToListAsync(cancellationToken);
        var run = lastRun.MaxBy(r => r.FinishedAt);
        if (group is null || run is null)
        {
            return null;
        }

        var plan = await WithAppliedRequestsAsync(db, SetupPlanJson.Deserialize(run.PlanJson), groupId, run.FinishedAt, cancellationToken);
        var facts = SetupRunFacts.Parse(run.FactsJson);
        var target = new RestrictionTarget(plan.Request, _options, facts.GroupIdentity, facts.GroupDistinguishedName);
        var calls = new TenantCallLog(exchange, directory, _options.MemberCallConcurrency);
        var drift = await FindDriftAsync(target, calls, cancellationToken);
        if (drift is null)
        {
            // The tenant could not be asked (permissions, outage): that is not drift; the group stays due.
            return null;
        }

        VerificationOutcome? verification = null;
        AccessCheckOutcome? effective = null;
        if (!drift.Contains(GroupDeleted))
        {
            effective = await access.CheckAsync(calls, plan.Request.RestrictedAppId, group, cancellationToken);
            verification = await verifier.CheckAsync(new VerificationContext(target, group.Id, null, calls, time.GetUtcNow().UtcDateTime,
                effective.Reading.Intended), cancellationToken);
            if (verification.Unanswered is not null)
            {
                // The tenant is busy; try again at the next tick rather than record a false drift.
                return null;
            }

            db.VerificationResults.AddRange(verification.Results);
            var failures = verification.Results.Where(r => !r.Passed).ToList();
            if (failures.Count > 0)
            {
                drift.Add($"{failures.Count} verification check(s) differ, e.g. {failures[0].Mailbox}: expected {failures[0].Expected}, got {failures[0].Actual}");
            }

            drift.AddRange(NotThroughThePortal(effective.Reading.Sources));
        }

        group.MemberCount = plan.Request.Members.Count;
        var summary = Record(db, group, run, facts, drift, verification, effective?.Comparison);
        if (effective is not null)
        {
            await access.ShareAsync(plan.Request.RestrictedAppId, group.Id, effective.Comparison, cancellationToken);
        }
        await AuditTrail.SaveChangesAsync(db, cancellationToken);
        return new RecheckOutcome(group.Id, group.Status, drift, summary);
    }

    /// <summary>The group's new status and drift, and the audit entry; answers the summary.</summary>
    private string Record(PortalDbContext db, ManagedGroup group, SetupRun run, SetupRunFacts facts, List<string> drift, VerificationOutcome? verification,
        AccessComparison? comparison)
    {
        var now = time.GetUtcNow();
        group.LastCheckedAt = now;
        group.DriftSummary = drift.Count == 0 ? null : string.Join("; ", drift);
        group.Status = drift.Count > 0
            ? ManagedGroupStatus.Drifted
            : group.Status is ManagedGroupStatus.VerifiedInExchange or ManagedGroupStatus.Rechecked or ManagedGroupStatus.Drifted or ManagedGroupStatus.NotRestricted
                ? ManagedGroupStatus.Rechecked
            : ManagedGroupStatus.VerifiedInExchange;
        if (drift.Count == 0)
        {
            group.VerifiedAt ??= now;
        }

        group.NextCheckAt = NextCheck(run.FinishedAt, now);
        var summary = drift.Count == 0 ? verification?.Summary ?? "No drift." : "Drift: " + group.DriftSummary;
        if (comparison is not null)
        {
            access.Apply(group, comparison);
            summary += " " + comparison.Text;
        }

        var passed = drift.Count == 0 && comparison?.Matches != false;
        audit.Record(db, new AuditEvent(AuditActions.VerificationCompleted, AuditActor.Job("recheck", "Scheduled re-verification"),
            passed ? AuditOutcome.Succeeded : AuditOutcome.Failed)
        {
            Target = AuditTarget.Group(facts.GroupIdentity ?? group.PrimarySmtpAddress, group.DisplayName),
            GroupId = group.Id.ToString(),
            Answer = summary,
        });
        return summary;
    }

    /// <summary>15 min, 1 h, 2 h after setup (the first offset not yet passed), then every <see cref="SetupOptions.ReverificationInterval"/>.</summary>
    public DateTimeOffset NextCheck(DateTime? setupFinishedAt, DateTimeOffset now)
    {
        if (setupFinishedAt is { } finished)
        {
            var start = new DateTimeOffset(DateTime.SpecifyKind(finished, DateTimeKind.Utc));
            foreach (var offset in _options.ReverificationSchedule)
            {
                if (start + offset > now)
                {
                    return start + offset;
                }
            }
        }

        return now + _options.ReverificationInterval;
    }

    private const string GroupDeleted = "The group no longer exists in Exchange";

    /// <summary>Policies and role assignments for the application that the portal did not make: changes made outside it.</summary>
    private static IEnumerable<string> NotThroughThePortal(AccessSources sources) =>
        sources.Policies.Where(p => !p.IsPortals).Select(p => $"A {p.Describe} exists for the application, not made through the portal")
            .Concat(sources.Assignments.Where(a => !a.IsPortals && a.Ability != MailAbility.None)
                .Select(a => $"The role assignment {a.Name} ({a.Role}, {a.ScopeLabel}) exists for the application, not made through the portal"));

    /// <summary>
    /// The members the portal itself expects now: the setup's list, then every membership request applied since
    /// (owners' approvals and direct changes), in order. Without this, the portal's own changes would look like drift.
    /// </summary>
    private static async Task<SetupPlan> WithAppliedRequestsAsync(
        PortalDbContext db, SetupPlan plan, Guid groupId, DateTime? since, CancellationToken cancellationToken)
    {
        var applied = (await db.MemberRequests.AsNoTracking()
                .Where(q => q.GroupId == groupId && q.State == Requests.MemberRequestState.Applied)
                .ToListAsync(cancellationToken))
            .Where(q => since is null || q.AppliedAt?.UtcDateTime >= since)
            .OrderBy(q => q.AppliedAt)
            .ToList();
        if (applied.Count == 0)
        {
            return plan;
        }
        var members = plan.Request.Members.ToList();
        foreach (var change in applied)
        {
            members.RemoveAll(m => SameMailbox(m, change.MailboxAddress, change.MailboxObjectId));
            if (change.Change == Requests.MembershipChange.Add)
            {
                members.Add(new SetupMember(change.MailboxAddress, change.MailboxObjectId, change.MailboxDisplayName));
            }
        }
        return plan with { Request = plan.Request with { Members = members } };
    }

    private static bool SameMailbox(SetupMember member, string address, string? objectId) =>
        string.Equals(member.Address, address, StringComparison.OrdinalIgnoreCase)
        || (objectId is not null && string.Equals(member.ObjectId, objectId, StringComparison.OrdinalIgnoreCase));

    /// <summary>The group's own drift (deleted, owners, members), then the restriction mode's; null when the tenant could not be asked.</summary>
    private async Task<List<string>?> FindDriftAsync(RestrictionTarget target, TenantCallLog calls, CancellationToken ct)
    {
        var r = target.Request;
        var groupResult = await calls.InvokeAsync(SetupCommands.GetGroup(target.Group), ct);
        if (groupResult.Outcome is ExchangeOutcome.NotFound)
        {
            return [GroupDeleted];
        }

        if (!groupResult.IsSuccess)
        {
            logger.LogWarning("Re-check of {Group} could not read the group: {Outcome}", r.GroupAddress, groupResult.Outcome.Kind);
            return null;
        }

        var drift = new List<string>();
        if (groupResult.FirstRow is { } row && DistributionGroupInfo.From(row) is var info && !EnsureOwnersStep.OwnersMatch(info.ManagedBy, r.Owners))
        {
            drift.Add($"Owners changed outside the portal (Exchange lists {string.Join(", ", info.ManagedBy)})");
        }

        var members = await calls.InvokeAsync(SetupCommands.GetMembers(target.Group), ct);
        if (members.IsSuccess)
        {
            var plan = MembershipPlan.Create(SetupCommands.MemberNames(r.Members), [.. members.Rows.Select(RecipientInfo.From)], 0);
            if (!plan.IsSatisfied)
            {
                drift.Add($"Members changed outside the portal ({plan.SingleAdds.Count} missing, {plan.SingleRemoves.Count} added)");
            }
        }

        drift.AddRange(await modes.Get(r.RestrictionMode).FindDriftAsync(target, calls, ct));
        return drift;
    }
}
