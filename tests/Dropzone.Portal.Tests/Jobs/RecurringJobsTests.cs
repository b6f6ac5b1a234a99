using Dropzone.Portal.Jobs;

namespace Dropzone.Portal.Tests.Jobs;

public sealed class RecurringJobsTests(PortalApplicationFactory factory) : IClassFixture<PortalApplicationFactory>
{
    [Fact]
    public void Startup_RegistersTheRecurringMaintenanceJobs()
    {
        _ = factory.Server;
        using var connection = factory.Services.GetRequiredService<JobStorage>().GetConnection();

        var ids = connection.GetRecurringJobs().Select(j => j.Id).ToHashSet();

        Assert.Contains(RecurringJobs.AuditCheckpointId, ids);
        Assert.Contains(RecurringJobs.AuditVerifyChainId, ids);
        Assert.Contains(RecurringJobs.AuditArchiveId, ids);
        Assert.Contains(RecurringJobs.AuditVerifyArchivesId, ids);
        Assert.Contains(GroupRecheckJob.RecurringJobId, ids);
    }

    [Fact]
    public void Startup_EveryDeclaredJobScheduledWithTheDefaultsOfAppSettings()
    {
        _ = factory.Server;
        using var connection = factory.Services.GetRequiredService<JobStorage>().GetConnection();

        var crons = connection.GetRecurringJobs().ToDictionary(j => j.Id, j => j.Cron);

        Assert.Equal(
            new Dictionary<string, string>
            {
                [RecurringJobs.GroupsRecheckId] = "*/5 * * * *",
                [RecurringJobs.GroupOwnersRefreshId] = "*/5 * * * *",
                [RecurringJobs.RequestsSweepId] = "*/15 * * * *",
                [RecurringJobs.AuditCheckpointId] = "*/15 * * * *",
                [RecurringJobs.AuditVerifyChainId] = "0 2 * * *",
                [RecurringJobs.AuditArchiveId] = "0 3 * * *",
                [RecurringJobs.AuditVerifyArchivesId] = "0 4 1 * *",
            },
            crons);
    }

    [Fact]
    public void Startup_ScheduleSetInSettings_JobRunsOnIt()
    {
        using var factory = new PortalApplicationFactory();
        factory.WithSetting("Jobs:Recurring:GroupsRecheck", "*/10 * * * *");
        _ = factory.Server;
        using var connection = factory.Services.GetRequiredService<JobStorage>().GetConnection();

        var recheck = connection.GetRecurringJobs().Single(j => j.Id == RecurringJobs.GroupsRecheckId);

        Assert.Equal("*/10 * * * *", recheck.Cron);
    }

    [Fact]
    public void Validate_NotACronExpression_NamesTheSetting()
    {
        var options = new RecurringJobsOptions { RequestsSweep = "every quarter hour", AuditArchive = "0 3 * *" };

        Assert.Equal(["Jobs:Recurring:RequestsSweep", "Jobs:Recurring:AuditArchive"], options.Invalid());
        Assert.Empty(new RecurringJobsOptions().Invalid());
    }

    [Fact]
    public void Startup_InvalidSchedule_RefusesToStartNamingTheSetting()
    {
        using var factory = new PortalApplicationFactory();
        factory.WithSetting("Jobs:Recurring:RequestsSweep", "often");

        var ex = Assert.ThrowsAny<Exception>(() => factory.Server);

        var validation = Assert.IsType<OptionsValidationException>(ex is OptionsValidationException ? ex : ex.InnerException ?? ex);
        Assert.Contains("Jobs:Recurring:RequestsSweep", validation.Message, StringComparison.Ordinal);
    }
}
