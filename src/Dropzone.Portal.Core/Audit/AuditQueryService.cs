namespace Dropzone.Portal.Core.Audit;

/// <summary>
/// Reads the audit history for the page and the exports. Designed for a million rows on SQLite:
/// <list type="bullet">
/// <item>A time range becomes a sequence range (time never decreases along the chain), found with two seeks on
/// the time index, so every query is a range over the primary key or over a (column, Sequence) index.</item>
/// <item>Pages use OFFSET over an index ordered like the page, so the first pages read one page of rows.</item>
/// <item>Counts stop at <see cref="AuditOptions.CountLimit"/>.</item>
/// <item>Free text is a LIKE scan, bounded on the page to the newest <see cref="AuditOptions.FreeTextWindow"/>
/// entries; exports scan everything they are asked for (they stream, so time is the only cost).</item>
/// </list>
/// </summary>
public sealed class AuditQueryService(
    IDbContextFactory<PortalDbContext> dbFactory, IOptions<AuditOptions> options, AuditCheckpointLog? checkpoints = null)
{
    public async Task<AuditPage> GetPageAsync(AuditFilter filter, AuditScope scope, AuditPageRequest request, CancellationToken cancellationToken = default)
    {
        var limits = options.Value;
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var query = await FilterAsync(db, filter with { Text = null }, scope, cancellationToken);
        if (!string.IsNullOrWhiteSpace(filter.Text))
        {
            return await GetTextPageAsync(db, query, filter.Text, request, cancellationToken);
        }

        var count = IsTimeRangeOnly(filter, scope)
            ? await CountSequenceRangeAsync(db, filter, limits.CountLimit + 1, cancellationToken)
            : await query.Take(limits.CountLimit + 1).CountAsync(cancellationToken);
        var items = await Sort(query, request.Sort, request.Descending)
            .Skip(Math.Max(0, request.Page) * request.PageSize)
            .Take(request.PageSize)
            .ToListAsync(cancellationToken);
        return new AuditPage(items, Math.Min(count, limits.CountLimit), count > limits.CountLimit, TextWindow: null);
    }

    /// <summary>
    /// Free text: one LIKE scan over the newest <see cref="AuditOptions.FreeTextWindow"/> sequence numbers
    /// (ending at the newest entry matching the other filters) collects the matching sequences, up to the count
    /// limit, and the page is then read by key: count and page come from the same scan. Other sort orders sort
    /// the window's matches.
    /// </summary>
    private async Task<AuditPage> GetTextPageAsync(
        PortalDbContext db, IQueryable<AuditEntry> query, string text, AuditPageRequest request, CancellationToken cancellationToken)
    {
        var limits = options.Value;
        // The window is a sequence range ending at the newest match of the other filters: at most that many rows
        // are read, in key order, whatever the filters (an OFFSET over a filter index would read them at random).
        var top = await query.OrderByDescending(e => e.Sequence).Select(e => e.Sequence).FirstOrDefaultAsync(cancellationToken);
        var floor = top - limits.FreeTextWindow + 1;
        int? window = null;
        if (floor > 1)
        {
            query = query.Where(e => e.Sequence >= floor);
            window = limits.FreeTextWindow;
        }
        query = ApplyText(db, query, text);
        var matches = await query.OrderByDescending(e => e.Sequence).Select(e => e.Sequence)
            .Take(limits.CountLimit + 1).ToListAsync(cancellationToken);
        var count = matches.Count;
        List<AuditEntry> items;
        if (request.Sort == AuditSort.Sequence)
        {
            if (!request.Descending) matches.Reverse();
            var keys = matches.Skip(Math.Max(0, request.Page) * request.PageSize).Take(request.PageSize).ToList();
            var rows = await db.AuditEntries.AsNoTracking().Where(e => keys.Contains(e.Sequence)).ToListAsync(cancellationToken);
            items = [.. request.Descending ? rows.OrderByDescending(e => e.Sequence) : rows.OrderBy(e => e.Sequence)];
        }
        else
        {
            items = await Sort(query, request.Sort, request.Descending)
                .Skip(Math.Max(0, request.Page) * request.PageSize).Take(request.PageSize).ToListAsync(cancellationToken);
        }
        return new AuditPage(items, Math.Min(count, limits.CountLimit), count > limits.CountLimit, window);
    }

    public async Task<AuditEntry?> GetAsync(long sequence, AuditScope scope, CancellationToken cancellationToken = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var query = ApplyScope(db.AuditEntries.AsNoTracking(), scope);
        return await query.FirstOrDefaultAsync(e => e.Sequence == sequence, cancellationToken);
    }

    /// <summary>
    /// Writes every matching entry, in chain order, to <paramref name="output"/> as CSV or JSON Lines, streaming
    /// (constant memory), then the newest checkpoint (see <see cref="AuditCheckpoint"/>), so an auditor can check the
    /// export against the chain's anchored head offline. On SQLite the rows go from the database to the writer as
    /// UTF-8 bytes.
    /// </summary>
    public async Task<long> ExportAsync(AuditFilter filter, AuditScope scope, AuditExportFormat format, Stream output, CancellationToken cancellationToken = default)
    {
        var rows = await ExportEntriesAsync(filter, scope, format, output, cancellationToken);
        if (checkpoints is not null && await checkpoints.LatestAsync(cancellationToken) is { } checkpoint)
        {
            await AuditExporter.WriteCheckpointAsync(checkpoint, format, output, cancellationToken);
        }
        return rows;
    }

    private async Task<long> ExportEntriesAsync(AuditFilter filter, AuditScope scope, AuditExportFormat format, Stream output, CancellationToken cancellationToken)
    {
        await using (var db = await dbFactory.CreateDbContextAsync(cancellationToken))
        {
            var query = await FilterAsync(db, filter, scope, cancellationToken);
            var dialect = PortalDatabaseDialect.Of(db.Database);
            if (await dialect.TryExportAuditAsync(db, query.OrderBy(e => e.Sequence), format, output, cancellationToken) is { } rows) return rows;
        }
        var entries = StreamAsync(filter, scope, cancellationToken);
        return format == AuditExportFormat.Csv
            ? await AuditExporter.WriteCsvAsync(entries, output, cancellationToken)
            : await AuditExporter.WriteJsonLinesAsync(entries, output, cancellationToken);
    }

    /// <summary>Every matching entry in chain order, streamed (the exports' path on other databases).</summary>
    public async IAsyncEnumerable<AuditEntry> StreamAsync(
        AuditFilter filter, AuditScope scope, [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var query = await FilterAsync(db, filter, scope, cancellationToken);
        await foreach (var entry in AuditEntryReader.StreamAsync(db, query.OrderBy(e => e.Sequence), cancellationToken))
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
            var lowest = first ?? long.MaxValue;
            query = query.Where(e => e.Sequence >= lowest);
        }
        if (filter.To is { } to)
        {
            var toTime = to.UtcDateTime;
            var last = await db.AuditEntries.Where(e => e.OccurredAt < toTime).OrderByDescending(e => e.OccurredAt)
                .Select(e => (long?)e.Sequence).FirstOrDefaultAsync(cancellationToken);
            var highest = last ?? 0;
            query = query.Where(e => e.Sequence <= highest);
        }
        // A UPN always has an '@' and object or job ids never do; one column each keeps the filter on one index.
        if (Present(filter.Actor) is { } actor)
        {
            query = actor.Contains('@', StringComparison.Ordinal)
                ? query.Where(e => e.ActorUpn == actor)
                : query.Where(e => e.ActorId == actor);
        }
        if (Present(filter.Action) is { } action) query = query.Where(e => e.Action == action);
        if (Present(filter.GroupId) is { } group) query = query.Where(e => e.GroupId == group);
        if (filter.Outcome is { } outcome) query = query.Where(e => e.Outcome == outcome);
        if (Present(filter.RunId) is { } run) query = query.Where(e => e.RunId == run);
        if (Present(filter.RequestId) is { } requestId) query = query.Where(e => e.RequestId == requestId);
        if (Present(filter.TargetId) is { } target) query = query.Where(e => e.TargetId == target);
        if (Present(filter.Text) is { } text) query = ApplyText(db, query, text);
        return query;
    }

    private static bool IsTimeRangeOnly(AuditFilter filter, AuditScope scope) =>
        scope.GroupIds is null && filter with { From = null, To = null } == AuditFilter.None;

    /// <summary>
    /// Sequences have no gaps (the verifier reports one as a missing entry), so a time range holds last − first + 1
    /// entries: two seeks instead of counting table rows, which a bare key range would have to read.
    /// </summary>
    private static async Task<int> CountSequenceRangeAsync(PortalDbContext db, AuditFilter filter, int cap, CancellationToken cancellationToken)
    {
        var entries = db.AuditEntries.AsNoTracking();
        if (filter.From is { } from)
        {
            var fromTime = from.UtcDateTime;
            entries = entries.Where(e => e.OccurredAt >= fromTime);
        }
        if (filter.To is { } to)
        {
            var toTime = to.UtcDateTime;
            entries = entries.Where(e => e.OccurredAt < toTime);
        }
        var first = await entries.OrderBy(e => e.OccurredAt).Select(e => (long?)e.Sequence).FirstOrDefaultAsync(cancellationToken);
        var last = await entries.OrderByDescending(e => e.OccurredAt).Select(e => (long?)e.Sequence).FirstOrDefaultAsync(cancellationToken);
        return first is { } a && last is { } b && b >= a ? (int)Math.Min(b - a + 1, cap) : 0;
    }

    private static IQueryable<AuditEntry> ApplyScope(IQueryable<AuditEntry> query, AuditScope scope) =>
        scope.GroupIds is { } groups ? query.Where(e => e.GroupId != null && groups.Contains(e.GroupId)) : query;

    private static IQueryable<AuditEntry> ApplyText(PortalDbContext db, IQueryable<AuditEntry> query, string text)
    {
        var pattern = "%" + text.Trim().Replace("\\", "\\\\", StringComparison.Ordinal)
            .Replace("%", "\\%", StringComparison.Ordinal).Replace("_", "\\_", StringComparison.Ordinal) + "%";
        return PortalDatabaseDialect.Of(db.Database).WhereTextLike(query, pattern);
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
