namespace Dropzone.Portal.Tests.Setup;

public sealed class SetupRunRecoveryTests
{
    [Fact]
    public async Task StartAsync_HostStoppedMidStep_RunCompletesAfterRestartWithoutDuplicates()
    {
        var folder = TestFolder.Create();
        // A lease far longer than the test's wait: the restarted host must take the run over because the first
        // instance is gone (its heartbeat row removed on stop), not because its lease expired.
        var settings = new Dictionary<string, string?> { ["Setup:LeaseDuration"] = "00:10:00" };
        var first = await SetupHost.StartAsync(folder, settings);
        var tenant = first.Tenant;
        tenant.SetFaults(tenant.Faults with { Latency = TimeSpan.FromMilliseconds(400) });
        var inGroupStep = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        first.Services.GetRequiredService<IRunProgressNotifier>().Progress += p =>
        {
            if (p.StepIndex == 1 && p.StepState == SetupStepState.Running)
            {
                inGroupStep.TrySetResult();
            }
        };
        var request = DemoSetups.Request("crash-scope", [DemoTenant.OwnerUpn, DemoTenant.PlainUserUpn], displayName: "Crash test scope");
        var runId = await first.Services.GetRequiredService<ISetupRunLauncher>().StartAsync(request, DemoSetups.Admin);
        if (await Task.WhenAny(inGroupStep.Task, Task.Delay(TimeSpan.FromSeconds(20))) != inGroupStep.Task)
        {
            await using var probe = await first.Services.GetRequiredService<IDbContextFactory<PortalDbContext>>().CreateDbContextAsync();
            var r = await probe.SetupRuns.Include(x => x.Steps).SingleAsync(x => x.Id == runId);
            var monitor = first.Services.GetRequiredService<Hangfire.JobStorage>().GetMonitoringApi();
            var failed = string.Join(" | ", monitor.FailedJobs(0, 5).Select(j => j.Value.ExceptionMessage));
            Assert.Fail($"run {r.State} step {r.CurrentStep} lease {r.LeaseOwner}: " + string.Join("; ", r.Steps.OrderBy(x => x.Index).Select(x => $"{x.Kind} {x.State} {x.Summary}"))
                + $" | jobs: enqueued {monitor.EnqueuedCount("default")}, processing {monitor.ProcessingCount()}, scheduled {monitor.ScheduledCount()}, failed {monitor.FailedCount()}, servers {monitor.Servers().Count} {failed}");
        }

        await first.StopAbruptlyAsync();

        tenant.SetFaults(tenant.Faults with { Latency = TimeSpan.Zero });
        await using var second = await SetupHost.StartAsync(folder, settings, tenant);
        var done = new TaskCompletionSource<SetupRunState>(TaskCreationOptions.RunContinuationsAsynchronously);
        second.Services.GetRequiredService<IRunProgressNotifier>().Progress += p =>
        {
            if (p.RunId == runId && p.RunState is SetupRunState.Succeeded or SetupRunState.Failed or SetupRunState.Cancelled)
            {
                done.TrySetResult(p.RunState);
            }
        };
        var factory = second.Services.GetRequiredService<IDbContextFactory<PortalDbContext>>();
        await using (var check = await factory.CreateDbContextAsync())
        {
            var state = await check.SetupRuns.Where(r => r.Id == runId).Select(r => r.State).SingleAsync();
            if (state == SetupRunState.Succeeded)
            {
                done.TrySetResult(state);
            }
        }

        if (await Task.WhenAny(done.Task, Task.Delay(TimeSpan.FromSeconds(30))) != done.Task)
        {
            await using var probe = await factory.CreateDbContextAsync();
            var r = await probe.SetupRuns.Include(x => x.Steps).SingleAsync(x => x.Id == runId);
            Assert.Fail($"after restart: run {r.State} step {r.CurrentStep} lease {r.LeaseOwner} {r.LeaseExpiresAt:O} next {r.NextAttemptAt:O} now {DateTime.UtcNow:O}: " + string.Join("; ", r.Steps.OrderBy(x => x.Index).Select(x => $"{x.Kind} {x.State} {x.Attempts} {x.Summary}")));
        }

        Assert.Equal(SetupRunState.Succeeded, await done.Task);

        var snapshot = new TenantEmulator.Control.ControlService(tenant, new TenantEmulator.EmulatorOptions()).Snapshot();
        Assert.Single(snapshot["groups"]!.AsArray(), g => g!["primarySmtpAddress"]!.GetValue<string>() == request.GroupAddress);
        Assert.Single(snapshot["policies"]!.AsArray(), p => p!["appId"]!.GetValue<string>() == DemoTenant.RestrictedAppId);
        await using var db = await factory.CreateDbContextAsync();
        var attempts = await db.StepAttempts.Where(a => a.RunId == runId).ToListAsync();
        var audited = await db.AuditEntries.Where(e => e.RunId == runId.ToString() && e.StepAttemptId != null).Select(e => e.StepAttemptId).ToListAsync();
        Assert.Contains(attempts, a => a.Answer != null && a.Answer.Contains("Interrupted", StringComparison.Ordinal));
        Assert.All(attempts, a => Assert.Contains(a.Id.ToString(), audited));
        Assert.DoesNotContain(attempts, a => a.Outcome == StepAttemptOutcome.Running);
        TestFolder.TryDelete(folder);
    }
}
