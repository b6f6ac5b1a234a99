using Dropzone.Portal.Jobs;

namespace Dropzone.Portal.Tests.Jobs;

/// <summary>A run the admin applies begins at once on the instance that took the Apply, beside its queued job.</summary>
public sealed class ImmediateRunStartTests
{
    [Fact]
    public async Task Apply_QueuePolledOnlyHourly_RunBeginsAtOnceAndEachStepRunsOnce()
    {
        var folder = TestFolder.Create();
        // The workers look at the queue once at start and then once an hour: only the immediate start can run it.
        await using var host = await SetupHost.StartAsync(folder, new Dictionary<string, string?> { ["Jobs:QueuePollInterval"] = "01:00:00" });
        var done = new TaskCompletionSource<SetupRunState>(TaskCreationOptions.RunContinuationsAsynchronously);
        host.Services.GetRequiredService<IRunProgressNotifier>().Progress += p =>
        {
            if (p.RunState is SetupRunState.Succeeded or SetupRunState.Failed or SetupRunState.Cancelled) done.TrySetResult(p.RunState);
        };

        var runId = await host.Services.GetRequiredService<ISetupRunLauncher>()
            .StartAsync(DemoSetups.Request("at-once", [DemoTenant.OwnerUpn, DemoTenant.PlainUserUpn]), DemoSetups.Admin);

        Assert.Equal(SetupRunState.Succeeded, await done.Task.WaitAsync(TimeSpan.FromSeconds(60)));
        await using var db = await host.Services.GetRequiredService<IDbContextFactory<PortalDbContext>>().CreateDbContextAsync();
        var attemptsPerStep = await db.StepAttempts.Where(a => a.RunId == runId).GroupBy(a => a.StepId).Select(g => g.Count()).ToListAsync();
        Assert.NotEmpty(attemptsPerStep);
        Assert.All(attemptsPerStep, count => Assert.Equal(1, count));
        // The run's job was queued too, the durable path (a worker whose first look came late may have run it already,
        // to find the run leased or done).
        var jobs = host.Services.GetRequiredService<Hangfire.JobStorage>().GetMonitoringApi();
        Assert.Equal(1, jobs.EnqueuedCount("default") + jobs.ProcessingCount() + jobs.SucceededListCount());
        TestFolder.TryDelete(folder);
    }

    [Fact]
    public async Task InstanceThatRunsNoJobs_BeginsNoRunItself()
    {
        var folder = TestFolder.Create();
        await using var host = await SetupHost.StartAsync(folder, new Dictionary<string, string?> { ["Jobs:RunServer"] = "false" });

        Assert.Null(host.Services.GetService<ImmediateRunStart>());
        TestFolder.TryDelete(folder);
    }
}
