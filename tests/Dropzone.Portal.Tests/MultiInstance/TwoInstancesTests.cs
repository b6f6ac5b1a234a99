using Dropzone.Portal.Core.Restriction;
using Xunit.Abstractions;

namespace Dropzone.Portal.Tests.MultiInstance;

/// <summary>
/// Two portal processes on one PostgreSQL database and one emulated tenant (the standalone emulator, used as a real
/// tenant), twenty setups queued for both, the tenant throttling (429 with Retry-After), unavailable (503) and slow
/// to replicate, and one instance killed with SIGKILL in the member step and never restarted: the other takes its
/// runs over, every setup completes once, no step runs on two workers at once and the audit chain stays intact.
/// </summary>
public sealed class TwoInstancesTests(ITestOutputHelper output)
{
    private const int SetupCount = 20;
    private const int MemberCount = 12;
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(180);

    // Members one $batch of ten at a time, so the member step is long enough to be killed in.
    private static readonly SetupOptions Setup = new() { BulkMemberThreshold = 1, MemberCallConcurrency = 1 };

    private static readonly Dictionary<string, string?> Settings = new()
    {
        ["Setup:BulkMemberThreshold"] = "1",
        ["Setup:MemberCallConcurrency"] = "1",
        ["Setup:ReplicationPollInterval"] = "00:00:00.500",
        ["Setup:RetryBaseDelay"] = "00:00:01",
        ["TenantClients:RetryBaseDelay"] = "00:00:00.200",
        ["TenantClients:MaxConcurrencyPerTenant"] = "8",
    };

    [Theory, OnPostgreSql]
    public async Task TwentySetupsOnTwoInstances_OneKilledInTheMemberStep_AllCompleteOnceWithoutOverlapAndChainIntact(PortalDatabaseProvider provider)
    {
        Assert.Equal(PortalDatabaseProvider.PostgreSql, provider);
        var clock = System.Diagnostics.Stopwatch.StartNew();
        await using var cluster = await PortalCluster.CreateAsync("dropzone-two-instances", Settings, Setup);
        var instances = await cluster.StartInstancesAsync(2);
        var (doomed, survivor) = (instances[0], instances[1]);
        var doomedId = await cluster.InstanceIdAsync(doomed);
        var survivorId = await cluster.InstanceIdAsync(survivor);
        output.WriteLine($"{clock.Elapsed.TotalSeconds:F1} s: database, emulator and two instances up");
        var members = (await cluster.MailboxesAsync(MemberCount)).Select(m => new SetupMember(m)).ToList();
        await cluster.Emulator.SetFaultsAsync(new JsonObject
        {
            ["latencyMs"] = 100,
            ["throttleRate"] = 0.05,
            ["retryAfterSeconds"] = 1,
            ["unavailableRate"] = 0.05,
            ["replicationDelaySeconds"] = 2,
            ["seed"] = 19,
        });

        var runIds = await SetupFleet.StartAsync(cluster.Launcher, Enumerable.Range(1, SetupCount).Select(i => SetupFleet.Request(i, members, "two")));
        var killedRun = await KillInMemberStepAsync(cluster, doomed, doomedId, runIds);
        output.WriteLine($"{clock.Elapsed.TotalSeconds:F1} s: killed {doomed.Name} ({doomedId}) while run {killedRun} was in its member step");
        var faults = new HashSet<int>();
        var runs = await SetupFleet.WaitUntilAllFinishedAsync(cluster.Database, runIds, Patience, cluster.Output, async () =>
        {
            foreach (var call in (await cluster.Emulator.StateAsync())["calls"]!.AsArray())
            {
                faults.Add(call!["status"]!.GetValue<int>());
            }
        });

        output.WriteLine($"{clock.Elapsed.TotalSeconds:F1} s: all {runs.Count} runs finished");
        Assert.All(runs, r => Assert.True(r.State == SetupRunState.Succeeded, $"run {r.Id}: {r.State} {r.FailureMessage}\n{cluster.Output()}"));
        var attempts = runs.SelectMany(r => r.Steps).SelectMany(s => s.AttemptLog).ToList();
        var overlaps = SetupFleet.OverlappingAttempts(attempts);
        Assert.True(overlaps.Count == 0, string.Join("\n", overlaps) + "\n" + Timeline(runs, overlaps));
        // Both instances worked, and the survivor finished the run the other was killed in.
        Assert.Contains(attempts, a => a.WorkerId!.StartsWith(doomedId, StringComparison.Ordinal));
        var resumed = runs.Single(r => r.Id == killedRun).Steps.Single(s => s.Kind == SetupStepKind.EnsureMembers).AttemptLog;
        Assert.Contains(resumed, a => a.WorkerId!.StartsWith(doomedId, StringComparison.Ordinal));
        Assert.Contains(resumed, a => a.WorkerId!.StartsWith(survivorId, StringComparison.Ordinal) && a.Outcome == StepAttemptOutcome.Succeeded);
        Assert.False(survivor.HasExited, survivor.Output);
        // The faults were injected and got through: throttled, unavailable, then answered.
        Assert.Contains(429, faults);
        Assert.Contains(503, faults);

        var (groups, policyScopes) = await cluster.TenantObjectsAsync();
        foreach (var index in Enumerable.Range(1, SetupCount))
        {
            var address = SetupFleet.Request(index, members, "two").GroupAddress;
            Assert.Equal(1, groups.Count(g => string.Equals(g, address, StringComparison.OrdinalIgnoreCase)));
            Assert.Equal(1, policyScopes.Count(p => string.Equals(p, address, StringComparison.OrdinalIgnoreCase)));
        }

        var verification = await cluster.VerifyAuditAsync();
        Assert.True(verification.Intact, verification.ToString());
        await using var db = cluster.Database.CreateDbContext();
        Assert.Single(await db.AuditEntries.AsNoTracking().Where(e => e.RunId == killedRun.ToString() && e.Action == AuditActions.RunStepInterrupted).ToListAsync());
    }

    /// <summary>The attempts of the steps that overlapped, for the failure message.</summary>
    private static string Timeline(IReadOnlyList<SetupRun> runs, IReadOnlyList<string> overlaps) => string.Join("\n",
        runs.SelectMany(r => r.Steps).Where(s => overlaps.Any(o => o.Contains(s.Id.ToString(), StringComparison.Ordinal)))
            .SelectMany(s => s.AttemptLog.OrderBy(a => a.StartedAt).Select(a =>
                $"{s.Kind} #{a.Number} {a.Outcome} {a.StartedAt:HH:mm:ss.fff}–{a.EndedAt:HH:mm:ss.fff} {a.WorkerId} {a.Answer?.ReplaceLineEndings(" ")[..Math.Min(a.Answer.Length, 120)]}")));

    /// <summary>
    /// Waits until a run leased by <paramref name="process"/> has its member step running, then kills the process
    /// with SIGKILL. Returns that run. The process is frozen (SIGSTOP) and the database looked at twice before the
    /// kill: an attempt that ended between one look and the kill (a 429 answered, the step's retry scheduled) would
    /// leave nothing interrupted to resume.
    /// </summary>
    private static async Task<Guid> KillInMemberStepAsync(PortalCluster cluster, AppProcess process, string instanceId, IReadOnlyList<Guid> runIds)
    {
        var deadline = DateTime.UtcNow + Patience;
        while (DateTime.UtcNow < deadline)
        {
            if (await InMemberStepAsync(cluster, instanceId, runIds) is not null)
            {
                await process.FreezeAsync();
                // What the frozen process had already sent lands within moments; two equal looks say it has.
                var look = await InMemberStepAsync(cluster, instanceId, runIds);
                await Task.Delay(200);
                if (look is { } run && await InMemberStepAsync(cluster, instanceId, runIds) == run)
                {
                    await process.KillAsync();
                    return run;
                }
                await process.ThawAsync();
            }
            Assert.False(process.HasExited, process.Output);
            await Task.Delay(50);
        }
        throw new TimeoutException($"No run of {process.Name} reached its member step within {Patience}.\n{cluster.Output()}");
    }

    /// <summary>A run leased by the instance whose member step has an attempt running, or null.</summary>
    private static async Task<Guid?> InMemberStepAsync(PortalCluster cluster, string instanceId, IReadOnlyList<Guid> runIds)
    {
        await using var db = cluster.Database.CreateDbContext();
        return await db.StepAttempts.AsNoTracking()
            .Where(a => runIds.Contains(a.RunId) && a.Outcome == StepAttemptOutcome.Running
                && db.SetupRuns.Any(r => r.Id == a.RunId && r.LeaseInstanceId == instanceId)
                && db.SetupSteps.Any(s => s.Id == a.StepId && s.Kind == SetupStepKind.EnsureMembers))
            .OrderBy(a => a.RunId).Select(a => (Guid?)a.RunId).FirstOrDefaultAsync();
    }
}
