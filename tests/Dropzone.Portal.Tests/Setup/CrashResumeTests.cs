using System.Diagnostics;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Dropzone.Portal.Core.Restriction;
using Dropzone.Portal.Core.Setup.Steps;
using Dropzone.Portal.Jobs;
using Hangfire.Storage.SQLite;
using Microsoft.Data.Sqlite;
using Xunit.Abstractions;

namespace Dropzone.Portal.Tests.Setup;

/// <summary>
/// The built portal as a real process on a SQLite file (its emulated tenant kept in the file beside it), killed
/// with SIGKILL while the member step adds members one $batch at a time, then started again: the restarted process
/// takes the run over at start-up (its predecessor's process is gone) rather than after the lease, which is set
/// to ten minutes here, and the run's audit accounts for every member Exchange got, before the kill and after.
/// </summary>
public sealed partial class CrashResumeTests(ITestOutputHelper output) : IDisposable
{
    private const int MemberCount = 64;
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(120);
    private readonly string _folder = TestFolder.Create("dropzone-crash");

    private string PortalDb => Path.Combine(_folder, "portal.db");

    private string JobsDb => Path.Combine(_folder, "jobs.db");

    public void Dispose()
    {
        SqliteConnection.ClearAllPools();
        TestFolder.TryDelete(_folder);
    }

    private Dictionary<string, string?> Settings() => new()
    {
        ["ConnectionStrings:Portal"] = $"Data Source={PortalDb}",
        ["ConnectionStrings:Jobs"] = $"Data Source={JobsDb}",
        // Members one by one ($batch of ten, one call at a time), so the kill lands between member calls.
        ["Setup:BulkMemberThreshold"] = "1",
        ["Setup:MemberCallConcurrency"] = "1",
        // Far longer than the test waits: only the takeover of a gone instance can resume the run in time.
        ["Setup:LeaseDuration"] = "00:10:00",
    };

    [Fact]
    public async Task PortalKilledInMemberStep_Restarted_RunFinishesWithEveryMemberAuditedAndChainIntact()
    {
        var first = AppProcess.Start("portal", BuiltApps.Portal, Settings());
        Guid runId;
        IReadOnlyList<string> members;
        int addedBeforeKill;
        try
        {
            var address = await first.WaitUntilListeningAsync();
            using var http = new HttpClient { BaseAddress = address, Timeout = Patience };
            members = await MailboxesAsync(http);
            await SetLatencyAsync(http, 400);
            runId = await ApplyAsync(members);

            // Killed once the first $batch is in and before the last: members Exchange applied, not yet audited.
            addedBeforeKill = await UntilAsync(async () => await GroupMemberCountAsync(http) is var n and >= 10 and < MemberCount ? (true, n) : (false, 0), first);
            await first.KillAsync();
            output.WriteLine($"killed with {addedBeforeKill} member(s) in the group");
        }
        finally
        {
            await first.DisposeAsync();
        }

        var restartedAt = DateTime.UtcNow;
        await using var second = AppProcess.Start("portal", BuiltApps.Portal, Settings());
        var secondAddress = await second.WaitUntilListeningAsync();
        output.WriteLine($"restarted process listening {(DateTime.UtcNow - restartedAt).TotalSeconds:F1} s after its start");
        using var secondHttp = new HttpClient { BaseAddress = secondAddress, Timeout = Patience };
        await SetLatencyAsync(secondHttp, 0);
        var run = await UntilAsync(async () => await RunAsync(runId) is { IsFinished: true } r ? (true, r) : (false, null!), second);
        var resumeSeconds = (run.FinishedAt!.Value - restartedAt).TotalSeconds;
        output.WriteLine($"run {run.State} {resumeSeconds:F1} s after the restart");
        await using (var timeline = Database())
        {
            foreach (var a in await timeline.StepAttempts.AsNoTracking().Where(a => a.RunId == runId && a.StartedAt >= restartedAt).OrderBy(a => a.StartedAt).ToListAsync())
            {
                output.WriteLine($"  +{(a.StartedAt - restartedAt).TotalSeconds:F1} s … +{(a.EndedAt!.Value - restartedAt).TotalSeconds:F1} s attempt {a.Number} {a.Outcome} ({a.Calls} calls)");
            }
        }

        Assert.Equal(SetupRunState.Succeeded, run.State);
        // Resumed by the takeover: the killed process's ten-minute lease was still valid.
        Assert.True(run.FinishedAt < restartedAt.AddMinutes(10));
        var group = await GroupAsync(secondHttp);
        Assert.Equal(MemberCount, group["memberCount"]!.GetValue<int>());
        Assert.Equal(members.Order(StringComparer.OrdinalIgnoreCase), group["members"]!.AsArray().Select(m => m!.GetValue<string>()).Order(StringComparer.OrdinalIgnoreCase), StringComparer.OrdinalIgnoreCase);

        await using var db = Database();
        var entries = await db.AuditEntries.AsNoTracking().Where(e => e.RunId == runId.ToString()).ToListAsync();
        var added = entries.Where(e => e.Action == AuditActions.MemberAdded).ToList();
        Assert.Equal(MemberCount, added.Sum(e => LeadingCount(e.Answer)));
        Assert.Contains(added, e => e.Answer!.Contains("interrupted attempt", StringComparison.Ordinal));
        var interrupted = Assert.Single(entries, e => e.Action == AuditActions.RunStepInterrupted);
        Assert.Equal(run.GroupId.ToString(), interrupted.GroupId);
        Assert.Equal(AuditTargetTypes.Group, interrupted.TargetType);
        Assert.DoesNotContain(await db.StepAttempts.Where(a => a.RunId == runId).ToListAsync(), a => a.Outcome == StepAttemptOutcome.Running);
        var key = AuditChainKey.FromFileText(await File.ReadAllTextAsync(Path.Combine(_folder, AuditChainKeySource.DefaultFileName)));
        var checkpoints = new AuditCheckpointLog(Options.Create(new AuditOptions { CheckpointFile = Path.Combine(_folder, "audit-checkpoints.jsonl") }), key, TimeProvider.System);
        var verification = await new AuditVerifier(new Files(PortalDb), key, checkpoints, TimeProvider.System).VerifyAsync();
        Assert.True(verification.Intact, verification.ToString());
    }

    /// <summary>The wizard's Apply, as the portal does it: the launcher records the run, Hangfire's client queues it in the portal's job storage.</summary>
    private async Task<Guid> ApplyAsync(IReadOnlyList<string> members)
    {
        var options = Options.Create(new SetupOptions { BulkMemberThreshold = 1, MemberCallConcurrency = 1 });
        using var steps = new ServiceCollection().AddSetupSteps().BuildServiceProvider();
        using var storage = new SQLiteStorage(JobsDb, new SQLiteStorageOptions());
        var scheduler = new HangfireSetupRunScheduler(new BackgroundJobClient(storage));
        var launcher = new SetupRunLauncher(new Files(PortalDb), scheduler, new RunProgressNotifier(), steps.GetRequiredService<SetupPlanBuilder>(),
            steps.GetRequiredService<RestrictionModeCatalog>(), options, TimeProvider.System);
        return await launcher.StartAsync(DemoSetups.Request("crash-scope", members, displayName: "Crash scope"), DemoSetups.Admin);
    }

    private static async Task<IReadOnlyList<string>> MailboxesAsync(HttpClient http)
    {
        var users = (await StateAsync(http))["users"]!.AsArray();
        return [.. users.Where(u => u!["mail"] is not null && u["recipientTypeDetails"]!.GetValue<string>() == "UserMailbox")
            .Select(u => u!["mail"]!.GetValue<string>()).Take(MemberCount)];
    }

    private static async Task SetLatencyAsync(HttpClient http, int milliseconds)
    {
        using var response = await http.PostAsync("/_emulator/_control/faults",
            new StringContent(new JsonObject { ["latencyMs"] = milliseconds }.ToJsonString(), Encoding.UTF8, "application/json"));
        response.EnsureSuccessStatusCode();
    }

    private static async Task<JsonObject> StateAsync(HttpClient http) => (await http.GetFromJsonAsync<JsonObject>("/_emulator/_control/state"))!;

    private static async Task<JsonObject> GroupAsync(HttpClient http) =>
        (JsonObject)(await StateAsync(http))["groups"]!.AsArray().Single(g => g!["primarySmtpAddress"]!.GetValue<string>() == "crash-scope@" + DemoTenant.Domain)!;

    private static async Task<int> GroupMemberCountAsync(HttpClient http) =>
        (await StateAsync(http))["groups"]!.AsArray().FirstOrDefault(g => g!["primarySmtpAddress"]!.GetValue<string>() == "crash-scope@" + DemoTenant.Domain)?["memberCount"]!.GetValue<int>() ?? 0;

    private async Task<SetupRun?> RunAsync(Guid runId)
    {
        await using var db = Database();
        return await db.SetupRuns.AsNoTracking().SingleOrDefaultAsync(r => r.Id == runId);
    }

    private PortalDbContext Database() => new Files(PortalDb).CreateDbContext();

    /// <summary>Polls until <paramref name="probe"/> answers; fails with the process's output when it exits or two minutes pass.</summary>
    private static async Task<T> UntilAsync<T>(Func<Task<(bool Done, T Value)>> probe, AppProcess process)
    {
        var waited = Stopwatch.StartNew();
        while (true)
        {
            if (await probe() is (true, var value))
            {
                return value;
            }

            Assert.False(process.HasExited, $"The portal exited:\n{process.Output}");
            Assert.True(waited.Elapsed < Patience, $"Nothing after {Patience.TotalSeconds} s:\n{process.Output}");
            await Task.Delay(100);
        }
    }

    private static int LeadingCount(string? answer) => int.Parse(Count().Match(answer ?? "").Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture);

    [GeneratedRegex(@"^(\d+) member\(s\)")]
    private static partial Regex Count();

    /// <summary>The portal's database file, opened from outside the portal (no pooling: the file is deleted afterwards).</summary>
    private sealed class Files(string path) : IDbContextFactory<PortalDbContext>
    {
        public PortalDbContext CreateDbContext() => new(new DbContextOptionsBuilder<PortalDbContext>()
            .UseSqlite(new SqliteConnectionStringBuilder { DataSource = path, Pooling = false, DefaultTimeout = 30 }.ToString()).Options);
    }
}
