using System.Diagnostics;
using System.Diagnostics.Metrics;

namespace Dropzone.Portal.TenantClients.Diagnostics;

/// <summary>
/// Meter <c>Dropzone.Portal.TenantClients</c>. Tags carry the API and the operation (cmdlet name or Graph
/// resource), never parameter values.
/// </summary>
public sealed class TenantClientMetrics
{
    public const string MeterName = "Dropzone.Portal.TenantClients";
    public const string CallsName = "dropzone.tenant.calls";
    public const string RetriesName = "dropzone.tenant.retries";
    public const string ThrottlesName = "dropzone.tenant.throttles";
    public const string DurationName = "dropzone.tenant.call.duration";

    /// <summary>Spans, one per HTTP attempt to Exchange or Graph; nothing is created unless a tracer listens.</summary>
    public const string ActivitySourceName = "Dropzone.Portal.TenantClients";
    public const string ApiTag = "dropzone.tenant.api";
    public const string OperationTag = "dropzone.tenant.operation";
    public const string AttemptTag = "dropzone.tenant.attempt";
    public const string OutcomeTag = "dropzone.tenant.outcome";

    internal static readonly ActivitySource Activities = new(ActivitySourceName);

    private readonly Counter<long> _calls;
    private readonly Counter<long> _retries;
    private readonly Counter<long> _throttles;
    private readonly Histogram<double> _duration;

    public TenantClientMetrics(IMeterFactory meterFactory)
    {
        var meter = meterFactory.Create(MeterName);
        _calls = meter.CreateCounter<long>(CallsName, "{call}", "Calls to Exchange or Graph, by outcome");
        _retries = meter.CreateCounter<long>(RetriesName, "{retry}", "Attempts sent again after a transient answer");
        _throttles = meter.CreateCounter<long>(ThrottlesName, "{answer}", "429 answers received");
        _duration = meter.CreateHistogram<double>(DurationName, "ms", "Duration of a call, retries and paging included");
    }

    public void Call(string api, string operation, string outcome, double milliseconds)
    {
        var tags = new TagList { { "api", api }, { "operation", operation }, { "outcome", outcome } };
        _calls.Add(1, tags);
        _duration.Record(milliseconds, tags);
    }

    public void Retry(string api, string operation) =>
        _retries.Add(1, new TagList { { "api", api }, { "operation", operation } });

    public void Throttle(string api, string operation) =>
        _throttles.Add(1, new TagList { { "api", api }, { "operation", operation } });
}
