namespace Dropzone.Portal.Core.Tests.Setup;

public sealed class SetupRunEngineTests
{
    [Theory, OnSqlite, OnPostgreSql]
    public async Task AdvanceAsync_FreshGroupAap_SucceedsVerifiedWithGroupAndMembersInThreeCalls(PortalDatabaseProvider provider)
    {
        await using var bed = await SetupTestBed.CreateAsync(provider: provider);
        var members = bed.DemoMailboxes().Take(5).ToList();
        var runId = await bed.Launcher.StartAsync(SetupTestBed.Request(members), SetupTestBed.Admin);

        Assert.Equal(AdvanceOutcome.Succeeded, await bed.DriveAsync(runId));

        var run = await bed.RunAsync(runId);
        Assert.Equal(SetupRunState.Succeeded, run.State);
        var groupSteps = run.Steps.Where(s => new[] { SetupStepKind.EnsureGroup, SetupStepKind.EnsureOwners, SetupStepKind.EnsureMembers }.Contains(s.Kind));
        Assert.True(groupSteps.SelectMany(s => s.AttemptLog).Sum(a => a.Calls) <= 3);
        Assert.Equal(SetupStepState.Skipped, run.Steps.Single(s => s.Kind == SetupStepKind.EnsureMembers).State);
        Assert.Equal(members.Order(StringComparer.OrdinalIgnoreCase), (await bed.GroupMembersAsync("dropzone-scope@" + DemoTenant.Domain)).Order(StringComparer.OrdinalIgnoreCase), StringComparer.OrdinalIgnoreCase);
        await using var db = bed.CreateDbContext();
        var group = await db.ManagedGroups.SingleAsync();
        Assert.Equal(ManagedGroupStatus.VerifiedInExchange, group.Status);
        var verification = await db.VerificationResults.Where(v => v.RunId == runId).ToListAsync();
        Assert.Equal(6, verification.Count);
        Assert.All(verification, v => Assert.True(v.Passed, $"{v.Mailbox}: {v.Actual}"));
        Assert.Contains(verification, v => !v.IsMember && v.Actual == "Denied");
        var actions = await db.AuditEntries.Where(e => e.RunId == runId.ToString()).Select(e => e.Action).ToListAsync();
        Assert.Contains(AuditActions.RunStarted, actions);
        Assert.Contains(AuditActions.GroupCreated, actions);
        Assert.Single(actions, AuditActions.MemberAdded);
        Assert.Contains(AuditActions.PolicyCreated, actions);
        Assert.Contains(AuditActions.VerificationCompleted, actions);
        Assert.Contains(AuditActions.RunCompleted, actions);
    }

    [Theory]
    [InlineData("ApplicationAccessPolicy", 1)]
    [InlineData("RbacForApplications", 2)]
    [InlineData("ApplicationAccessPolicy", 3)]
    [InlineData("RbacForApplications", 4)]
    public async Task AdvanceAsync_ThirtyPercentFaultsAndReplicationDelay_CompletesWithOneGroupAndOneRestriction(string modeName, int seed)
    {
        var mode = new RestrictionMode(modeName);
        await using var bed = await SetupTestBed.CreateAsync();
        if (mode == RestrictionMode.RbacForApplications)
        {
            // RBAC scopes add to Entra grants: with the demo app's unscoped Mail.Read the group would (rightly) be Not restricted.
            bed.Tenant.SetApplicationPermission(DemoTenant.RestrictedAppId, "Mail.Read", false);
        }

        var members = bed.DemoMailboxes().Take(12).ToList();
        bed.SetFaults(f => f with
        {
            ThrottleRate = 0.1,
            UnavailableRate = 0.1,
            TimeoutRate = 0.1,
            Seed = seed,
            ReplicationDelay = TimeSpan.FromSeconds(40),
            GraphEnforcementDelay = TimeSpan.FromSeconds(30),
        });
        var runId = await bed.Launcher.StartAsync(SetupTestBed.Request(members, mode), SetupTestBed.Admin);

        Assert.Equal(AdvanceOutcome.Succeeded, await bed.DriveAsync(runId));

        bed.SetFaults(f => f with { ThrottleRate = 0, UnavailableRate = 0, TimeoutRate = 0 });
        var snapshot = bed.Snapshot();
        var address = "dropzone-scope@" + DemoTenant.Domain;
        Assert.Single(snapshot["groups"]!.AsArray(), g => string.Equals(g!["primarySmtpAddress"]!.GetValue<string>(), address, StringComparison.OrdinalIgnoreCase));
        if (mode == RestrictionMode.ApplicationAccessPolicy)
        {
            Assert.Single(snapshot["policies"]!.AsArray(), p => p!["appId"]!.GetValue<string>() == DemoTenant.RestrictedAppId);
        }
        else
        {
            Assert.Single(snapshot["servicePrincipals"]!.AsArray());
            Assert.Single(snapshot["managementScopes"]!.AsArray());
            Assert.Single(snapshot["assignments"]!.AsArray());
        }

        Assert.Equal(members.Count, (await bed.GroupMembersAsync(address)).Count);
        await using var db = bed.CreateDbContext();
        Assert.Equal(ManagedGroupStatus.VerifiedInExchange, (await db.ManagedGroups.SingleAsync()).Status);
    }

    [Theory]
    [InlineData(2000, 4000)]
    [InlineData(1000, 4000)]
    public async Task AdvanceAsync_ThreeThousandMembersLargeArrayTrap_EndsWithExactlyThoseMembers(int appliedThreshold, int droppedThreshold)
    {
        await using var bed = await SetupTestBed.CreateAsync(o => o.VerificationSampleSize = 10);
        var members = bed.AddMailboxes(3000, "trap");
        bed.SetFaults(f => f with { BulkTimeoutAppliedThreshold = appliedThreshold, BulkTimeoutDroppedThreshold = droppedThreshold });
        var runId = await bed.Launcher.StartAsync(SetupTestBed.Request(members), SetupTestBed.Admin);

        Assert.Equal(AdvanceOutcome.Succeeded, await bed.DriveAsync(runId));

        var actual = await bed.GroupMembersAsync("dropzone-scope@" + DemoTenant.Domain);
        Assert.Equal(members.Order(StringComparer.OrdinalIgnoreCase), actual.Order(StringComparer.OrdinalIgnoreCase), StringComparer.OrdinalIgnoreCase);
        var step = (await bed.RunAsync(runId)).Steps.Single(s => s.Kind == SetupStepKind.EnsureMembers);
        Assert.Equal(SetupStepState.Succeeded, step.State);
        if (appliedThreshold < 2000)
        {
            Assert.Contains("timed out", step.Summary, StringComparison.OrdinalIgnoreCase);
        }
    }

    [Theory, OnSqlite, OnPostgreSql]
    public async Task AdvanceAsync_TwoConcurrentCalls_OnlyOneAdvances(PortalDatabaseProvider provider)
    {
        await using var bed = await SetupTestBed.CreateAsync(provider: provider);
        bed.SetFaults(f => f with { Latency = TimeSpan.Zero });
        var runId = await bed.Launcher.StartAsync(SetupTestBed.Request(bed.DemoMailboxes().Take(3).ToList()), SetupTestBed.Admin);
        var second = bed.NewEngine();

        var outcomes = await Task.WhenAll(bed.Engine.AdvanceAsync(runId), second.AdvanceAsync(runId));

        Assert.Single(outcomes, o => o == AdvanceOutcome.NotAcquired);
        var run = await bed.RunAsync(runId);
        Assert.All(run.Steps, s => Assert.True(s.Attempts <= 1, $"{s.Kind} ran {s.Attempts} times"));
        Assert.Single(bed.Snapshot()["policies"]!.AsArray());
    }

    [Theory, OnSqlite, OnPostgreSql]
    public async Task TryAcquireLeaseAsync_LeaseHeld_RefusedUntilExpired(PortalDatabaseProvider provider)
    {
        await using var bed = await SetupTestBed.CreateAsync(provider: provider);
        var runId = await bed.Launcher.StartAsync(SetupTestBed.Request(bed.DemoMailboxes().Take(1).ToList()), SetupTestBed.Admin);

        Assert.True(await bed.Engine.TryAcquireLeaseAsync(runId, "worker-a", default));
        Assert.False(await bed.Engine.TryAcquireLeaseAsync(runId, "worker-b", default));
        bed.Clock.Advance(bed.Options.LeaseDuration + TimeSpan.FromSeconds(1));
        Assert.True(await bed.Engine.TryAcquireLeaseAsync(runId, "worker-b", default));
    }

    [Theory, OnSqlite, OnPostgreSql]
    public async Task AdvanceAsync_PermanentError_FailsWithRemedyAndRetryFromStepCompletes(PortalDatabaseProvider provider)
    {
        await using var bed = await SetupTestBed.CreateAsync(provider: provider);
        bed.Tenant.SetExchangeAdministrator(DemoTenant.PortalClientId, granted: false);
        var runId = await bed.Launcher.StartAsync(SetupTestBed.Request(bed.DemoMailboxes().Take(2).ToList()), SetupTestBed.Admin);

        Assert.Equal(AdvanceOutcome.Failed, await bed.DriveAsync(runId));
        var failed = await bed.RunAsync(runId);
        Assert.Equal(SetupRunState.Failed, failed.State);
        Assert.False(string.IsNullOrWhiteSpace(failed.FailureRemedy));
        var failedStep = failed.Steps.Single(s => s.State == SetupStepState.Failed);

        bed.Tenant.SetExchangeAdministrator(DemoTenant.PortalClientId, granted: true);
        Assert.True(await bed.Engine.RetryFromStepAsync(runId, failedStep.Index, SetupTestBed.Admin));
        Assert.Equal(AdvanceOutcome.Succeeded, await bed.DriveAsync(runId));
        await using var db = bed.CreateDbContext();
        var actions = await db.AuditEntries.Where(e => e.RunId == runId.ToString()).Select(e => e.Action).ToListAsync();
        Assert.Contains(AuditActions.RunStepFailed, actions);
        Assert.Contains(AuditActions.RunFailed, actions);
        Assert.Contains(AuditActions.RunCompleted, actions);
    }

    [Theory, OnSqlite, OnPostgreSql]
    public async Task CancelAsync_WaitingRun_CancelledAndAudited(PortalDatabaseProvider provider)
    {
        await using var bed = await SetupTestBed.CreateAsync(provider: provider);
        bed.SetFaults(f => f with { ReplicationDelay = TimeSpan.FromMinutes(2) });
        var request = SetupTestBed.Request(bed.AddMailboxes(5, "cx")) with { RestrictionMode = RestrictionMode.ApplicationAccessPolicy };
        var runId = await bed.Launcher.StartAsync(request, SetupTestBed.Admin);
        Assert.Equal(AdvanceOutcome.Waiting, await bed.Engine.AdvanceAsync(runId));

        Assert.True(await bed.Engine.CancelAsync(runId, SetupTestBed.Admin));

        Assert.Equal(SetupRunState.Cancelled, (await bed.RunAsync(runId)).State);
        Assert.Equal(AdvanceOutcome.NotAcquired, await bed.Engine.AdvanceAsync(runId));
        await using var db = bed.CreateDbContext();
        Assert.Contains(AuditActions.RunCancelled, await db.AuditEntries.Select(e => e.Action).ToListAsync());
    }

    [Theory, OnSqlite, OnPostgreSql]
    public async Task AdvanceAsync_Progress_PushedForEveryTransition(PortalDatabaseProvider provider)
    {
        await using var bed = await SetupTestBed.CreateAsync(provider: provider);
        var seen = new List<RunProgress>();
        bed.Notifier.Progress += p => { lock (seen) { seen.Add(p); } };
        var runId = await bed.Launcher.StartAsync(SetupTestBed.Request(bed.DemoMailboxes().Take(2).ToList()), SetupTestBed.Admin);

        await bed.DriveAsync(runId);

        Assert.Equal(SetupRunState.Succeeded, seen[^1].RunState);
        var plan = (await bed.RunAsync(runId)).Steps.Count;
        // Queued, started, then running + finished per step, then completed.
        Assert.True(seen.Count >= 2 * plan + 2, $"{seen.Count} notifications for {plan} steps");
    }

    [Theory, OnSqlite, OnPostgreSql]
    public async Task CancelAsync_RunningRun_StopsBeforeTheNextStep(PortalDatabaseProvider provider)
    {
        await using var bed = await SetupTestBed.CreateAsync(provider: provider);
        var runId = await bed.Launcher.StartAsync(SetupTestBed.Request(bed.DemoMailboxes().Take(2).ToList()), SetupTestBed.Admin);
        var cancelled = false;
        bed.Notifier.Progress += p =>
        {
            if (!cancelled && p.StepIndex == 1 && p.StepState == SetupStepState.Running)
            {
                cancelled = true;
                // Raised on the worker mid-step: the request is recorded now and honoured between steps.
                bed.Engine.CancelAsync(runId, SetupTestBed.Admin).GetAwaiter().GetResult();
            }
        };

        Assert.Equal(AdvanceOutcome.Cancelled, await bed.Engine.AdvanceAsync(runId));

        var run = await bed.RunAsync(runId);
        Assert.Equal(SetupRunState.Cancelled, run.State);
        Assert.Equal(2, run.CurrentStep);
        Assert.All(run.Steps.Where(s => s.Index >= 2), s => Assert.Equal(0, s.Attempts));
    }
}
