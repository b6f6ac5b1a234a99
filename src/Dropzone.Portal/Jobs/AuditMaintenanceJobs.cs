using Dropzone.Portal.Core.Audit;
using Hangfire;

namespace Dropzone.Portal.Jobs;

/// <summary>
/// Registers the audit history's recurring jobs at start-up: the chain is verified every night (the result is
/// itself audited and shown on the audit page); entries past <c>Audit:ArchiveAfterDays</c>, when set, are
/// moved to archive files nightly; the archive files' chain is re-read monthly.
/// </summary>
public sealed class AuditMaintenanceJobs(IRecurringJobManager recurringJobs) : IHostedService
{
    public const string VerifyJobId = "audit-verify-chain";
    public const string ArchiveJobId = "audit-archive";
    public const string ArchiveVerifyJobId = "audit-verify-archives";

    public Task StartAsync(CancellationToken cancellationToken)
    {
        recurringJobs.AddOrUpdate<AuditJobs>(VerifyJobId, j => j.VerifyChainAsync(CancellationToken.None), Cron.Daily(2));
        recurringJobs.AddOrUpdate<AuditJobs>(ArchiveJobId, j => j.ArchiveDueAsync(CancellationToken.None), Cron.Daily(3));
        recurringJobs.AddOrUpdate<AuditJobs>(ArchiveVerifyJobId, j => j.VerifyArchivesAsync(CancellationToken.None), Cron.Monthly(1, 4));
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
