using System.Diagnostics.Metrics;
using Hangfire.Client;
using Hangfire.Common;
using Hangfire.Server;

namespace Dropzone.Portal.Telemetry;

/// <summary>
/// Traces and measures background jobs: a span per execution (child of the request that enqueued it, whose
/// trace context travels as a job parameter) and counters by job and outcome. Hangfire's filters are
/// process-wide, so it is installed once per process.
/// </summary>
internal sealed class JobTelemetry : JobFilterAttribute, IClientFilter, IServerFilter
{
    public const string SourceName = "Dropzone.Portal.Jobs";
    public const string MeterName = "Dropzone.Portal.Jobs";

    // The W3C header's name, stored with the job, so the worker's span continues the enqueuing request's trace.
    private const string TraceParent = "traceparent";

    // Hangfire's filters share one item bag per execution, hence a name no other filter uses.
    private const string ExecutionKey = "Dropzone.Portal.Jobs.Execution";

    private static readonly ActivitySource Source = new(SourceName);
    private static readonly Meter Meter = new(MeterName);
    private static readonly Counter<long> Executions = Meter.CreateCounter<long>("dropzone.jobs.executions", "{execution}", "Background job executions, by job and outcome");
    private static readonly Histogram<double> Duration = Meter.CreateHistogram<double>("dropzone.jobs.duration", "ms", "Duration of a background job execution");
    private static readonly Lock InstallGate = new();
    private static bool _installed;

    public static void Install()
    {
        lock (InstallGate)
        {
            if (!_installed)
            {
                Hangfire.GlobalJobFilters.Filters.Add(new JobTelemetry());
                _installed = true;
            }
        }
    }

    public void OnCreating(CreatingContext context)
    {
        if (Activity.Current?.Id is { } parent)
        {
            context.SetJobParameter(TraceParent, parent);
        }
    }

    public void OnCreated(CreatedContext context)
    {
    }

    public void OnPerforming(PerformingContext context)
    {
        var job = Name(context.BackgroundJob.Job);
        ActivityContext.TryParse(context.GetJobParameter<string>(TraceParent), null, out var parent);
        var activity = Source.StartActivity("job " + job, ActivityKind.Internal, parent);
        activity?.SetTag("dropzone.job.name", job);
        activity?.SetTag("dropzone.job.id", context.BackgroundJob.Id);
        context.Items[ExecutionKey] = new Execution(activity, Stopwatch.GetTimestamp());
    }

    public void OnPerformed(PerformedContext context)
    {
        var job = Name(context.BackgroundJob.Job);
        var failed = context.Exception is not null && !context.ExceptionHandled;
        var outcome = context.Canceled ? "Canceled" : failed ? "Failed" : "Succeeded";
        var tags = new TagList { { "job", job }, { "outcome", outcome } };
        Executions.Add(1, tags);
        if (!context.Items.TryGetValue(ExecutionKey, out var item) || item is not Execution execution)
        {
            return;
        }
        Duration.Record(Stopwatch.GetElapsedTime(execution.Started).TotalMilliseconds, tags);
        if (execution.Activity is { } activity)
        {
            activity.SetTag("dropzone.job.outcome", outcome);
            if (failed)
            {
                activity.SetStatus(ActivityStatusCode.Error, context.Exception!.GetType().Name);
            }
            activity.Dispose();
        }
    }

    private static string Name(Job? job) => job is null ? "unknown" : $"{job.Type.Name}.{job.Method.Name}";

    /// <summary>What <see cref="OnPerforming"/> hands to <see cref="OnPerformed"/> through the context's items.</summary>
    private sealed record Execution(Activity? Activity, long Started);
}
