using Dropzone.Portal.Core.Setup;
using Dropzone.Portal.Testing;
using Microsoft.EntityFrameworkCore;

namespace Dropzone.Portal.Benchmarks.Scenarios;

/// <summary>
/// <c>instances --setups 100 --members 50 --latency-ms 100 --limit 8</c>: real portal processes on one PostgreSQL
/// database (the run's private cluster) and the standalone emulator (see <see cref="PortalCluster"/>).
/// <list type="number">
/// <item>The same setups on one instance, then on two (fresh database and tenant each time): the wall time from the
/// first Apply to the last run's end. Per run, its time from pick-up to end over its floor (latency × the calls on
/// its critical path), and, from the emulator's call log, the most tenant calls in flight at once: the per-tenant
/// limit holds across instances when it never exceeds <c>--limit</c>.</item>
/// <item>Takeover: two instances, <c>--takeover-setups</c> setups, one instance killed with SIGKILL while it holds
/// runs mid-step; for each of its runs, the time from the kill to the survivor's first attempt on it.</item>
/// </list>
/// </summary>
public sealed class InstancesScenario : IBenchmarkScenario
{
    public string Name => "instances";

    public string Description => "several portal processes on PostgreSQL: --setups 100 --members 50 --latency-ms 100 --limit 8 --takeover-setups 16";

    public async Task<int> RunAsync(BenchmarkArguments args)
    {
        var shape = new Shape(args.Count("setups", 100), args.Count("members", 50), args.Count("latency-ms", 100), args.Count("limit", 8));
        var one = await RunSetupsAsync(shape, instances: 1);
        Console.WriteLine(one.ToLine());
        var two = await RunSetupsAsync(shape, instances: 2);
        Console.WriteLine(two.ToLine());
        var takeover = await TakeoverAsync(shape with { Setups = args.Count("takeover-setups", 16) });
        Console.WriteLine(takeover);
        var ratio = two.Wall.TotalSeconds / one.Wall.TotalSeconds;
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"RESULT instances setups={shape.Setups} members={shape.Members} latency_ms={shape.LatencyMs} limit={shape.Limit} one_wall_s={one.Wall.TotalSeconds:F1} two_wall_s={two.Wall.TotalSeconds:F1} ratio={ratio:F2} max_in_flight_one={one.MaxInFlight} max_in_flight_two={two.MaxInFlight} failed={one.Failed + two.Failed}"));
        return one.Failed + two.Failed == 0 && one.MaxInFlight <= shape.Limit && two.MaxInFlight <= shape.Limit ? 0 : 1;
    }

    private sealed record Shape(int Setups, int Members, int LatencyMs, int Limit)
    {
        public Dictionary<string, string?> Settings() => new()
        {
            ["TenantClients:MaxConcurrencyPerTenant"] = Limit.ToString(CultureInfo.InvariantCulture),
            // The benchmark's own reads (emulator state, database polls) must not be what it measures.
            ["Logging:LogLevel:Default"] = "Warning",
        };
    }

    private sealed record Outcome(int Instances, TimeSpan Wall, int Failed, int MaxInFlight, double SlowdownP50, double SlowdownMax, double SlotUse)
    {
        public string ToLine() => string.Create(CultureInfo.InvariantCulture,
            $"instances={Instances} wall_s={Wall.TotalSeconds:F1} failed={Failed} max_in_flight={MaxInFlight} run_over_floor_p50={SlowdownP50:F2} run_over_floor_max={SlowdownMax:F2} tenant_slot_use={SlotUse:P0}");
    }

    private static async Task<Outcome> RunSetupsAsync(Shape shape, int instances)
    {
        await using var cluster = await PortalCluster.CreateAsync("dropzone-instances-bench", shape.Settings(), new SetupOptions());
        await cluster.StartInstancesAsync(instances);
        var members = (await cluster.MailboxesAsync(shape.Members)).Select(m => new SetupMember(m)).ToList();
        // A running portal has its code jitted and its connections open when an admin clicks Apply.
        var warmup = await SetupFleet.StartAsync(cluster.Launcher, Enumerable.Range(1, 4 * instances).Select(i => SetupFleet.Request(i, members, "warmup")));
        await SetupFleet.WaitUntilAllFinishedAsync(cluster.Database, warmup, TimeSpan.FromMinutes(10), cluster.Output);
        await cluster.Emulator.SetFaultsAsync(new System.Text.Json.Nodes.JsonObject { ["latencyMs"] = shape.LatencyMs });

        var calls = new CallLog(cluster.Emulator);
        var launched = DateTime.UtcNow;
        var runIds = await SetupFleet.StartAsync(cluster.Launcher, Enumerable.Range(1, shape.Setups).Select(i => SetupFleet.Request(i, members, "bench")));
        var runs = await SetupFleet.WaitUntilAllFinishedAsync(cluster.Database, runIds, TimeSpan.FromMinutes(30), cluster.Output, calls.SampleAsync);
        await calls.SampleAsync();
        var wall = runs.Max(r => r.FinishedAt!.Value) - launched;
        var slowdowns = runs.Where(r => r.State == SetupRunState.Succeeded)
            .Select(r => (r.FinishedAt!.Value - r.StartedAt!.Value).TotalMilliseconds / Math.Max(1, r.Steps.SelectMany(s => s.AttemptLog).Sum(a => a.CriticalPathCalls) * shape.LatencyMs))
            .Order().ToArray();
        var busy = calls.Tenant(launched).Sum(c => (c.End - c.Start).TotalSeconds);
        return new Outcome(instances, wall, runs.Count(r => r.State != SetupRunState.Succeeded), calls.MaxInFlight(launched),
            Percentiles.Of(slowdowns, 50), slowdowns.Length == 0 ? double.NaN : slowdowns[^1], busy / (shape.Limit * wall.TotalSeconds));
    }

    private static async Task<string> TakeoverAsync(Shape shape)
    {
        await using var cluster = await PortalCluster.CreateAsync("dropzone-takeover-bench", shape.Settings(), new SetupOptions());
        var instances = await cluster.StartInstancesAsync(2);
        var (doomed, survivor) = (instances[0], instances[1]);
        var doomedId = await cluster.InstanceIdAsync(doomed);
        var members = (await cluster.MailboxesAsync(shape.Members)).Select(m => new SetupMember(m)).ToList();
        await cluster.Emulator.SetFaultsAsync(new System.Text.Json.Nodes.JsonObject { ["latencyMs"] = shape.LatencyMs });
        var runIds = await SetupFleet.StartAsync(cluster.Launcher, Enumerable.Range(1, shape.Setups).Select(i => SetupFleet.Request(i, members, "takeover")));

        // Killed once it holds at least two runs in the middle of a step.
        List<Guid> held;
        while (true)
        {
            await using var db = cluster.Database.CreateDbContext();
            held = await db.SetupRuns.Where(r => runIds.Contains(r.Id) && r.LeaseInstanceId == doomedId && r.CurrentStep > 0 && r.State == SetupRunState.Running)
                .Select(r => r.Id).ToListAsync();
            if (held.Count >= 2) break;
            if (survivor.HasExited || doomed.HasExited) throw new InvalidOperationException(cluster.Output());
            await Task.Delay(50);
        }
        await doomed.KillAsync();
        var killedAt = DateTime.UtcNow;
        var runs = await SetupFleet.WaitUntilAllFinishedAsync(cluster.Database, runIds, TimeSpan.FromMinutes(10), cluster.Output);
        var delays = runs.Where(r => held.Contains(r.Id))
            .Select(r => (r.Steps.SelectMany(s => s.AttemptLog).Where(a => a.StartedAt > killedAt).Min(a => (DateTime?)a.StartedAt) ?? r.FinishedAt!.Value) - killedAt)
            .Select(d => d.TotalSeconds).Order().ToArray();
        return string.Create(CultureInfo.InvariantCulture,
            $"RESULT instances-takeover setups={shape.Setups} runs_held_by_killed={held.Count} takeover_s_min={delays[0]:F1} takeover_s_max={delays[^1]:F1} failed={runs.Count(r => r.State != SetupRunState.Succeeded)}");
    }

    /// <summary>The emulator's recent calls (it shows the last 500), gathered by sampling while the runs go on.</summary>
    private sealed class CallLog(StandaloneEmulator emulator)
    {
        private readonly HashSet<(DateTimeOffset Start, DateTimeOffset End, string Service, string Path, string? Operation)> _calls = [];

        public async Task SampleAsync()
        {
            foreach (var call in (await emulator.StateAsync())["calls"]!.AsArray())
            {
                _calls.Add((call!["receivedAt"]!.GetValue<DateTimeOffset>(), call["at"]!.GetValue<DateTimeOffset>(), call["service"]!.GetValue<string>(), call["path"]!.GetValue<string>(), call["operation"]?.GetValue<string>()));
            }
        }

        /// <summary>
        /// Calls to Exchange and Graph since <paramref name="since"/>: the ones the per-tenant limit governs (token calls
        /// are not; the parts of a Graph $batch are recorded again, inside their batch's call).
        /// </summary>
        public IEnumerable<(DateTimeOffset Start, DateTimeOffset End)> Tenant(DateTime since) =>
            _calls.Where(c => c.Service is "outlook" or "graph" && c.Start >= since && !(c.Operation ?? "").StartsWith("$batch part", StringComparison.Ordinal)).Select(c => (c.Start, c.End));

        public int MaxInFlight(DateTime since)
        {
            var edges = Tenant(since).SelectMany(c => new[] { (At: c.Start, Step: 1), (At: c.End, Step: -1) })
                .OrderBy(e => e.At).ThenBy(e => e.Step);
            int now = 0, max = 0;
            foreach (var edge in edges)
            {
                now += edge.Step;
                max = Math.Max(max, now);
            }
            return max;
        }
    }
}
