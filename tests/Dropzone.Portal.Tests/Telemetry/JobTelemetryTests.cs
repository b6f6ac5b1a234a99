using System.Diagnostics;
using Dropzone.Portal.Telemetry;
using Microsoft.Extensions.Diagnostics.Metrics.Testing;

namespace Dropzone.Portal.Tests.Telemetry;

/// <summary>A background job's span continues the trace that enqueued it; its execution is counted and timed.</summary>
public sealed class JobTelemetryTests
{
    private const string JobName = nameof(TracedJob) + "." + nameof(TracedJob.Run);
    private const string EnqueuerName = "Dropzone.Portal.Tests.Enqueuer";
    private static readonly ActivitySource Enqueuer = new(EnqueuerName);

    [Fact]
    public async Task EnqueuedJob_Performed_SpanContinuesTheEnqueuersTraceAndExecutionIsMeasured()
    {
        JobTelemetry.Install();
        var folder = TestFolder.Create();
        await using var host = await SetupHost.StartAsync(folder);
        var performed = new TaskCompletionSource<Activity>(TaskCreationOptions.RunContinuationsAsynchronously);
        using var tracer = new ActivityListener
        {
            ShouldListenTo = source => source.Name is "Dropzone.Portal.Jobs" or EnqueuerName,
            Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
            ActivityStopped = span =>
            {
                if (span.GetTagItem("dropzone.job.name") is JobName) performed.TrySetResult(span);
            },
        };
        ActivitySource.AddActivityListener(tracer);
        // The jobs' meter is a static one (no meter factory), hence no scope.
        using var executions = new MetricCollector<long>(null, "Dropzone.Portal.Jobs", "dropzone.jobs.executions");
        using var durations = new MetricCollector<double>(null, "Dropzone.Portal.Jobs", "dropzone.jobs.duration");

        ActivityTraceId trace;
        using (var request = Enqueuer.StartActivity("request"))
        {
            trace = request!.TraceId;
            host.Services.GetRequiredService<IBackgroundJobClient>().Enqueue(() => TracedJob.Run());
        }

        var span = await performed.Task.WaitAsync(TimeSpan.FromSeconds(60));
        Assert.Equal(trace, span.TraceId);
        Assert.Equal("job " + JobName, span.DisplayName);
        Assert.Equal("Succeeded", span.GetTagItem("dropzone.job.outcome"));
        Assert.NotNull(span.GetTagItem("dropzone.job.id"));
        // The measurements are taken before the span ends; other tests' jobs may be measured too.
        var execution = Assert.Single(executions.GetMeasurementSnapshot(), m => m.Tags["job"] is JobName);
        Assert.Equal(1, execution.Value);
        Assert.Equal("Succeeded", execution.Tags["outcome"]);
        Assert.Single(durations.GetMeasurementSnapshot(), m => m.Tags["job"] is JobName && m.Value >= 0);
        TestFolder.TryDelete(folder);
    }
}

/// <summary>A job of its own, so its span and measurements tell apart from other tests' jobs (Hangfire runs public methods only).</summary>
public static class TracedJob
{
    public static void Run()
    {
    }
}
