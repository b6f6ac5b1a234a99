using System.Diagnostics;
using Dropzone.Portal.Core.Restriction.AccessPolicy;

namespace Dropzone.Portal.Core.Tests.Setup;

public sealed class SetupIdempotencyTests
{
    [Theory]
    [InlineData("ApplicationAccessPolicy")]
    [InlineData("RbacForApplications")]
    public async Task AdvanceAsync_SameSetupRunTwice_OneObjectEachAndEveryEnsureStepSkipped(string modeName)
    {
        var mode = new RestrictionMode(modeName);
        await using var bed = await SetupTestBed.CreateAsync();
        var request = SetupTestBed.Request(bed.DemoMailboxes().Take(4).ToList(), mode) with { AdoptExisting = true };
        var first = await bed.Launcher.StartAsync(request, SetupTestBed.Admin);
        Assert.Equal(AdvanceOutcome.Succeeded, await bed.DriveAsync(first));

        var second = await bed.Launcher.StartAsync(request, SetupTestBed.Admin);
        Assert.Equal(AdvanceOutcome.Succeeded, await bed.DriveAsync(second));

        var run = await bed.RunAsync(second);
        var ensures = run.Steps.Where(s => !new[] { SetupStepKind.EnsureApp, SetupStepKind.WaitForReplication, SetupStepKind.Verify }.Contains(s.Kind)).ToList();
        Assert.All(ensures, s => Assert.True(s.State == SetupStepState.Skipped, $"{s.Kind}: {s.State} {s.Summary}"));
        Assert.All(ensures, s => Assert.Contains("nothing sent", s.Summary ?? "", StringComparison.OrdinalIgnoreCase));
        var snapshot = bed.Snapshot();
        Assert.Single(snapshot["groups"]!.AsArray(), g => g!["primarySmtpAddress"]!.GetValue<string>() == request.GroupAddress);
        var writes = run.Steps.SelectMany(s => s.AttemptLog).Select(a => a.Commands ?? "").Where(c => c.Contains("New-", StringComparison.Ordinal) || c.Contains("Set-", StringComparison.Ordinal) || c.Contains("Update-", StringComparison.Ordinal));
        Assert.Empty(writes);
        if (mode == RestrictionMode.ApplicationAccessPolicy)
        {
            Assert.Single(snapshot["policies"]!.AsArray());
        }
        else
        {
            Assert.Single(snapshot["managementScopes"]!.AsArray());
            Assert.Single(snapshot["assignments"]!.AsArray());
        }

        await using var db = bed.CreateDbContext();
        var skippedAudits = await db.AuditEntries.Where(e => e.RunId == second.ToString() && e.Action == AuditActions.RunStepSucceeded).ToListAsync();
        Assert.True(skippedAudits.Count(e => e.Outcome == AuditOutcome.Skipped) >= ensures.Count);
    }

    [Theory, OnSqlite, OnPostgreSql]
    public async Task AdvanceAsync_GroupExistsWithoutAdopt_FailsWithAdoptRemedy(PortalDatabaseProvider provider)
    {
        await using var bed = await SetupTestBed.CreateAsync(provider: provider);
        var request = SetupTestBed.Request(bed.DemoMailboxes().Take(2).ToList());
        await bed.Exchange.InvokeAsync(ExchangeCommands.NewDistributionGroup("Someone else's", [DemoTenant.OwnerUpn], alias: request.GroupAlias, primarySmtpAddress: request.GroupAddress));

        var runId = await bed.Launcher.StartAsync(request, SetupTestBed.Admin);

        Assert.Equal(AdvanceOutcome.Failed, await bed.DriveAsync(runId));
        var run = await bed.RunAsync(runId);
        Assert.Equal(SetupStepKind.EnsureGroup, run.Steps.Single(s => s.State == SetupStepState.Failed).Kind);
        Assert.Contains("adopt", run.FailureRemedy, StringComparison.OrdinalIgnoreCase);
    }

    [Theory, OnSqlite, OnPostgreSql]
    public async Task AdvanceAsync_PolicyAlreadyPresent_StepSkippedAndRecorded(PortalDatabaseProvider provider)
    {
        await using var bed = await SetupTestBed.CreateAsync(provider: provider);
        var request = SetupTestBed.Request(bed.DemoMailboxes().Take(2).ToList()) with { AdoptExisting = true };
        await bed.Exchange.InvokeAsync(ExchangeCommands.NewDistributionGroup(request.GroupDisplayName, [DemoTenant.OwnerUpn], request.GroupDisplayName, request.GroupAlias, request.GroupAddress,
            members: request.Members.Select(m => m.Address)));
        await bed.Exchange.InvokeAsync(ExchangeCommands.NewApplicationAccessPolicy(request.RestrictedAppId, request.GroupAddress, ApplicationAccessRight.RestrictAccess));

        var runId = await bed.Launcher.StartAsync(request, SetupTestBed.Admin);

        Assert.Equal(AdvanceOutcome.Succeeded, await bed.DriveAsync(runId));
        var step = (await bed.RunAsync(runId)).Steps.Single(s => s.Kind == EnsureAccessPolicyStep.StepKind);
        Assert.Equal(SetupStepState.Skipped, step.State);
        Assert.Equal(StepAttemptOutcome.Skipped, step.AttemptLog.Single().Outcome);
        Assert.Single(bed.Snapshot()["policies"]!.AsArray());
    }

    [Theory, OnSqlite, OnPostgreSql]
    public async Task AdvanceAsync_CreateTimesOutAlthoughAppliedDuringReplication_NoSecondGroup(PortalDatabaseProvider provider)
    {
        await using var bed = await SetupTestBed.CreateAsync(provider: provider);
        // Members above the emulator's bulk threshold make New-DistributionGroup time out although it created the group.
        bed.SetFaults(f => f with { BulkTimeoutAppliedThreshold = 3, ReplicationDelay = TimeSpan.FromSeconds(30) });
        var request = SetupTestBed.Request(bed.DemoMailboxes().Take(6).ToList());

        var runId = await bed.Launcher.StartAsync(request, SetupTestBed.Admin);

        Assert.Equal(AdvanceOutcome.Succeeded, await bed.DriveAsync(runId));
        var snapshot = bed.Snapshot();
        Assert.Single(snapshot["groups"]!.AsArray(), g => g!["primarySmtpAddress"]!.GetValue<string>() == request.GroupAddress);
        Assert.Equal(6, (await bed.GroupMembersAsync(request.GroupAddress)).Count);
        var creates = (await bed.RunAsync(runId)).Steps.Single(s => s.Kind == SetupStepKind.EnsureGroup).AttemptLog
            .Sum(a => (a.Commands ?? "").Split('\n').Count(l => l.StartsWith("New-DistributionGroup", StringComparison.Ordinal)));
        Assert.True(creates <= 2, $"{creates} New-DistributionGroup calls");
    }

    /// <summary>Sets up a group of the first three demo mailboxes to its end; answers the demo mailboxes, the request and the group's id.</summary>
    private static async Task<(IReadOnlyList<string> Mailboxes, SetupRequest Request, Guid GroupId)> SetUpFirstThreeDemoMailboxesAsync(SetupTestBed bed)
    {
        var mailboxes = bed.DemoMailboxes();
        var request = SetupTestBed.Request(mailboxes.Take(3).ToList());
        var runId = await bed.Launcher.StartAsync(request, SetupTestBed.Admin);
        Assert.Equal(AdvanceOutcome.Succeeded, await bed.DriveAsync(runId));
        return (mailboxes, request, (await bed.Reader.ListGroupsAsync()).Single().Id);
    }

    [Theory, OnSqlite, OnPostgreSql]
    public async Task CheckDueAsync_TwoAtOnce_TheDueGroupIsCheckedOnce(PortalDatabaseProvider provider)
    {
        await using var bed = await SetupTestBed.CreateAsync(provider: provider);
        var (_, _, groupId) = await SetUpFirstThreeDemoMailboxesAsync(bed);
        bed.Clock.Advance(TimeSpan.FromMinutes(16));
        var checksBefore = await VerificationAuditCountAsync(bed);
        // Both re-checks have read the group as due (two instances, or a job that outlived its lock)…
        var (first, second) = (bed.NewRechecker(), bed.NewRechecker());
        var (dueForFirst, dueForSecond) = (await first.DueAsync(default), await second.DueAsync(default));
        Assert.Single(dueForFirst);
        Assert.Equal(dueForFirst, dueForSecond);
        // …and every tenant call now waits a second of the fake clock, so the first holds the group until it moves.
        bed.SetFaults(f => f with { Latency = TimeSpan.FromSeconds(1) });

        var firstChecks = first.CheckAsync(dueForFirst, default);
        var claimed = Stopwatch.StartNew();
        while (await NextCheckAsync(bed, groupId) == dueForFirst[0].DueAt)
        {
            Assert.True(claimed.Elapsed < TimeSpan.FromSeconds(60), "The first re-check never claimed the due group.");
            await Task.Delay(20);
        }
        var secondChecks = second.CheckAsync(dueForSecond, default);
        var released = Stopwatch.StartNew();
        while (!(firstChecks.IsCompleted && secondChecks.IsCompleted))
        {
            Assert.True(released.Elapsed < TimeSpan.FromSeconds(60), "The re-checks did not finish.");
            bed.Clock.Advance(TimeSpan.FromSeconds(1));
            await Task.Delay(20);
        }

        Assert.Equal(1, await firstChecks);
        Assert.Equal(0, await secondChecks);
        Assert.Equal(checksBefore + 1, await VerificationAuditCountAsync(bed));
        Assert.True(await NextCheckAsync(bed, groupId) > bed.Clock.GetUtcNow());
    }

    [Theory, OnSqlite, OnPostgreSql]
    public async Task CheckDueAsync_TenantUnavailable_ClaimReleasedAndTheGroupStaysDue(PortalDatabaseProvider provider)
    {
        await using var bed = await SetupTestBed.CreateAsync(provider: provider);
        var (_, _, groupId) = await SetUpFirstThreeDemoMailboxesAsync(bed);
        bed.Clock.Advance(TimeSpan.FromMinutes(16));
        var dueAt = await NextCheckAsync(bed, groupId);
        var checksBefore = await VerificationAuditCountAsync(bed);
        bed.SetFaults(f => f with { UnavailableRate = 1 });

        var checking = bed.NewRechecker().CheckDueAsync();
        var patience = Stopwatch.StartNew();
        while (!checking.IsCompleted)
        {
            Assert.True(patience.Elapsed < TimeSpan.FromSeconds(60), "The re-check did not give up.");
            bed.Clock.Advance(TimeSpan.FromSeconds(1));
            await Task.Delay(20);
        }

        Assert.Equal(1, await checking);
        Assert.Equal(dueAt, await NextCheckAsync(bed, groupId));
        Assert.Equal(checksBefore, await VerificationAuditCountAsync(bed));
    }

    private static async Task<int> VerificationAuditCountAsync(SetupTestBed bed)
    {
        await using var db = bed.CreateDbContext();
        return await db.AuditEntries.CountAsync(e => e.Action == AuditActions.VerificationCompleted);
    }

    private static async Task<DateTimeOffset?> NextCheckAsync(SetupTestBed bed, Guid groupId)
    {
        await using var db = bed.CreateDbContext();
        return await db.ManagedGroups.Where(g => g.Id == groupId).Select(g => g.NextCheckAt).SingleAsync();
    }

    [Theory, OnSqlite, OnPostgreSql]
    public async Task RecheckAsync_PolicyRemovedAndMemberAddedOutsidePortal_DriftRecordedAndAudited(PortalDatabaseProvider provider)
    {
        await using var bed = await SetupTestBed.CreateAsync(provider: provider);
        var (mailboxes, request, groupId) = await SetUpFirstThreeDemoMailboxesAsync(bed);
        var rechecker = bed.NewRechecker();
        await using (var db = bed.CreateDbContext())
        {
            var group = await db.ManagedGroups.SingleAsync();
            Assert.Equal(bed.Clock.GetUtcNow() + TimeSpan.FromMinutes(15), group.NextCheckAt);
        }

        bed.Clock.Advance(TimeSpan.FromMinutes(16));
        Assert.Equal(1, await rechecker.CheckDueAsync());
        await using (var db = bed.CreateDbContext())
        {
            var group = await db.ManagedGroups.SingleAsync();
            Assert.Equal(ManagedGroupStatus.Rechecked, group.Status);
            Assert.Null(group.DriftSummary);
        }

        await bed.Exchange.InvokeAsync(ExchangeCommands.RemoveApplicationAccessPolicy(request.RestrictedAppId));
        await bed.Exchange.InvokeAsync(ExchangeCommands.AddDistributionGroupMember(request.GroupAddress, mailboxes[10]));
        // Asked directly rather than at the next due time: the emulator's tokens live an hour of its (fake) time.
        bed.Clock.Advance(TimeSpan.FromMinutes(1));
        Assert.Equal(ManagedGroupStatus.Drifted, (await rechecker.RecheckAsync(groupId))!.Status);

        await using (var db = bed.CreateDbContext())
        {
            var group = await db.ManagedGroups.SingleAsync();
            Assert.Equal(ManagedGroupStatus.Drifted, group.Status);
            Assert.Contains("policy was removed", group.DriftSummary, StringComparison.Ordinal);
            Assert.Contains("Members changed", group.DriftSummary, StringComparison.Ordinal);
            var audit = await db.AuditEntries.Where(e => e.Action == AuditActions.VerificationCompleted).ToListAsync();
            Assert.Contains(audit, e => e.Outcome == AuditOutcome.Failed && (e.Answer ?? "").Contains("Drift", StringComparison.Ordinal));
        }
    }

    [Theory, OnSqlite, OnPostgreSql]
    public async Task RecheckAsync_MemberAddedByAnAppliedRequest_IsNotDrift(PortalDatabaseProvider provider)
    {
        await using var bed = await SetupTestBed.CreateAsync(provider: provider);
        var (mailboxes, request, groupId) = await SetUpFirstThreeDemoMailboxesAsync(bed);

        // What the approvals feature does: the member goes into Exchange and an applied request records it.
        bed.Clock.Advance(TimeSpan.FromMinutes(1));
        await bed.Exchange.InvokeAsync(ExchangeCommands.AddDistributionGroupMember(request.GroupAddress, mailboxes[10]));
        await using (var db = bed.CreateDbContext())
        {
            var owner = new Dropzone.Portal.Core.Identity.PortalUser(SetupTestBed.Admin.ObjectId, SetupTestBed.Admin.UserPrincipalName, SetupTestBed.Admin.DisplayName);
            var applied = Dropzone.Portal.Core.Requests.MemberRequest.Submit(groupId, Dropzone.Portal.Core.Requests.MembershipChange.Add,
                mailboxes[10], null, mailboxes[10], "joins the phishing rota", owner, bed.Clock.GetUtcNow());
            applied.Approve(owner, null, bed.Clock.GetUtcNow());
            applied.MarkApplied("Granted", bed.Clock.GetUtcNow());
            db.MemberRequests.Add(applied);
            await db.SaveChangesAsync();
        }

        var outcome = await bed.NewRechecker().RecheckAsync(groupId);

        Assert.NotNull(outcome);
        Assert.DoesNotContain(outcome.Drift, d => d.Contains("Members changed", StringComparison.Ordinal));
    }

    [Theory, OnSqlite, OnPostgreSql]
    public async Task ExportAsync_FailedRun_HasStepsAttemptsAndAnswersButNoSecrets(PortalDatabaseProvider provider)
    {
        await using var bed = await SetupTestBed.CreateAsync(provider: provider);
        bed.Tenant.SetExchangeAdministrator(DemoTenant.PortalClientId, granted: false);
        var runId = await bed.Launcher.StartAsync(SetupTestBed.Request(bed.DemoMailboxes().Take(2).ToList()), SetupTestBed.Admin);
        await bed.DriveAsync(runId);

        var bytes = await new SetupDiagnostics(bed.Reader, bed.Clock).ExportAsync(runId);

        var json = Encoding.UTF8.GetString(bytes!);
        Assert.Contains("\"attempts\"", json, StringComparison.Ordinal);
        Assert.Contains("Get-DistributionGroup", json, StringComparison.Ordinal);
        Assert.Contains("\"failureRemedy\"", json, StringComparison.Ordinal);
        Assert.DoesNotContain(DemoTenant.PortalClientSecret, json, StringComparison.Ordinal);
        Assert.DoesNotContain("Bearer", json, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("eyJ", json, StringComparison.Ordinal);
    }
}
