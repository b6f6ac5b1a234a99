namespace Dropzone.Portal.TenantClients.Diagnostics;

/// <summary>
/// The outermost Graph handler: tags each call with a loggable resource template (user ids, UPNs and
/// search terms replaced), then logs and measures the whole call, retries included.
/// </summary>
internal sealed class GraphCallHandler(
    TenantClientMetrics metrics,
    TimeProvider time,
    IOptions<TenantClientsOptions> options,
    ILogger<GraphCallHandler> logger) : DelegatingHandler
{
    private static readonly HashSet<string> KnownSegments = new(StringComparer.OrdinalIgnoreCase)
    {
        "v1.0", "beta", "users", "groups", "members", "servicePrincipals", "appRoleAssignments", "domains", "$batch", "organization",
    };

    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        var operation = $"{request.Method.Method} {Template(request.RequestUri)}";
        // Graph has its own concurrency slots, separate from Exchange's for the same tenant.
        var telemetry = new CallTelemetry("graph", operation, "graph:" + options.Value.TenantId);
        request.Options.Set(CallTelemetry.Key, telemetry);
        var started = time.GetTimestamp();
        var outcome = "Exception";
        var status = 0;
        try
        {
            var response = await base.SendAsync(request, cancellationToken);
            status = (int)response.StatusCode;
            outcome = response.IsSuccessStatusCode ? "Success" : status.ToString(System.Globalization.CultureInfo.InvariantCulture);
            return response;
        }
        finally
        {
            var elapsed = time.GetElapsedTime(started);
            metrics.Call("graph", operation, outcome, elapsed.TotalMilliseconds);
            logger.LogInformation("Graph {Operation}: {Outcome} (HTTP {Status}) in {DurationMs:F0} ms, {Retries} retries",
                operation, outcome, status, elapsed.TotalMilliseconds, telemetry.Retries);
        }
    }

    /// <summary><c>/v1.0/users/ann@contoso.com</c> → <c>/v1.0/users/{id}</c>: paths carry personal data.</summary>
    internal static string Template(Uri? uri)
    {
        if (uri is null)
        {
            return "?";
        }

        var sb = new StringBuilder();
        foreach (var segment in uri.AbsolutePath.Split('/', StringSplitOptions.RemoveEmptyEntries))
        {
            sb.Append('/');
            var paren = segment.IndexOf('(', StringComparison.Ordinal);
            var name = paren >= 0 ? segment[..paren] : segment;
            sb.Append(KnownSegments.Contains(name) ? name : "{id}");
            if (paren >= 0)
            {
                sb.Append("(…)");
            }
        }

        return sb.Length == 0 ? "/" : sb.ToString();
    }
}
