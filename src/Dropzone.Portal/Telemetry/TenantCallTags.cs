namespace Dropzone.Portal.Telemetry;

/// <summary>Tags an outgoing HTTP span to Exchange or Graph with the cmdlet (or Graph resource) and the attempt.</summary>
internal static class TenantCallTags
{
    public static void Enrich(Activity activity, HttpRequestMessage request)
    {
        if (CallTelemetry.From(request) is { } call)
        {
            activity.SetTag(TenantClientMetrics.ApiTag, call.Api);
            activity.SetTag(TenantClientMetrics.OperationTag, call.Operation);
            activity.SetTag(TenantClientMetrics.AttemptTag, call.Attempts);
        }
    }
}
