using Hangfire;

namespace Dropzone.Portal.Core.Requests;

/// <summary>Where approved requests go to be applied; an interface so tests can apply them in-line.</summary>
public interface IMemberRequestQueue
{
    void EnqueueApply(Guid requestId);
}

/// <summary>Hangfire: the apply job survives a restart, and a failed run is visible on the jobs dashboard.</summary>
public sealed class HangfireMemberRequestQueue(IBackgroundJobClient jobs) : IMemberRequestQueue
{
    public void EnqueueApply(Guid requestId) =>
        jobs.Enqueue<MemberRequestApplier>(applier => applier.ApplyAsync(requestId, CancellationToken.None));
}

/// <summary>
/// The recurring sweep: expires pending requests nobody decided in time, and queues again approved requests
/// whose job was lost (the process stopped between the commit and the enqueue).
/// </summary>
public sealed partial class MemberRequestSweep(
    IDbContextFactory<PortalDbContext> dbFactory,
    AuditTrail audit,
    IMemberRequestQueue queue,
    RequestNotifier notifier,
    MemberRequestEvents events,
    TimeProvider time,
    IOptions<MemberRequestOptions> options,
    ILogger<MemberRequestSweep> logger)
{
    public const string RecurringJobId = "member-requests-sweep";

    private static readonly AuditActor Actor = AuditActor.Job(RecurringJobId, "Membership request expiry");

    public async Task<int> RunAsync(CancellationToken cancellationToken = default)
    {
        var expired = await ExpireAsync(cancellationToken);
        await RequeueStuckAsync(cancellationToken);
        return expired;
    }

    /// <summary>Expires pending requests older than <see cref="MemberRequestOptions.ExpireAfterDays"/>; returns how many.</summary>
    public async Task<int> ExpireAsync(CancellationToken cancellationToken = default)
    {
        var maximumAge = options.Value.ExpireAfter;
        var now = time.GetUtcNow();
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        // Filtered by age in memory: SQLite cannot compare DateTimeOffset values, and pending requests are few.
        var pending = await db.MemberRequests.Where(r => r.State == MemberRequestState.Pending).ToListAsync(cancellationToken);
        var due = pending.Where(r => r.ExpireIfOlderThan(maximumAge, now)).ToList();
        if (due.Count == 0)
        {
            return 0;
        }
        var groupIds = due.Select(r => r.GroupId).Distinct().ToList();
        var groups = await db.ManagedGroups.AsNoTracking().Where(g => groupIds.Contains(g.Id)).ToDictionaryAsync(g => g.Id, cancellationToken);
        foreach (var request in due)
        {
            audit.Record(db, new AuditEvent(AuditActions.RequestExpired, Actor)
            {
                Target = AuditTarget.Mailbox(request.MailboxAddress),
                GroupId = request.GroupId.ToString(),
                RequestId = request.Id.ToString(),
                Answer = $"Not decided within {options.Value.ExpireAfterDays} days.",
            });
        }
        await AuditTrail.SaveChangesAsync(db, cancellationToken);
        LogExpired(logger, due.Count);
        foreach (var request in due)
        {
            events.Publish(new(request.Id, request.GroupId, request.State));
            await notifier.RequestExpiredAsync(request, groups[request.GroupId], cancellationToken);
        }
        return due.Count;
    }

    private async Task RequeueStuckAsync(CancellationToken cancellationToken)
    {
        var cutoff = time.GetUtcNow() - options.Value.RequeueApprovedAfter;
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var approved = await db.MemberRequests.AsNoTracking().Where(r => r.State == MemberRequestState.Approved).ToListAsync(cancellationToken);
        foreach (var request in approved.Where(r => r.UpdatedAt < cutoff))
        {
            queue.EnqueueApply(request.Id);
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "{Count} pending request(s) expired")]
    private static partial void LogExpired(ILogger logger, int count);
}
