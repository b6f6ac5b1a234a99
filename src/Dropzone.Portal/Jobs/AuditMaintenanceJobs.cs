using Dropzone.Portal.Core.Audit;
using Hangfire;
using Microsoft.Extensions.Options;

namespace Dropzone.Portal.Jobs;

/// <summary>
/// The audit history's start-up work and recurring jobs. At start-up the chain is verified since the newest
/// checkpoint (fast; a break is logged, recorded and shown as a red banner, and the portal still starts so people
/// can see it). Then: the tail is verified and checkpointed every <c>Audit:CheckpointSchedule</c>; the whole
/// chain every night (recorded and shown on the audit page); entries past <c>Audit:ArchiveAfterDays</c>, when
/// set, are archived nightly; the archive files are re-read monthly. A failed check fails its job.
/// </summary>
public sealed class AuditMaintenanceJobs(
    IRecurringJobManager recurringJobs, AuditIntegrityMonitor monitor, IOptions<AuditOptions> options, ILogger<AuditMaintenanceJobs> logger)
    : IHostedService
{
    public const string VerifyJobId = "audit-verify-chain";
    public const string CheckpointJobId = "audit-checkpoint";
    public const string ArchiveJobId = "audit-archive";
    public const string ArchiveVerifyJobId = "audit-verify-archives";

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        recurringJobs.AddOrUpdate<AuditJobs>(CheckpointJobId, j => j.VerifyTailAsync(CancellationToken.None), options.Value.CheckpointSchedule);
        recurringJobs.AddOrUpdate<AuditJobs>(VerifyJobId, j => j.VerifyChainAsync(CancellationToken.None), Cron.Daily(2));
        recurringJobs.AddOrUpdate<AuditJobs>(ArchiveJobId, j => j.ArchiveDueAsync(CancellationToken.None), Cron.Daily(3));
        recurringJobs.AddOrUpdate<AuditJobs>(ArchiveVerifyJobId, j => j.VerifyArchivesAsync(CancellationToken.None), Cron.Monthly(1, 4));
        try
        {
            await monitor.VerifyChainAsync(AuditActor.System, AuditVerificationScope.SinceCheckpoint, recordWhenIntact: false, cancellationToken: cancellationToken);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            // The portal still starts: people must be able to sign in and see what is wrong.
            logger.LogError(ex, "The audit chain could not be verified at start-up.");
        }
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
