namespace Dropzone.Portal.Core.Audit;

/// <summary>The latest check of the chain or of the archives, as shown to people.</summary>
public sealed record AuditCheck(bool Intact, string Summary, DateTimeOffset CheckedAt, string By);

/// <summary>What the red banner and the audit page show: the latest chain and archive checks (null: never checked).</summary>
public sealed record AuditIntegrityState(AuditCheck? Chain, AuditCheck? Archives)
{
    public bool Broken => Chain is { Intact: false } || Archives is { Intact: false };
}

/// <summary>Thrown by the scheduled checks when the audit fails verification, so the job ends as failed.</summary>
public sealed class AuditIntegrityException(string message) : Exception(message);

/// <summary>
/// Runs the chain and archive checks and makes their outcome visible: an intact chain's head becomes a checkpoint
/// (file and log); a failure is logged as an error and recorded as a failed <see cref="AuditActions.AuditVerified"/>
/// entry; the latest outcome of each check is kept for the banner and the page until a later check replaces it.
/// </summary>
public sealed class AuditIntegrityMonitor(
    IDbContextFactory<PortalDbContext> dbFactory, AuditTrail trail, AuditVerifier verifier, AuditArchiver archiver,
    AuditCheckpointLog checkpoints, ILogger<AuditIntegrityMonitor> logger)
{
    public const string ChainTarget = "chain";
    public const string ArchivesTarget = "archives";

    private volatile AuditCheck? _chain;
    private volatile AuditCheck? _archives;

    /// <summary>
    /// Verifies the chain, checkpoints an intact head, and records the result (a failure always; an intact result
    /// when <paramref name="recordWhenIntact"/>, so frequent tail checks do not fill the history).
    /// </summary>
    public async Task<AuditVerificationResult> VerifyChainAsync(
        AuditActor actor, AuditVerificationScope scope = AuditVerificationScope.Full, bool recordWhenIntact = true,
        string? traceId = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(actor);
        var result = await verifier.VerifyAsync(scope, cancellationToken);
        if (result.Intact)
        {
            logger.LogInformation("Audit chain verified: {Summary}; head {HeadSequence} {HeadHash}", result.Summary, result.HeadSequence, result.HeadHash);
            var latest = await checkpoints.LatestAsync(cancellationToken);
            if (result.HeadSequence > 0 && latest?.Sequence != result.HeadSequence)
            {
                await checkpoints.AppendAsync(result.HeadSequence, result.HeadHash, cancellationToken);
            }
        }
        else
        {
            logger.LogError("Audit chain broken at {Sequence}: {Break} ({Detail})", result.BrokenAtSequence, result.Break, result.Detail);
        }
        _chain = new AuditCheck(result.Intact, result.Summary, result.VerifiedAt, NameOf(actor));
        if (!result.Intact || recordWhenIntact) await RecordAsync(actor, ChainTarget, "Audit chain", result, traceId, cancellationToken);
        return result;
    }

    /// <summary>Re-reads the archive files against their cuts and records the result either way.</summary>
    public async Task<AuditVerificationResult> VerifyArchivesAsync(AuditActor actor, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(actor);
        var result = await archiver.VerifyArchivesAsync(cancellationToken);
        if (result.Intact) logger.LogInformation("Audit archives verified: {Summary}", result.Summary);
        else logger.LogError("Audit archive check failed at {Sequence}: {Break} ({Detail})", result.BrokenAtSequence, result.Break, result.Detail);
        _archives = new AuditCheck(result.Intact, result.Summary, result.VerifiedAt, NameOf(actor));
        await RecordAsync(actor, ArchivesTarget, "Audit archives", result, null, cancellationToken);
        return result;
    }

    /// <summary>The latest checks: those run by this process, else the newest recorded ones.</summary>
    public async Task<AuditIntegrityState> GetStateAsync(CancellationToken cancellationToken = default)
    {
        if (_chain is not null && _archives is not null) return new AuditIntegrityState(_chain, _archives);
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        return new AuditIntegrityState(
            _chain ?? await LastRecordedAsync(db, ChainTarget, cancellationToken),
            _archives ?? await LastRecordedAsync(db, ArchivesTarget, cancellationToken));
    }

    private static async Task<AuditCheck?> LastRecordedAsync(PortalDbContext db, string target, CancellationToken cancellationToken)
    {
        var entry = await db.AuditEntries.AsNoTracking()
            .Where(e => e.Action == AuditActions.AuditVerified && e.TargetId == target)
            .OrderByDescending(e => e.Sequence).FirstOrDefaultAsync(cancellationToken);
        return entry is null ? null : new AuditCheck(
            entry.Outcome == AuditOutcome.Succeeded, entry.Answer ?? "", new DateTimeOffset(entry.OccurredAt, TimeSpan.Zero),
            entry.ActorUpn ?? entry.ActorName ?? entry.ActorId ?? "");
    }

    private async Task RecordAsync(AuditActor actor, string target, string display, AuditVerificationResult result, string? traceId, CancellationToken cancellationToken)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        trail.Record(db, new AuditEvent(AuditActions.AuditVerified, actor, result.Intact ? AuditOutcome.Succeeded : AuditOutcome.Failed)
        {
            Target = new AuditTarget(AuditTargetTypes.Audit, target, display),
            Answer = result.Summary,
            TraceId = traceId,
        });
        await AuditTrail.SaveChangesAsync(db, cancellationToken);
    }

    private static string NameOf(AuditActor actor) => actor.Upn ?? actor.DisplayName ?? actor.Id ?? actor.Kind.ToString();
}
