using Dropzone.Portal.Core.Groups;
using Dropzone.Portal.Core.Identity;
using Dropzone.Portal.Core.Setup;

namespace Dropzone.Portal.Testing;

/// <summary>
/// Many setups at once, for tests with several portal instances: started through the launcher exactly as the
/// wizard's Apply starts them (a run row and a queued job in the shared storage, which any instance's workers pick
/// up), awaited together, and checked afterwards from what the database recorded.
/// </summary>
public static class SetupFleet
{
    public static PortalUser Admin => DemoSetups.Admin;

    /// <summary>Setup number <paramref name="index"/>: its own group, the given members, an application access policy.</summary>
    public static SetupRequest Request(int index, IReadOnlyList<SetupMember> members, string prefix = "fleet") =>
        DemoSetups.Request($"{prefix}-{index:D3}", members, RestrictionMode.ApplicationAccessPolicy, $"Dropzone {prefix} {index:D3}");

    /// <summary>Starts every request; the run ids in the same order.</summary>
    public static async Task<IReadOnlyList<Guid>> StartAsync(ISetupRunLauncher launcher, IEnumerable<SetupRequest> requests)
    {
        var ids = new List<Guid>();
        foreach (var request in requests)
        {
            ids.Add(await launcher.StartAsync(request, Admin));
        }
        return ids;
    }

    /// <summary>
    /// Polls the database until every run has finished; on timeout the message lists the unfinished ones and
    /// <paramref name="diagnostics"/>. <paramref name="onPoll"/> runs at every poll (to sample something while they run).
    /// </summary>
    public static async Task<IReadOnlyList<SetupRun>> WaitUntilAllFinishedAsync(
        IDbContextFactory<PortalDbContext> databases, IReadOnlyCollection<Guid> runIds, TimeSpan timeout, Func<string>? diagnostics = null, Func<Task>? onPoll = null)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (true)
        {
            if (onPoll is not null) await onPoll();
            await using var db = await databases.CreateDbContextAsync();
            var runs = await db.SetupRuns.AsNoTracking().Include(r => r.Steps).ThenInclude(s => s.AttemptLog)
                .Where(r => runIds.Contains(r.Id)).ToListAsync();
            if (runs.Count == runIds.Count && runs.All(r => r.IsFinished))
            {
                return runs;
            }
            if (DateTime.UtcNow > deadline)
            {
                var open = string.Join(", ", runs.Where(r => !r.IsFinished).Select(r => $"{r.Id} ({r.State}, step {r.CurrentStep} {CurrentStepState(r)}, lease {r.LeaseInstanceId}, updated {r.UpdatedAt:HH:mm:ss.fff})"));
                throw new TimeoutException($"Runs still open after {timeout}: {open}\n{diagnostics?.Invoke()}");
            }
            await Task.Delay(TimeSpan.FromMilliseconds(500));
        }
    }

    private static string CurrentStepState(SetupRun run) => run.Steps.FirstOrDefault(s => s.Index == run.CurrentStep) is { } step
        ? $"{step.Kind} {step.State}, next attempt {step.NextAttemptAt:HH:mm:ss.fff}, attempts {step.AttemptLog.Count}"
        : "none";

    /// <summary>
    /// Attempts of one step whose time spans intersect: two workers executing the same step at once. An attempt
    /// still open (no end: its worker died) counts as running until the next attempt of that step started.
    /// Returns one line per overlapping pair; empty when every step's attempts follow one another.
    /// </summary>
    public static IReadOnlyList<string> OverlappingAttempts(IEnumerable<StepAttempt> attempts)
    {
        var overlaps = new List<string>();
        foreach (var step in attempts.GroupBy(a => a.StepId))
        {
            var ordered = step.OrderBy(a => a.StartedAt).ThenBy(a => a.Number).ToList();
            for (var i = 1; i < ordered.Count; i++)
            {
                var (earlier, later) = (ordered[i - 1], ordered[i]);
                if (earlier.EndedAt is { } ended && ended > later.StartedAt)
                {
                    overlaps.Add($"step {step.Key}: attempt {earlier.Number} ({earlier.WorkerId}, {earlier.StartedAt:O}–{ended:O}) overlaps attempt {later.Number} ({later.WorkerId}, from {later.StartedAt:O})");
                }
            }
        }
        return overlaps;
    }
}
