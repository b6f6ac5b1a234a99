using System.Diagnostics;

namespace Dropzone.Portal.TenantClients.Diagnostics;

/// <summary>
/// Spans of calls to Exchange or Graph. The clients open one per HTTP attempt (source
/// <c>Dropzone.Portal.TenantClients</c>), and the host's HttpClient spans of the same requests carry the same
/// tags, so a trace query finds both with one set of keys. Tags name the API and the operation (cmdlet name or
/// Graph resource), never parameter values.
/// </summary>
public static class TenantCallSpan
{
    public const string SourceName = "Dropzone.Portal.TenantClients";

    // Nothing is created unless a tracer listens to this source.
    private static readonly ActivitySource Source = new(SourceName);

    /// <summary>The span of one attempt, or null when no tracer listens.</summary>
    internal static Activity? StartAttempt(string api, string operation, int attempt)
    {
        var activity = Source.StartActivity($"{api} {operation}", ActivityKind.Client);
        if (activity is not null) Tag(activity, api, operation, attempt);
        return activity;
    }

    /// <summary>For the host's HttpClient instrumentation: tags its span of a request these clients sent.</summary>
    public static void Enrich(Activity activity, HttpRequestMessage request)
    {
        if (CallTelemetry.From(request) is { } call) Tag(activity, call.Api, call.Operation, call.Attempts);
    }

    /// <summary>"Success", the HTTP status code of a failed answer, "Canceled" or "Exception".</summary>
    internal static void Outcome(Activity activity, string outcome) => activity.SetTag("dropzone.tenant.outcome", outcome);

    private static void Tag(Activity activity, string api, string operation, int attempt)
    {
        activity.SetTag("dropzone.tenant.api", api);
        activity.SetTag("dropzone.tenant.operation", operation);
        activity.SetTag("dropzone.tenant.attempt", attempt);
    }
}
