namespace Dropzone.Portal.Core.Audit;

/// <summary>Who acted: a signed-in user, a background job, or the portal itself.</summary>
public enum AuditActorKind
{
    User,
    Job,
    System,
}

/// <summary>How the recorded action ended.</summary>
public enum AuditOutcome
{
    Succeeded,
    Failed,
    Denied,
    Skipped,
}

/// <summary>
/// One line of the audit history. Append-only: rows are created by <see cref="AuditTrail"/> and chained by
/// <see cref="AuditChainInterceptor"/>; nothing in code updates or deletes them, and the database refuses to
/// (triggers created by the initial migration, see AuditTriggers). Setters are internal so only the chain code can set them.
/// </summary>
public sealed class AuditEntry
{
    public const int MaxIdLength = 200;
    public const int MaxDisplayLength = 400;
    public const int MaxTextLength = 8000;

    /// <summary>Chain order: 1, 2, 3 … with no gaps; also the primary key (SQLite rowid).</summary>
    public long Sequence { get; internal set; }

    /// <summary>UTC, whole microseconds, never earlier than the previous entry's time.</summary>
    public DateTime OccurredAt { get; internal set; }

    public AuditActorKind ActorKind { get; internal set; }

    /// <summary>Entra object id for a user, the job id for a job, a fixed name for the system.</summary>
    public string? ActorId { get; internal set; }

    public string? ActorUpn { get; internal set; }
    public string? ActorName { get; internal set; }

    /// <summary>A stable dotted name from <see cref="AuditActions"/>.</summary>
    public string Action { get; internal set; } = "";

    /// <summary>group, mailbox, run, request … (see <see cref="AuditTargetTypes"/>).</summary>
    public string? TargetType { get; internal set; }

    public string? TargetId { get; internal set; }
    public string? TargetDisplay { get; internal set; }

    /// <summary>The group the action concerns: drives owner scoping and the group filter.</summary>
    public string? GroupId { get; internal set; }

    public AuditOutcome Outcome { get; internal set; }

    /// <summary>The command as sent, already redacted by the caller.</summary>
    public string? Command { get; internal set; }

    /// <summary>What the tenant answered, or the error.</summary>
    public string? Answer { get; internal set; }

    public string? RunId { get; internal set; }
    public string? StepAttemptId { get; internal set; }
    public string? RequestId { get; internal set; }
    public string? TraceId { get; internal set; }
    public string? ClientIp { get; internal set; }

    /// <summary>Hash of the entry before this one (or of the archive cut, or the genesis value).</summary>
    public string PreviousHash { get; internal set; } = "";

    /// <summary>SHA-256 (lowercase hex) of <see cref="AuditChain"/>'s canonical form of this entry.</summary>
    public string Hash { get; internal set; } = "";
}
