namespace Dropzone.Portal.TenantClients.Diagnostics;

/// <summary>
/// Per-call counters carried on the request (<see cref="HttpRequestMessage.Options"/>) through the
/// resilience pipeline, so the caller can log how many retries one call took.
/// </summary>
public sealed class CallTelemetry(string api, string operation, string tenant)
{
    public static readonly HttpRequestOptionsKey<CallTelemetry> Key = new("Dropzone.TenantClients.Telemetry");

    public string Api { get; } = api;

    /// <summary>Cmdlet name or Graph resource template: safe to log.</summary>
    public string Operation { get; } = operation;

    public string Tenant { get; } = tenant;

    public Commands.ReplaySafety ReplaySafety { get; init; } = Commands.ReplaySafety.ReadOnly;

    private int _attempts;
    private int _throttles;

    public int Attempts => _attempts;

    public int Retries => Math.Max(0, _attempts - 1);

    public int Throttles => _throttles;

    internal void AttemptStarted() => Interlocked.Increment(ref _attempts);

    internal void Throttled() => Interlocked.Increment(ref _throttles);

    public static CallTelemetry? From(HttpRequestMessage? request) =>
        request is not null && request.Options.TryGetValue(Key, out var telemetry) ? telemetry : null;
}
