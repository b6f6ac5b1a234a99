using OpenTelemetry.Metrics;
using OpenTelemetry.Trace;

namespace Dropzone.Portal.Tests.Telemetry;

[Collection(PortalHostCollection.Name)]
public sealed class TelemetryTests
{
    [Fact]
    public async Task Start_WithoutOtlpEndpoint_RegistersNoTelemetry()
    {
        await using var factory = new PortalApplicationFactory();
        using var client = factory.CreateClient();

        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/healthz/live")).StatusCode);
        Assert.Null(factory.Services.GetService<TracerProvider>());
        Assert.Null(factory.Services.GetService<MeterProvider>());
    }

    [Fact]
    public async Task TenantCall_WithOtlpEndpoint_ExportsSpansTaggedWithCmdletAndAttemptAndTheTenantMeter()
    {
        await using var collector = await OtlpReceiver.StartAsync();
        await using var factory = new PortalApplicationFactory()
            .WithSetting("OTEL_EXPORTER_OTLP_ENDPOINT", collector.Address.ToString().TrimEnd('/'))
            .WithSetting("OTEL_EXPORTER_OTLP_PROTOCOL", "http/protobuf");
        using var admin = await factory.SignInAsync(DemoTenant.AdminUpn);

        // The connection check sends Get-AcceptedDomain to Exchange and reads Graph.
        using var tenant = await admin.GetAsync("/healthz/tenant");
        Assert.Equal(HttpStatusCode.OK, tenant.StatusCode);
        Assert.True(factory.Services.GetRequiredService<TracerProvider>().ForceFlush(10_000));
        Assert.True(factory.Services.GetRequiredService<MeterProvider>().ForceFlush(10_000));

        var traces = collector.Received("/v1/traces");
        Assert.Contains("Dropzone.Portal", traces, StringComparison.Ordinal);
        Assert.Contains("exchange Get-AcceptedDomain", traces, StringComparison.Ordinal);
        Assert.Contains("dropzone.tenant.attempt", traces, StringComparison.Ordinal);
        Assert.Contains("dropzone.tenant.outcome", traces, StringComparison.Ordinal);
        // ASP.NET Core's request span for the sign-in callback, and EF Core's for the audit write.
        Assert.Contains("/signin-oidc", traces, StringComparison.Ordinal);
        Assert.Contains("sqlite", traces, StringComparison.OrdinalIgnoreCase);
        var metrics = collector.Received("/v1/metrics");
        Assert.Contains("dropzone.tenant.calls", metrics, StringComparison.Ordinal);
        Assert.Contains("http.server.request.duration", metrics, StringComparison.Ordinal);
    }

    [Fact]
    public async Task TenantCall_ResiliencePipeline_LogsNoInformationLinePerCall()
    {
        await using var factory = new PortalApplicationFactory();
        using var admin = await factory.SignInAsync(DemoTenant.AdminUpn);

        using var tenant = await admin.GetAsync("/healthz/tenant");

        Assert.Equal(HttpStatusCode.OK, tenant.StatusCode);
        var log = ReadLogs(factory);
        Assert.Contains("Get-AcceptedDomain", log, StringComparison.Ordinal);
        Assert.DoesNotContain("Execution attempt", log, StringComparison.Ordinal);
        Assert.DoesNotContain("Resilience pipeline executed", log, StringComparison.Ordinal);
    }

    private static string ReadLogs(PortalApplicationFactory factory) =>
        string.Join('\n', Directory.GetFiles(Path.Combine(factory.DataDirectory, "logs")).Select(path =>
        {
            using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
            using var reader = new StreamReader(stream);
            return reader.ReadToEnd();
        }));
}
