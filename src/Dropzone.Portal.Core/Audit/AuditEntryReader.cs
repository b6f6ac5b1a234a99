using System.Data.Common;
using System.Runtime.CompilerServices;

namespace Dropzone.Portal.Core.Audit;

/// <summary>
/// Streams entries of an EF query through a plain data reader. The verifier, the exports and the archiver read
/// whole tables; EF's materializer (value converters, Enum.Parse, DateTime.Parse on SQLite's text) costs several
/// times the reading itself, so those paths materialize by hand. The query (filters, order) is still EF's.
/// </summary>
internal static class AuditEntryReader
{
    public static async IAsyncEnumerable<AuditEntry> StreamAsync(
        PortalDbContext db, IQueryable<AuditEntry> query, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        await using var command = query.CreateDbCommand();
        await db.Database.OpenConnectionAsync(cancellationToken);
        try
        {
            await using var reader = await command.ExecuteReaderAsync(cancellationToken);
            int[] ordinals = [.. AuditSchema.Columns.Select(c => reader.GetOrdinal(c.Name))];
            // SQLite hands times back as EF's text; PostgreSQL as timestamps.
            var timeIsText = reader.GetFieldType(ordinals[TimeIndex]) == typeof(string);
            while (await reader.ReadAsync(cancellationToken))
            {
                yield return Read(reader, ordinals, timeIsText);
            }
        }
        finally
        {
            await db.Database.CloseConnectionAsync();
        }
    }

    private static readonly int TimeIndex = AuditSchema.Columns.ToList().FindIndex(c => c.Type == AuditColumnType.Time);

    private static AuditEntry Read(DbDataReader reader, int[] ordinals, bool timeIsText)
    {
        var entry = new AuditEntry();
        for (var i = 0; i < ordinals.Length; i++)
        {
            var column = AuditSchema.Columns[i];
            switch (column.Type)
            {
                case AuditColumnType.Sequence: entry.Sequence = reader.GetInt64(ordinals[i]); break;
                case AuditColumnType.Time:
                    entry.OccurredAt = timeIsText
                        ? ParseTime(reader.GetString(ordinals[i]))
                        : DateTime.SpecifyKind(reader.GetDateTime(ordinals[i]), DateTimeKind.Utc);
                    break;
                default: column.Parse(entry, Text(reader, ordinals[i])); break;
            }
        }
        return entry;
    }

    private static string? Text(DbDataReader reader, int ordinal) => reader.IsDBNull(ordinal) ? null : reader.GetString(ordinal);

    /// <summary>
    /// Parses EF Core's SQLite DateTime text, "yyyy-MM-dd HH:mm:ss" plus an optional fraction of up to 7 digits.
    /// Anything else falls back to the framework's parser.
    /// </summary>
    internal static DateTime ParseTime(string s) => ParseTime(s.AsSpan());

    internal static DateTime ParseTime(ReadOnlySpan<char> s)
    {
        if (s.Length < 19 || s[4] != '-' || s[10] != ' ' || s[13] != ':')
        {
            return DateTime.SpecifyKind(DateTime.Parse(s, System.Globalization.CultureInfo.InvariantCulture), DateTimeKind.Utc);
        }
        long fraction = 0;
        var digits = 0;
        if (s.Length > 20 && s[19] == '.')
        {
            for (var i = 20; i < s.Length && digits < 7; i++, digits++) fraction = fraction * 10 + (s[i] - '0');
        }
        for (; digits < 7; digits++) fraction *= 10;
        var time = new DateTime(D(s, 0, 4), D(s, 5, 2), D(s, 8, 2), D(s, 11, 2), D(s, 14, 2), D(s, 17, 2), DateTimeKind.Utc);
        return time.AddTicks(fraction);
    }

    private static int D(ReadOnlySpan<char> s, int start, int length)
    {
        var value = 0;
        for (var i = start; i < start + length; i++) value = value * 10 + (s[i] - '0');
        return value;
    }
}
