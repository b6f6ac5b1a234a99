using System.Diagnostics;
using System.Text.RegularExpressions;
using Dropzone.Portal.Core.Audit;
using Dropzone.Portal.Core.Instances;
using Dropzone.Portal.Core.Setup;

namespace Dropzone.Portal.Core.Tests.Setup;

/// <summary>
/// Two engines (two portal instances) on one database file, on one fake clock: the lease is renewed while an
/// attempt runs, a run of a gone instance is taken over, and the old holder cannot write once it has been.
/// The emulated tenant answers only when the clock passes its latency, so a test holds an attempt "in Exchange"
/// for as long as it needs.
/// </summary>
public sealed partial class RunLeaseTests
{
    private static readonly TimeSpan Latency = TimeSpan.FromMinutes(1);

    private static Task<SetupTestBed> BedAsync(PortalDatabaseProvider provider, Action<SetupOptions>? configure = null) => SetupTestBed.CreateAsync(o =>
    {
        o.LeaseDuration = TimeSpan.FromSeconds(60);
        o.LeaseRenewInterval = TimeSpan.FromSeconds(10);
        o.InstanceHeartbeatInterval = TimeSpan.FromSeconds(5);
        o.InstanceStaleAfter = TimeSpan.FromSeconds(20);
        configure?.Invoke(o);
    }, provider: provider);

    [Theory, OnSqlite, OnPostgreSql]
    public async Task AdvanceAsync_AttemptOutlastsLease_RenewedWhileRunningSoAnotherInstanceCannotTakeIt(PortalDatabaseProvider provider)
    {
        await using var bed = await BedAsync(provider);
        bed.SetFaults(f => f with { Latency = TimeSpan.FromHours(1) });
        var runId = await bed.Launcher.StartAsync(SetupTestBed.Request(bed.DemoMailboxes().Take(2).ToList()), SetupTestBed.Admin);
        var first = bed.Engine.AdvanceAsync(runId);
        await UntilAsync(bed, async () => (await AttemptsAsync(bed, runId)).Count == 1);
        var leasedUntil = (await RunRowAsync(bed, runId)).LeaseExpiresAt!.Value;

        // Two minutes of the clock in small steps: twice the lease, while the first attempt waits for Exchange.
        var end = bed.Clock.GetUtcNow() + TimeSpan.FromMinutes(2);
        await UntilAsync(bed, async () => bed.Clock.GetUtcNow() >= end && (await RunRowAsync(bed, runId)).LeaseExpiresAt > bed.Clock.GetUtcNow().UtcDateTime, TimeSpan.FromSeconds(1));

        var run = await RunRowAsync(bed, runId);
        Assert.True(run.LeaseExpiresAt > leasedUntil.AddMinutes(1), $"lease {run.LeaseExpiresAt:O}, first {leasedUntil:O}");
        var attempt = Assert.Single(await AttemptsAsync(bed, runId));
        Assert.Equal(StepAttemptOutcome.Running, attempt.Outcome);
        Assert.Equal(AdvanceOutcome.NotAcquired, await bed.NewEngine(PortalInstanceIdentity.ForThisProcess()).AdvanceAsync(runId));

        bed.SetFaults(f => f with { Latency = TimeSpan.Zero });
        bed.Clock.Advance(TimeSpan.FromHours(1));
        var outcome = await first;
        Assert.NotEqual(AdvanceOutcome.LeaseLost, outcome);
        if (outcome != AdvanceOutcome.Succeeded)
        {
            Assert.Equal(AdvanceOutcome.Succeeded, await bed.DriveAsync(runId));
        }

        Assert.All((await bed.RunAsync(runId)).Steps, s => Assert.Equal(1, s.AttemptLog.Count(a => a.Outcome == StepAttemptOutcome.Succeeded || a.Outcome == StepAttemptOutcome.Skipped)));
    }

    [Theory, OnSqlite, OnPostgreSql]
    public async Task TakeOverOrphanedRunsAsync_HolderGoneMidMemberStep_HolderFencedAndAuditAddsUpToMembersAdded(PortalDatabaseProvider provider)
    {
        await using var bed = await BedAsync(provider, o =>
        {
            o.BulkMemberThreshold = 1;
            o.MemberCallConcurrency = 1;
        });
        var members = bed.AddMailboxes(100, "fence");
        var holder = bed.Instance;
        var other = PortalInstanceIdentity.ForThisProcess();
        await bed.Registry(holder).BeatAsync(default);
        bed.SetFaults(f => f with { Latency = Latency });
        var runId = await bed.Launcher.StartAsync(SetupTestBed.Request(members), SetupTestBed.Admin);
        var held = bed.Engine.AdvanceAsync(runId);

        // Let the member step add the first $batch of ten; the second is then in flight.
        await UntilAsync(bed, () => Task.FromResult(MembersInExchange(bed) >= 10), Latency);
        var running = await AttemptsAsync(bed, runId);
        var cut = Assert.Single(running, a => a.Outcome == StepAttemptOutcome.Running);

        // The holder's heartbeat is long stale (it never beat again): the other instance takes the run over.
        await bed.Registry(other).BeatAsync(default);
        Assert.Equal([runId], await bed.Takeover(other).TakeOverOrphanedRunsAsync(default));
        bed.SetFaults(f => f with { Latency = TimeSpan.Zero });
        bed.Clock.Advance(Latency);
        Assert.Equal(AdvanceOutcome.LeaseLost, await held);

        // Fenced: the holder's attempt was never closed and nothing of it reached the audit.
        await using (var db = bed.CreateDbContext())
        {
            Assert.Equal(StepAttemptOutcome.Running, (await db.StepAttempts.SingleAsync(a => a.Id == cut.Id)).Outcome);
            Assert.False(await db.AuditEntries.AnyAsync(e => e.StepAttemptId == cut.Id.ToString()));
        }

        var addedByHolder = MembersInExchange(bed);
        Assert.InRange(addedByHolder, 10, members.Count);
        Assert.Equal(AdvanceOutcome.Succeeded, await bed.DriveAsync(runId, engine: bed.NewEngine(other)));

        Assert.Equal(members.Count, MembersInExchange(bed));
        await using var check = bed.CreateDbContext();
        var entries = await check.AuditEntries.AsNoTracking().Where(e => e.RunId == runId.ToString()).ToListAsync();
        var added = entries.Where(e => e.Action == AuditActions.MemberAdded).ToList();
        Assert.Equal(members.Count, added.Sum(e => Count(e.Answer)));
        Assert.Contains(added, e => e.Answer!.Contains("interrupted attempt", StringComparison.Ordinal) && Count(e.Answer) == addedByHolder);
        var interrupted = Assert.Single(entries, e => e.Action == AuditActions.RunStepInterrupted);
        Assert.Equal(cut.Id.ToString(), interrupted.StepAttemptId);
        var run = await check.SetupRuns.AsNoTracking().SingleAsync(r => r.Id == runId);
        Assert.Equal(run.GroupId.ToString(), interrupted.GroupId);
        Assert.Equal(AuditTargetTypes.Group, interrupted.TargetType);
        Assert.DoesNotContain(await check.StepAttempts.Where(a => a.RunId == runId).ToListAsync(), a => a.Outcome == StepAttemptOutcome.Running);
        var verifier = new AuditVerifier(bed, AuditChainKey.Unconfigured,
            new AuditCheckpointLog(Microsoft.Extensions.Options.Options.Create(new AuditOptions { CheckpointFile = Path.Combine(bed.Folder, "checkpoints.jsonl") }), AuditChainKey.Unconfigured, bed.Clock), bed.Clock);
        Assert.True((await verifier.VerifyAsync()).Intact);
    }

    [Theory, OnSqlite, OnPostgreSql]
    public async Task SaveAsync_LeaseTakenOverBetweenSteps_NothingOfTheOldWorkerCommits(PortalDatabaseProvider provider)
    {
        await using var bed = await BedAsync(provider);
        var runId = await bed.Launcher.StartAsync(SetupTestBed.Request(bed.DemoMailboxes().Take(2).ToList()), SetupTestBed.Admin);
        bed.SetFaults(f => f with { Latency = Latency });
        var held = bed.Engine.AdvanceAsync(runId);
        await UntilAsync(bed, async () => (await AttemptsAsync(bed, runId)).Count == 1);

        // A takeover (generation advanced) while the first step waits for Exchange; the answer then arrives.
        await using (var db = bed.CreateDbContext())
        {
            await db.SetupRuns.Where(r => r.Id == runId).ExecuteUpdateAsync(s => s
                .SetProperty(r => r.LeaseOwner, "another-worker")
                .SetProperty(r => r.LeaseGeneration, r => r.LeaseGeneration + 1));
        }

        bed.SetFaults(f => f with { Latency = TimeSpan.Zero });
        bed.Clock.Advance(Latency);
        Assert.Equal(AdvanceOutcome.LeaseLost, await held);
        await using var check = bed.CreateDbContext();
        var attempt = Assert.Single(await check.StepAttempts.Where(a => a.RunId == runId).ToListAsync());
        Assert.Equal(StepAttemptOutcome.Running, attempt.Outcome);
        Assert.Null(attempt.EndedAt);
        Assert.False(await check.AuditEntries.AnyAsync(e => e.RunId == runId.ToString() && e.Action != AuditActions.RunStarted));
        Assert.Equal("another-worker", (await check.SetupRuns.SingleAsync(r => r.Id == runId)).LeaseOwner);
    }

    [Theory, OnSqlite, OnPostgreSql]
    public async Task AdvanceAsync_ReplicationWaitOfSeveralPolls_RecordedAsOneWaitNotAsFailures(PortalDatabaseProvider provider)
    {
        await using var bed = await BedAsync(provider);
        bed.SetFaults(f => f with { ReplicationDelay = TimeSpan.FromSeconds(40) });
        var runId = await bed.Launcher.StartAsync(SetupTestBed.Request(bed.AddMailboxes(3, "wait")), SetupTestBed.Admin);

        Assert.Equal(AdvanceOutcome.Succeeded, await bed.DriveAsync(runId));

        var run = await bed.RunAsync(runId);
        var waits = run.Steps.SelectMany(s => s.AttemptLog).Count(a => a.Outcome == StepAttemptOutcome.Waiting);
        Assert.True(waits >= 3, $"{waits} polls");
        await using var db = bed.CreateDbContext();
        var entries = await db.AuditEntries.Where(e => e.RunId == runId.ToString()).ToListAsync();
        Assert.Single(entries, e => e.Action == AuditActions.RunStepWaiting);
        Assert.DoesNotContain(entries, e => e.Action == AuditActions.RunStepFailed);
    }

    [Theory, OnSqlite, OnPostgreSql]
    public async Task GoneAsync_InstancesOfThisHost_DeadProcessStaleOrMissingAreGoneLiveOnesNot(PortalDatabaseProvider provider)
    {
        await using var bed = await BedAsync(provider);
        var self = bed.Instance;
        var now = bed.Clock.GetUtcNow().UtcDateTime;
        using var exited = Process.Start(new ProcessStartInfo("sleep", "60") { UseShellExecute = false })!;
        var exitedStart = exited.StartTime.ToUniversalTime();
        exited.Kill();
        await exited.WaitForExitAsync();
        var live = PortalInstanceIdentity.ForThisProcess();
        await using (var db = bed.CreateDbContext())
        {
            db.PortalInstances.AddRange(
                Row("restarted", self.HostName, exited.Id, exitedStart, now),
                Row("pid-reused", self.HostName, Environment.ProcessId, self.ProcessStartedAt.AddMinutes(-5), now),
                Row("silent", "other-host", 1, now, now - TimeSpan.FromSeconds(21)),
                Row("elsewhere", "other-host", 1, now, now - TimeSpan.FromSeconds(19)),
                Row(live.Id, live.HostName, live.ProcessId, live.ProcessStartedAt, now));
            await db.SaveChangesAsync();
        }

        var gone = await bed.Registry(self).GoneAsync(["restarted", "pid-reused", "silent", "elsewhere", live.Id, "never-registered", self.Id], default);

        Assert.Equal(["never-registered", "pid-reused", "restarted", "silent"], gone.Order(StringComparer.Ordinal));
    }

    private static PortalInstance Row(string id, string host, int pid, DateTime processStart, DateTime heartbeat) =>
        new() { Id = id, HostName = host, ProcessId = pid, ProcessStartedAt = processStart, AppPath = "/app", StartedAt = heartbeat, HeartbeatAt = heartbeat };

    private static int MembersInExchange(SetupTestBed bed) =>
        bed.Tenant.FindGroup("dropzone-scope@" + DemoTenant.Domain)?.Members.Count ?? 0;

    private static int Count(string? answer) => int.Parse(LeadingCount().Match(answer ?? "").Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture);

    [GeneratedRegex(@"^(\d+) member\(s\)")]
    private static partial Regex LeadingCount();

    private static async Task<SetupRun> RunRowAsync(SetupTestBed bed, Guid runId)
    {
        await using var db = bed.CreateDbContext();
        return await db.SetupRuns.AsNoTracking().SingleAsync(r => r.Id == runId);
    }

    private static async Task<List<StepAttempt>> AttemptsAsync(SetupTestBed bed, Guid runId)
    {
        await using var db = bed.CreateDbContext();
        return await db.StepAttempts.AsNoTracking().Where(a => a.RunId == runId).ToListAsync();
    }

    /// <summary>
    /// Polls <paramref name="condition"/>, moving the fake clock by <paramref name="tick"/> between looks (when given),
    /// so timers registered on it (renewals, the tenant's latency) fire in order. Fails after a minute of real time.
    /// </summary>
    private static async Task UntilAsync(SetupTestBed bed, Func<Task<bool>> condition, TimeSpan? tick = null)
    {
        var deadline = Stopwatch.StartNew();
        while (!await condition())
        {
            Assert.True(deadline.Elapsed < TimeSpan.FromSeconds(60), "The condition did not hold within a minute.");
            if (tick is { } step)
            {
                bed.Clock.Advance(step);
            }

            await Task.Delay(20);
        }
    }
}
