using Dropzone.Portal.Core.Setup.Steps;

namespace Dropzone.Portal.Features.Runs;

public static class SetupRunsRegistration
{
    /// <summary>
    /// Setup runs: launcher, engine, verification and drift re-checks, read service, diagnostics, script renderer,
    /// the progress notifier, the Hangfire jobs that drive them, start-up recovery of unfinished runs, this instance's
    /// heartbeat and the takeover of gone instances' runs (decision 015), and the admin actions of the run page. Settings: the <c>Setup</c> section (<see cref="SetupOptions"/>). Needs the
    /// tenant clients, the portal database and Hangfire (AddPortalJobs, which also schedules the re-check).
    /// </summary>
    public static IHostApplicationBuilder AddSetupRuns(this IHostApplicationBuilder builder)
    {
        var services = builder.Services;
        services.AddOptions<SetupOptions>().Bind(builder.Configuration.GetSection(SetupOptions.SectionName))
            .Validate(o => o.BulkMemberThreshold >= 1, "Setup:BulkMemberThreshold must be at least 1.")
            .Validate(o => o.MemberCallConcurrency >= 1, "Setup:MemberCallConcurrency must be at least 1.")
            .Validate(o => o.LeaseDuration > TimeSpan.Zero, "Setup:LeaseDuration must be positive.")
            .Validate(o => o.LeaseRenewInterval > TimeSpan.Zero && o.LeaseRenewInterval * 2 <= o.LeaseDuration,
                "Setup:LeaseRenewInterval must be positive and at most half of Setup:LeaseDuration.")
            .Validate(o => o.InstanceHeartbeatInterval > TimeSpan.Zero && o.InstanceHeartbeatInterval * 2 <= o.InstanceStaleAfter,
                "Setup:InstanceHeartbeatInterval must be positive and at most half of Setup:InstanceStaleAfter.");
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton<AuditTrail>();
        services.TryAddSingleton<IRunProgressNotifier, RunProgressNotifier>();
        services.AddSetupSteps();
        services.TryAddSingleton<SetupScriptRenderer>();
        services.TryAddSingleton<ISetupRunScheduler, HangfireSetupRunScheduler>();
        // One identity per host: a restarted process (or a second host in one process) is another instance.
        services.TryAddSingleton(_ => PortalInstanceIdentity.ForThisProcess());
        services.TryAddTransient<InstanceRegistry>();
        services.TryAddTransient<RunTakeover>();
        // Transient: they hold typed HttpClients, which must not be captured for the life of the process.
        services.TryAddTransient<SetupRunEngine>();
        services.TryAddTransient<ISetupRunLauncher, SetupRunLauncher>();
        services.TryAddTransient<SetupRunReader>();
        services.TryAddTransient<SetupDiagnostics>();
        services.TryAddTransient<GroupOwnerChange>();
        services.TryAddTransient<FailedSetupChanges>();
        // A failed setup's corrected names are checked against Exchange as the wizard checks them.
        services.TryAddTransient<SetupWizardService>();
        services.TryAddTransient<GroupRechecker>();
        services.TryAddTransient<SetupRunJob>();
        services.TryAddTransient<GroupRecheckJob>();
        services.AddHostedService<SetupRunRecovery>();
        services.AddHostedService<InstanceHeartbeatService>();
        // The run page's actions check the admin policy themselves.
        services.AddAuthorizationCore();
        services.AddScoped<SetupRunActions>();
        return builder;
    }
}
