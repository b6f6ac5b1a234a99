using Dropzone.Portal.Core.Setup;
using Dropzone.TenantEmulator.State;

/// <summary>
/// Where a setup's wall time goes besides the tenant's latency, from the attempts' own timestamps and the
/// emulator's call records (when each call arrived and was answered):
/// pick-up (Apply → first attempt: launcher transaction, Hangfire poll and activation, lease, run start),
/// attempt lead (attempt start → its first call: the attempt's own save and setup), tenant (first call arrived →
/// last call answered, latency included), attempt trail (last answer → attempt end), between steps (attempt end
/// → next attempt start: outcome save, lease renewal, or a scheduled retry's pick-up) and finish (last attempt
/// end → run completed).
/// </summary>
internal sealed record SetupCostBreakdown(double PickUpMs, double LeadMs, double TenantMs, double TrailMs, double BetweenMs, double FinishMs, int Attempts)
{
    public static SetupCostBreakdown From(DateTime launchedAt, DateTime finishedAt, IEnumerable<StepAttempt> attempts, IReadOnlyList<CallRecord> calls)
    {
        var ordered = attempts.OrderBy(a => a.StartedAt).ToList();
        double lead = 0, tenant = 0, trail = 0, between = 0;
        for (var i = 0; i < ordered.Count; i++)
        {
            var (start, end) = (ordered[i].StartedAt, ordered[i].EndedAt ?? ordered[i].StartedAt);
            var inside = calls.Where(c => c.ReceivedAt.UtcDateTime >= start && c.At.UtcDateTime <= end).ToList();
            if (inside.Count == 0)
            {
                lead += (end - start).TotalMilliseconds;
            }
            else
            {
                var (first, last) = (inside.Min(c => c.ReceivedAt.UtcDateTime), inside.Max(c => c.At.UtcDateTime));
                lead += (first - start).TotalMilliseconds;
                tenant += (last - first).TotalMilliseconds;
                trail += (end - last).TotalMilliseconds;
            }

            if (i > 0)
            {
                between += (start - (ordered[i - 1].EndedAt ?? ordered[i - 1].StartedAt)).TotalMilliseconds;
            }
        }

        return new((ordered[0].StartedAt - launchedAt).TotalMilliseconds, lead, tenant, trail, between,
            (finishedAt - (ordered[^1].EndedAt ?? ordered[^1].StartedAt)).TotalMilliseconds, ordered.Count);
    }

    /// <summary>The engine's own cost: everything but the tenant's time.</summary>
    public double EngineMs => PickUpMs + LeadMs + TrailMs + BetweenMs + FinishMs;

    public string ToLine(string mode, double floorMs) => string.Create(CultureInfo.InvariantCulture,
        $"COST setup mode={mode} attempts={Attempts} pickup_ms={PickUpMs:F0} attempt_lead_ms={LeadMs:F0} tenant_ms={TenantMs:F0} (floor {floorMs:F0}) " +
        $"attempt_trail_ms={TrailMs:F0} between_steps_ms={BetweenMs:F0} finish_ms={FinishMs:F0} engine_ms={EngineMs:F0} engine_per_attempt_ms={EngineMs / Math.Max(1, Attempts):F1}");
}
