using Dropzone.Portal.Jobs;

namespace Dropzone.Portal.Tests.Jobs;

public sealed class RecurringJobsTests : IClassFixture<PortalApplicationFactory>
{
    private readonly PortalApplicationFactory _factory;

    public RecurringJobsTests(PortalApplicationFactory factory) => _factory = factory;

    [Fact]
    public void Startup_RegistersTheRecurringMaintenanceJobs()
    {
        _ = _factory.Server;
        using var connection = _factory.Services.GetRequiredService<JobStorage>().GetConnection();

        var ids = connection.GetRecurringJobs().Select(j => j.Id).ToHashSet();

        Assert.Contains(AuditMaintenanceJobs.VerifyJobId, ids);
        Assert.Contains(AuditMaintenanceJobs.ArchiveJobId, ids);
        Assert.Contains(AuditMaintenanceJobs.ArchiveVerifyJobId, ids);
        Assert.Contains(GroupRecheckJob.RecurringJobId, ids);
    }
}
