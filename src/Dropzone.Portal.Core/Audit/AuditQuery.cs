namespace Dropzone.Portal.Core.Audit;

/// <summary>Filters of the audit page and of the exports; all optional and combined with AND.</summary>
public sealed record AuditFilter
{
    /// <summary>Inclusive lower bound, UTC.</summary>
    public DateTimeOffset? From { get; init; }

    /// <summary>Exclusive upper bound, UTC.</summary>
    public DateTimeOffset? To { get; init; }

    /// <summary>Exact actor: Entra object id, job id, or UPN (case-insensitive).</summary>
    public string? Actor { get; init; }

    public string? Action { get; init; }
    public string? GroupId { get; init; }
    public AuditOutcome? Outcome { get; init; }
    public string? RunId { get; init; }
    public string? RequestId { get; init; }

    /// <summary>Exact target id (a mailbox address, a group id …).</summary>
    public string? TargetId { get; init; }

    /// <summary>Substring (case-insensitive for ASCII) of the target, the command or the answer.</summary>
    public string? Text { get; init; }

    public static AuditFilter None { get; } = new();
}

/// <summary>Which groups' entries a viewer may see: all (admins, auditors) or only some (owners).</summary>
public sealed record AuditScope(IReadOnlySet<string>? GroupIds)
{
    public static AuditScope All { get; } = new((IReadOnlySet<string>?)null);

    public static AuditScope Groups(IEnumerable<string> groupIds) => new(groupIds.ToHashSet(StringComparer.Ordinal));
}

/// <summary>Sortable columns: each has an index ending in the sequence, so sorted first pages stay cheap.</summary>
public enum AuditSort
{
    Sequence,
    Action,
    Actor,
    Outcome,
    Group,
}

public sealed record AuditPageRequest(int Page = 0, int PageSize = 50, AuditSort Sort = AuditSort.Sequence, bool Descending = true);

/// <summary>
/// One page. <see cref="TotalCount"/> stops counting at the configured limit (<see cref="TotalIsLowerBound"/>);
/// <see cref="TextWindow"/> is set when free text was searched only in the newest entries of the other filters.
/// </summary>
public sealed record AuditPage(IReadOnlyList<AuditEntry> Items, int TotalCount, bool TotalIsLowerBound, int? TextWindow);
