namespace Dropzone.Portal.Core.Audit;

public static class AuditServiceCollectionExtensions
{
    /// <summary>
    /// The audit history: <see cref="AuditTrail"/> (write path), <see cref="AuditQueryService"/>,
    /// <see cref="AuditVerifier"/>, <see cref="AuditArchiver"/>, <see cref="AuditIntegrityMonitor"/> and
    /// <see cref="AuditJobs"/>, with the <c>Audit</c> settings and the chain key (<see cref="AuditChainKeySource"/>),
    /// which every <see cref="PortalDbContext"/> from the container carries. Needs an
    /// <c>IDbContextFactory&lt;PortalDbContext&gt;</c>.
    /// </summary>
    public static IHostApplicationBuilder AddAudit(this IHostApplicationBuilder builder)
    {
        var configuration = builder.Configuration;
        var contentRoot = builder.Environment.ContentRootPath;
        builder.Services.AddOptions<AuditOptions>().Bind(configuration.GetSection(AuditOptions.SectionName))
            .PostConfigure(options => options.CheckpointFile = string.IsNullOrWhiteSpace(options.CheckpointFile)
                ? Path.Combine(PortalDatabaseDefaults.DataFolderOf(configuration, contentRoot), "audit-checkpoints.jsonl")
                : Path.GetFullPath(options.CheckpointFile, contentRoot));
        builder.Services.TryAddSingleton(TimeProvider.System);
        var environment = builder.Environment;
        builder.Services.AddSingleton(_ => AuditChainKeySource.Resolve(configuration, environment));
        builder.Services.ConfigureDbContext<PortalDbContext>((services, options) =>
            options.UseAuditChainKey(services.GetRequiredService<AuditChainKey>()));
        builder.Services.AddSingleton<AuditTrail>();
        builder.Services.AddSingleton<AuditQueryService>();
        builder.Services.AddSingleton<AuditCheckpointLog>();
        builder.Services.AddSingleton<AuditVerifier>();
        builder.Services.AddSingleton<AuditArchiver>();
        builder.Services.AddSingleton<AuditIntegrityMonitor>();
        builder.Services.AddSingleton<AuditJobs>();
        return builder;
    }
}

/// <summary>
/// Plain methods for the jobs feature to schedule. The checks throw <see cref="AuditIntegrityException"/> when the
/// audit fails them, so the job ends as failed (after the monitor has logged, recorded and flagged it).
/// </summary>
public sealed class AuditJobs(AuditIntegrityMonitor monitor, AuditArchiver archiver)
{
    public const string JobId = "audit-maintenance";

    /// <summary>The whole chain (nightly).</summary>
    public async Task<AuditVerificationResult> VerifyChainAsync(CancellationToken cancellationToken = default) =>
        Ensure(await monitor.VerifyChainAsync(AuditActor.Job(JobId, "Audit verification"), cancellationToken: cancellationToken));

    /// <summary>What was appended since the newest checkpoint, then a new checkpoint (frequent, and at start-up).</summary>
    public async Task<AuditVerificationResult> VerifyTailAsync(CancellationToken cancellationToken = default) =>
        Ensure(await monitor.VerifyChainAsync(AuditActor.Job(JobId, "Audit checkpoint"), AuditVerificationScope.SinceCheckpoint,
            recordWhenIntact: false, cancellationToken: cancellationToken));

    public Task<AuditArchiveCut?> ArchiveDueAsync(CancellationToken cancellationToken = default) =>
        archiver.ArchiveDueAsync(cancellationToken);

    /// <summary>Re-reads the archive files and checks their chain up to the newest cut (occasional, e.g. monthly).</summary>
    public async Task<AuditVerificationResult> VerifyArchivesAsync(CancellationToken cancellationToken = default) =>
        Ensure(await monitor.VerifyArchivesAsync(AuditActor.Job(JobId, "Audit archive check"), cancellationToken));

    private static AuditVerificationResult Ensure(AuditVerificationResult result) =>
        result.Intact ? result : throw new AuditIntegrityException(result.Summary);
}
