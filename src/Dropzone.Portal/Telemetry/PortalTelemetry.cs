using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;
using OpenTelemetry.Trace;

namespace Dropzone.Portal.Telemetry;

/// <summary>
/// OpenTelemetry traces and metrics (ASP.NET Core, HttpClient, EF Core, the job engine, the tenant clients'
/// meter and spans), exported over OTLP to <c>OTEL_EXPORTER_OTLP_ENDPOINT</c>. Without that setting nothing is
/// registered: no provider listens, so the instrumentation costs nothing.
/// The standard <c>OTEL_*</c> variables (protocol, headers, service name, resource attributes) apply.
/// </summary>
public static class PortalTelemetry
{
    public const string OtlpEndpointKey = "OTEL_EXPORTER_OTLP_ENDPOINT";
    public const string ServiceName = "Dropzone.Portal";

    public static bool IsEnabled(IConfiguration configuration) => !string.IsNullOrWhiteSpace(configuration[OtlpEndpointKey]);

    public static IHostApplicationBuilder AddPortalTelemetry(this IHostApplicationBuilder builder)
    {
        if (!IsEnabled(builder.Configuration))
        {
            return builder;
        }
        JobTelemetry.Install();
        builder.Services.AddOpenTelemetry()
            .ConfigureResource(resource => resource.AddService(ServiceName, serviceVersion: typeof(PortalTelemetry).Assembly.GetName().Version?.ToString()))
            .WithTracing(tracing => tracing
                // Probes every few seconds would drown the traces that matter (the admin's tenant check is traced).
                .AddAspNetCoreInstrumentation(options => options.Filter = context => !Health.PortalHealth.IsProbe(context.Request.Path))
                .AddHttpClientInstrumentation(options => options.EnrichWithHttpRequestMessage = TenantCallSpan.Enrich)
                .AddEntityFrameworkCoreInstrumentation()
                .AddSource(TenantCallSpan.SourceName, JobTelemetry.SourceName)
                .AddOtlpExporter(OwnConnection))
            .WithMetrics(metrics => metrics
                .AddAspNetCoreInstrumentation()
                .AddHttpClientInstrumentation()
                .AddRuntimeInstrumentation()
                .AddMeter(TenantClientMetrics.MeterName, JobTelemetry.MeterName)
                .AddOtlpExporter(OwnConnection));
        return builder;
    }

    /// <summary>
    /// The exporter's own HttpClient, not one from IHttpClientFactory: with the emulated tenant every factory
    /// client is sent into the emulator, and the collector is not a Microsoft service.
    /// </summary>
    private static void OwnConnection(OpenTelemetry.Exporter.OtlpExporterOptions options) =>
        options.HttpClientFactory = () => new HttpClient { Timeout = TimeSpan.FromMilliseconds(options.TimeoutMilliseconds) };
}
