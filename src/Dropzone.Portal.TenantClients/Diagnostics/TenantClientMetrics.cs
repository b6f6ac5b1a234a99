using System.Diagnostics;
using System.Diagnostics.Metrics;

namespace Dropzone.Portal.TenantClients.Diagnostics;

/// <summary>
/// Meter <c>Dropzone.Portal.TenantClients</c>. The instrument names are what dashboards query, so they stay as
/// published. Tags carry the API and the operation (cmdlet name or Graph resource), never parameter values.
/// </summary>
public sealed class TenantClientMetrics
{
    public const string MeterName = "Dropzone.Portal.TenantClients";

    private readonly Counter<long> _calls;
    private readonly Counter<long> _retries;
    private readonly Counter<long> _throttles;
    private readonly Histogram<double> _duration;

    public TenantClientMetrics(IMeterFactory meterFactory)
    {
        var meter = meterFactory.Create(MeterName);
        _calls = meter.CreateCounter<long>("dropzone.tenant.calls", "{call}", "Calls to Exchange or Graph, by outcome");
        _retries = meter.CreateCounter<long>("dropzone.tenant.retries", "{retry}", "Attempts sent again after a transient answer");
        _throttles = meter.CreateCounter<long>("dropzone.tenant.throttles", "{answer}", "429 answers received");
        _duration = meter.CreateHistogram<double>("dropzone.tenant.call.duration", "ms", "Duration of a call, retries and paging included");
    }

    public void Call(string api, string operation, string outcome, double milliseconds)
    {
        var tags = Tags(api, operation);
        tags.Add("outcome", outcome);
        _calls.Add(1, tags);
        _duration.Record(milliseconds, tags);
    }

    public void Retry(string api, string operation) => _retries.Add(1, Tags(api, operation));

    public void Throttle(string api, string operation) => _throttles.Add(1, Tags(api, operation));

    private static TagList Tags(string api, string operation) => new() { { "api", api }, { "operation", operation } };
}
