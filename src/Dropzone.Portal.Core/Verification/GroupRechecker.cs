using Dropzone.Portal.Core.Audit;
using Dropzone.Portal.Core.Data;
using Dropzone.Portal.Core.Groups;
using Dropzone.Portal.Core.Restriction.AccessPolicy;
using Dropzone.Portal.Core.Restriction.Rbac;
using Dropzone.Portal.Core.Setup;
using Dropzone.Portal.Core.Setup.Steps;
using Dropzone.Portal.TenantClients.Exchange;
using Dropzone.Portal.TenantClients.Graph;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

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
    AuditTrail audit,
    IOptions<SetupOptions> options,
    TimeProvider time,
    ILogger<GroupRechecker> logger)
{
    private readonly SetupOptions _options = options.Value;

    /// <summary>Re-checks every group whose <see cref="ManagedGroup.NextCheckAt"/> has come. Returns how many were checked.</summary>
    public async Task<int> CheckDueAsync(CancellationToken cancellationToken = default)
    {
        var now = time.GetUtcNow();
        List<Guid> due;
        await using (var db = await dbFactory.CreateDbContextAsync(cancellationToken))
        {
            // Filtered in memory: SQLite cannot compare DateTimeOffset columns, and managed groups number in the dozens.
            due = [.. (await db.ManagedGroups.AsNoTracking().Where(g => g.NextCheckAt != null)
                    .Select(g => new { g.Id, g.NextCheckAt, g.Status }).ToListAsync(cancellationToken))
                .Where(g => g.NextCheckAt <= now && g.Status is not (ManagedGroupStatus.Configuring or ManagedGroupStatus.Failed))
                .Select(g => g.Id)];
        }

        foreach (var id in due)
        {
            try
            {
                await RecheckAsync(id, cancellationToken);
            }
            catch (Exception ex) when (ex is HttpRequestException or TimeoutException or DirectoryException)
            {
                logger.LogWarning(ex, "Re-check of group {GroupId} could not reach the tenant; it stays due", id);
            }
        }

        return due.Count;
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
        var context = new SetupStepContext(new SetupRun { Id = Guid.Empty, GroupId = groupId }, new SetupStep { Attempts = 1, Kind = SetupStepKind.Verify },
            plan, facts, group, _options, exchange, directory, time);
        var drift = await FindDriftAsync(context, cancellationToken);
        if (drift is null)
        {
            // The tenant could not be asked (permissions, outage): that is not drift; the group stays due.
            return null;
        }

        var now = time.GetUtcNow();
        VerificationOutcome? verification = null;
        if (!drift.Contains(GroupDeleted))
        {
            verification = await verifier.CheckAsync(context, cancellationToken);
            if (verification.Stop is StepResult.Retry)
            {
                // The tenant is busy; try again at the next tick rather than record a false drift.
                return null;
            }

            foreach (var row in verification.Results)
            {
                db.VerificationResults.Add(row);
            }

            var failures = verification.Results.Where(r => !r.Passed).ToList();
            if (failures.Count > 0)
            {
                drift.Add($"{failures.Count} verification check(s) differ, e.g. {failures[0].Mailbox}: expected {failures[0].Expected}, got {failures[0].Actual}");
            }
        }

        group.LastCheckedAt = now;
        group.DriftSummary = drift.Count == 0 ? null : string.Join("; ", drift);
        group.Status = drift.Count > 0
            ? ManagedGroupStatus.Drifted
            : group.Status is ManagedGroupStatus.VerifiedInExchange or ManagedGroupStatus.Rechecked or ManagedGroupStatus.Drifted ? ManagedGroupStatus.Rechecked
            : ManagedGroupStatus.VerifiedInExchange;
        if (drift.Count == 0)
        {
            group.VerifiedAt ??= now;
        }

        group.NextCheckAt = NextCheck(run.FinishedAt, now);
        var summary = drift.Count == 0 ? verification?.Summary ?? "No drift." : "Drift: " + group.DriftSummary;
        audit.Record(db, new AuditEvent(AuditActions.VerificationCompleted, AuditActor.Job("recheck", "Scheduled re-verification"),
            drift.Count == 0 ? AuditOutcome.Succeeded : AuditOutcome.Failed)
        {
            Target = AuditTarget.Group(facts.GroupIdentity ?? group.PrimarySmtpAddress, group.DisplayName),
            GroupId = group.Id.ToString(),
            Answer = summary,
        });
        await AuditTrail.SaveChangesAsync(db, cancellationToken);
        return new RecheckOutcome(group.Id, group.Status, drift, summary);
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

    private async Task<List<string>?> FindDriftAsync(SetupStepContext c, CancellationToken ct)
    {
        var drift = new List<string>();
        var r = c.Request;
        var groupResult = await c.InvokeAsync(SetupCommands.GetGroup(c.GroupIdentity), ct);
        if (groupResult.Outcome is ExchangeOutcome.NotFound)
        {
            drift.Add(GroupDeleted);
            return drift;
        }

        if (!groupResult.IsSuccess)
        {
            logger.LogWarning("Re-check of {Group} could not read the group: {Outcome}", c.Request.GroupAddress, groupResult.Outcome.Kind);
            return null;
        }

        if (groupResult.IsSuccess && groupResult.FirstRow is { } row)
        {
            var info = DistributionGroupInfo.From(row);
            if (!EnsureOwnersStep.OwnersMatch(info.ManagedBy, r.Owners))
            {
                drift.Add($"Owners changed outside the portal (Exchange lists {string.Join(", ", info.ManagedBy)})");
            }
        }

        var members = await c.InvokeAsync(SetupCommands.GetMembers(c.GroupIdentity), ct);
        if (members.IsSuccess)
        {
            var plan = MembershipPlan.Create(SetupCommands.MemberNames(r.Members), [.. members.Rows.Select(RecipientInfo.From)], 0);
            if (!plan.IsSatisfied)
            {
                drift.Add($"Members changed outside the portal ({plan.SingleAdds.Count} missing, {plan.SingleRemoves.Count} added)");
            }
        }

        if (r.RestrictionMode == RestrictionMode.ApplicationAccessPolicy)
        {
            var policies = await c.InvokeAsync(AccessPolicyCommands.GetPolicies(), ct);
            if (policies.IsSuccess || policies.Outcome is ExchangeOutcome.NotFound)
            {
                var forApp = policies.Rows.Select(ApplicationAccessPolicyInfo.From)
                    .Where(p => string.Equals(p.AppId, r.RestrictedAppId, StringComparison.OrdinalIgnoreCase)).ToList();
                var ours = forApp.Where(p => AccessPolicyCommands.IsThisGroup(p, r, c.Facts.GroupIdentity, c.Facts.GroupDistinguishedName)).ToList();
                if (ours.Count == 0)
                {
                    drift.Add("The application access policy was removed");
                }
                else if (ours.Any(p => p.AccessRight != "RestrictAccess"))
                {
                    drift.Add($"The application access policy was altered (AccessRight {ours[0].AccessRight})");
                }

                if (forApp.Count > ours.Count)
                {
                    drift.Add($"{forApp.Count - ours.Count} other application access polic(ies) exist for the application");
                }
            }
        }
        else
        {
            var scope = await c.InvokeAsync(RbacCommands.GetScope(r, _options), ct);
            if (scope.Outcome is ExchangeOutcome.NotFound)
            {
                drift.Add("The management scope was removed");
            }
            else if (scope.FirstRow is { } s && c.Facts.GroupDistinguishedName is { } dn
                && !string.Equals(ManagementScopeInfo.From(s).RecipientFilter, TenantClients.Commands.ExchangeCommands.MemberOfGroupFilter(dn), StringComparison.OrdinalIgnoreCase))
            {
                drift.Add("The management scope's filter was altered");
            }

            var gets = await c.InvokeManyAsync([.. r.RbacRoles.Select(role => RbacCommands.GetAssignment(r, _options, role))], ct);
            var missing = gets.Count(g => g.Outcome is ExchangeOutcome.NotFound || (g.IsSuccess && g.Rows.Count == 0));
            if (missing > 0)
            {
                drift.Add($"{missing} role assignment(s) were removed");
            }
        }

        return drift;
    }
}
