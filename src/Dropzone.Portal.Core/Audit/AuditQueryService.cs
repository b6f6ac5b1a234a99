using Dropzone.Portal.Core.Data;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace Dropzone.Portal.Core.Audit;

/// <summary>
/// Reads the audit history for the page and the exports. Designed for a million rows on SQLite:
/// <list type="bullet">
/// <item>A time range becomes a sequence range (time never decreases along the chain), found with two seeks on
/// the time index, so every query is a range over the primary key or over a (column, Sequence) index.</item>
/// <item>Pages use OFFSET over an index ordered like the page, so the first pages read one page of rows.</item>
/// <item>Counts stop at <see cref="AuditOptions.CountLimit"/>.</item>
/// <item>Free text is a LIKE scan, bounded on the page to the newest <see cref="AuditOptions.FreeTextWindow"/>
/// entries of the other filters; exports scan everything they are asked for (they stream, so time is the only cost).</item>
/// </list>
/// </summary>
public sealed class AuditQueryService(IDbContextFactory<PortalDbContext> dbFactory, IOptions<AuditOptions> options)
{
    public async Task<AuditPage> GetPageAsync(AuditFilter filter, AuditScope scope, AuditPageRequest request, CancellationToken cancellationToken = default)
    {
        var limits = options.Value;
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var query = await FilterAsync(db, filter with { Text = null }, scope, cancellationToken);
        int? window = null;
        if (!string.IsNullOrWhiteSpace(filter.Text))
        {
            var floor = await query.OrderByDescending(e => e.Sequence).Select(e => e.Sequence)
                .Skip(limits.FreeTextWindow - 1).FirstOrDefaultAsync(cancellationToken);
            if (floor > 0)
            {
                query = query.Where(e => e.Sequence >= floor);
                window = limits.FreeTextWindow;
            }
            query = ApplyText(query, filter.Text);
        }

        var count = await query.Take(limits.CountLimit + 1).CountAsync(cancellationToken);
        var items = await Sort(query, request.Sort, request.Descending)
            .Skip(Math.Max(0, request.Page) * request.PageSize)
            .Take(request.PageSize)
            .ToListAsync(cancellationToken);
        return new AuditPage(items, Math.Min(count, limits.CountLimit), count > limits.CountLimit, window);
    }

    public async Task<AuditEntry?> GetAsync(long sequence, AuditScope scope, CancellationToken cancellationToken = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var query = ApplyScope(db.AuditEntries.AsNoTracking(), scope);
        return await query.FirstOrDefaultAsync(e => e.Sequence == sequence, cancellationToken);
    }

    /// <summary>Every matching entry in chain order, streamed: for the exports.</summary>
    public async IAsyncEnumerable<AuditEntry> StreamAsync(
        AuditFilter filter, AuditScope scope, [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var query = await FilterAsync(db, filter, scope, cancellationToken);
        await foreach (var entry in query.OrderBy(e => e.Sequence).AsAsyncEnumerable().WithCancellation(cancellationToken))
        {
            yield return entry;
        }
    }

    private static async Task<IQueryable<AuditEntry>> FilterAsync(PortalDbContext db, AuditFilter filter, AuditScope scope, CancellationToken cancellationToken)
    {
        var query = ApplyScope(db.AuditEntries.AsNoTracking(), scope);
        if (filter.From is { } from)
        {
            var fromTime = from.UtcDateTime;
            var first = await db.AuditEntries.Where(e => e.OccurredAt >= fromTime).OrderBy(e => e.OccurredAt)
                .Select(e => (long?)e.Sequence).FirstOrDefaultAsync(cancellationToken);
            query = query.Where(e => e.Sequence >= (first ?? long.MaxValue));
        }
        if (filter.To is { } to)
        {
            var toTime = to.UtcDateTime;
            var last = await db.AuditEntries.Where(e => e.OccurredAt < toTime).OrderByDescending(e => e.OccurredAt)
                .Select(e => (long?)e.Sequence).FirstOrDefaultAsync(cancellationToken);
            query = query.Where(e => e.Sequence <= (last ?? 0));
        }
        if (Present(filter.Actor) is { } actor) query = query.Where(e => e.ActorId == actor || e.ActorUpn == actor);
        if (Present(filter.Action) is { } action) query = query.Where(e => e.Action == action);
        if (Present(filter.GroupId) is { } group) query = query.Where(e => e.GroupId == group);
        if (filter.Outcome is { } outcome) query = query.Where(e => e.Outcome == outcome);
        if (Present(filter.RunId) is { } run) query = query.Where(e => e.RunId == run);
        if (Present(filter.RequestId) is { } requestId) query = query.Where(e => e.RequestId == requestId);
        if (Present(filter.TargetId) is { } target) query = query.Where(e => e.TargetId == target);
        if (Present(filter.Text) is { } text) query = ApplyText(query, text);
        return query;
    }

    private static IQueryable<AuditEntry> ApplyScope(IQueryable<AuditEntry> query, AuditScope scope) =>
        scope.GroupIds is { } groups ? query.Where(e => e.GroupId != null && groups.Contains(e.GroupId)) : query;

    private static IQueryable<AuditEntry> ApplyText(IQueryable<AuditEntry> query, string text)
    {
        var pattern = "%" + text.Trim().Replace("\\", "\\\\", StringComparison.Ordinal)
            .Replace("%", "\\%", StringComparison.Ordinal).Replace("_", "\\_", StringComparison.Ordinal) + "%";
        return query.Where(e =>
            EF.Functions.Like(e.TargetDisplay!, pattern, "\\") || EF.Functions.Like(e.TargetId!, pattern, "\\")
            || EF.Functions.Like(e.Command!, pattern, "\\") || EF.Functions.Like(e.Answer!, pattern, "\\"));
    }

    // Ties are broken by sequence in the same direction, which is how the (column, Sequence) indexes are ordered.
    private static IQueryable<AuditEntry> Sort(IQueryable<AuditEntry> query, AuditSort sort, bool descending) => (sort, descending) switch
    {
        (AuditSort.Action, false) => query.OrderBy(e => e.Action).ThenBy(e => e.Sequence),
        (AuditSort.Action, true) => query.OrderByDescending(e => e.Action).ThenByDescending(e => e.Sequence),
        (AuditSort.Actor, false) => query.OrderBy(e => e.ActorUpn).ThenBy(e => e.Sequence),
        (AuditSort.Actor, true) => query.OrderByDescending(e => e.ActorUpn).ThenByDescending(e => e.Sequence),
        (AuditSort.Outcome, false) => query.OrderBy(e => e.Outcome).ThenBy(e => e.Sequence),
        (AuditSort.Outcome, true) => query.OrderByDescending(e => e.Outcome).ThenByDescending(e => e.Sequence),
        (AuditSort.Group, false) => query.OrderBy(e => e.GroupId).ThenBy(e => e.Sequence),
        (AuditSort.Group, true) => query.OrderByDescending(e => e.GroupId).ThenByDescending(e => e.Sequence),
        (_, false) => query.OrderBy(e => e.Sequence),
        _ => query.OrderByDescending(e => e.Sequence),
    };

    private static string? Present(string? value) => string.IsNullOrWhiteSpace(value) ? null : value.Trim();
}
