using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;

namespace Dropzone.Portal.Core.Audit;

public static class AuditServiceCollectionExtensions
{
    /// <summary>
    /// The audit history: <see cref="AuditTrail"/> (write path), <see cref="AuditQueryService"/>,
    /// <see cref="AuditVerifier"/>, <see cref="AuditArchiver"/> and <see cref="AuditJobs"/>, with the
    /// <c>Audit</c> settings. Needs an <c>IDbContextFactory&lt;PortalDbContext&gt;</c>.
    /// </summary>
    public static IHostApplicationBuilder AddAudit(this IHostApplicationBuilder builder)
    {
        builder.Services.AddOptions<AuditOptions>().Bind(builder.Configuration.GetSection(AuditOptions.SectionName));
        builder.Services.TryAddSingleton(TimeProvider.System);
        builder.Services.AddSingleton<AuditTrail>();
        builder.Services.AddSingleton<AuditQueryService>();
        builder.Services.AddSingleton<AuditVerifier>();
        builder.Services.AddSingleton<AuditArchiver>();
        builder.Services.AddSingleton<AuditJobs>();
        return builder;
    }
}

/// <summary>Plain methods for the jobs feature to schedule (for example daily): verify, then archive what is due.</summary>
public sealed class AuditJobs(AuditVerifier verifier, AuditArchiver archiver)
{
    public const string JobId = "audit-maintenance";

    public Task<AuditVerificationResult> VerifyChainAsync(CancellationToken cancellationToken = default) =>
        verifier.VerifyAndRecordAsync(AuditActor.Job(JobId, "Audit verification"), cancellationToken: cancellationToken);

    public Task<AuditArchiveCut?> ArchiveDueAsync(CancellationToken cancellationToken = default) =>
        archiver.ArchiveDueAsync(cancellationToken);

    /// <summary>Re-reads the archive files and checks their chain up to the newest cut (occasional, e.g. monthly).</summary>
    public Task<AuditVerificationResult> VerifyArchivesAsync(CancellationToken cancellationToken = default) =>
        archiver.VerifyArchivesAsync(cancellationToken);
}
