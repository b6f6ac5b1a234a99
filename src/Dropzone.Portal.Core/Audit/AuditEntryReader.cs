using System.Data.Common;
using System.Runtime.CompilerServices;
using Dropzone.Portal.Core.Data;
using Microsoft.EntityFrameworkCore;

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
            var o = new Ordinals(reader);
            while (await reader.ReadAsync(cancellationToken))
            {
                yield return Read(reader, o);
            }
        }
        finally
        {
            await db.Database.CloseConnectionAsync();
        }
    }

    private static AuditEntry Read(DbDataReader r, Ordinals o) => new()
    {
        Sequence = r.GetInt64(o.Sequence),
        OccurredAt = ParseTime(r.GetString(o.OccurredAt)),
        ActorKind = r.GetString(o.ActorKind) switch
        {
            "User" => AuditActorKind.User,
            "Job" => AuditActorKind.Job,
            "System" => AuditActorKind.System,
            var other => Enum.Parse<AuditActorKind>(other),
        },
        ActorId = Text(r, o.ActorId),
        ActorUpn = Text(r, o.ActorUpn),
        ActorName = Text(r, o.ActorName),
        Action = r.GetString(o.Action),
        TargetType = Text(r, o.TargetType),
        TargetId = Text(r, o.TargetId),
        TargetDisplay = Text(r, o.TargetDisplay),
        GroupId = Text(r, o.GroupId),
        Outcome = r.GetString(o.Outcome) switch
        {
            "Succeeded" => AuditOutcome.Succeeded,
            "Failed" => AuditOutcome.Failed,
            "Denied" => AuditOutcome.Denied,
            "Skipped" => AuditOutcome.Skipped,
            var other => Enum.Parse<AuditOutcome>(other),
        },
        Command = Text(r, o.Command),
        Answer = Text(r, o.Answer),
        RunId = Text(r, o.RunId),
        StepAttemptId = Text(r, o.StepAttemptId),
        RequestId = Text(r, o.RequestId),
        TraceId = Text(r, o.TraceId),
        ClientIp = Text(r, o.ClientIp),
        PreviousHash = r.GetString(o.PreviousHash),
        Hash = r.GetString(o.Hash),
    };

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

    private sealed class Ordinals(DbDataReader r)
    {
        public readonly int Sequence = r.GetOrdinal(nameof(AuditEntry.Sequence));
        public readonly int OccurredAt = r.GetOrdinal(nameof(AuditEntry.OccurredAt));
        public readonly int ActorKind = r.GetOrdinal(nameof(AuditEntry.ActorKind));
        public readonly int ActorId = r.GetOrdinal(nameof(AuditEntry.ActorId));
        public readonly int ActorUpn = r.GetOrdinal(nameof(AuditEntry.ActorUpn));
        public readonly int ActorName = r.GetOrdinal(nameof(AuditEntry.ActorName));
        public readonly int Action = r.GetOrdinal(nameof(AuditEntry.Action));
        public readonly int TargetType = r.GetOrdinal(nameof(AuditEntry.TargetType));
        public readonly int TargetId = r.GetOrdinal(nameof(AuditEntry.TargetId));
        public readonly int TargetDisplay = r.GetOrdinal(nameof(AuditEntry.TargetDisplay));
        public readonly int GroupId = r.GetOrdinal(nameof(AuditEntry.GroupId));
        public readonly int Outcome = r.GetOrdinal(nameof(AuditEntry.Outcome));
        public readonly int Command = r.GetOrdinal(nameof(AuditEntry.Command));
        public readonly int Answer = r.GetOrdinal(nameof(AuditEntry.Answer));
        public readonly int RunId = r.GetOrdinal(nameof(AuditEntry.RunId));
        public readonly int StepAttemptId = r.GetOrdinal(nameof(AuditEntry.StepAttemptId));
        public readonly int RequestId = r.GetOrdinal(nameof(AuditEntry.RequestId));
        public readonly int TraceId = r.GetOrdinal(nameof(AuditEntry.TraceId));
        public readonly int ClientIp = r.GetOrdinal(nameof(AuditEntry.ClientIp));
        public readonly int PreviousHash = r.GetOrdinal(nameof(AuditEntry.PreviousHash));
        public readonly int Hash = r.GetOrdinal(nameof(AuditEntry.Hash));
    }
}
