namespace Dropzone.Portal.Features.Audit;

/// <summary>
/// Verifies the audit chain since the newest checkpoint when the portal starts (fast: only what was appended since).
/// A break is logged, recorded and shown as the red banner; the portal still starts, so people can see it.
/// </summary>
public sealed class AuditStartupVerification(AuditIntegrityMonitor monitor, ILogger<AuditStartupVerification> logger) : IHostedService
{
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        try
        {
            await monitor.VerifyChainAsync(AuditActor.System, AuditVerificationScope.SinceCheckpoint, recordWhenIntact: false, cancellationToken: cancellationToken);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            logger.LogError(ex, "The audit chain could not be verified at start-up.");
        }
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
