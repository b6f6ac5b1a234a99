using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace Dropzone.Portal.Core.Audit;

/// <summary>
/// The canonical form of an entry and its SHA-256. The canonical form is UTF-8 text:
/// <code>
/// "dropzone-audit/1\n" then, for each field in the order below, either "-;" (null) or
///   "&lt;UTF-8 byte count in decimal&gt;:&lt;value&gt;;"
/// Sequence (invariant decimal), OccurredAt ("yyyy-MM-ddTHH:mm:ss.ffffffZ", UTC, microseconds),
/// ActorKind, ActorId, ActorUpn, ActorName, Action, TargetType, TargetId, TargetDisplay, GroupId,
/// Outcome, Command, Answer, RunId, StepAttemptId, RequestId, TraceId, ClientIp, PreviousHash
/// </code>
/// Enums are written by name. The length prefix makes the encoding unambiguous whatever the values contain,
/// so no two different entries share a canonical form. Times are stored to whole microseconds
/// (<see cref="Truncate"/>) so that what SQLite returns formats exactly as what was hashed.
/// The hash is lowercase hex; the first entry's previous hash is <see cref="GenesisHash"/>.
/// </summary>
public static class AuditChain
{
    public const string GenesisHash = "0000000000000000000000000000000000000000000000000000000000000000";
    public const string TimeFormat = "yyyy-MM-dd'T'HH:mm:ss.ffffff'Z'";
    private static readonly byte[] Header = "dropzone-audit/1\n"u8.ToArray();

    [ThreadStatic] private static byte[]? _buffer;

    /// <summary>UTC time cut to whole microseconds, the precision the chain is defined at.</summary>
    public static DateTime Truncate(DateTimeOffset time)
    {
        var ticks = time.UtcTicks;
        return new DateTime(ticks - ticks % 10, DateTimeKind.Utc);
    }

    public static string ComputeHash(AuditEntry entry)
    {
        Span<byte> hash = stackalloc byte[SHA256.HashSizeInBytes];
        ComputeHash(entry, hash);
        return Convert.ToHexStringLower(hash);
    }

    /// <summary>True when the stored hash matches the entry's content; no string is allocated.</summary>
    public static bool HashMatches(AuditEntry entry)
    {
        Span<byte> hash = stackalloc byte[SHA256.HashSizeInBytes];
        ComputeHash(entry, hash);
        Span<byte> stored = stackalloc byte[SHA256.HashSizeInBytes];
        return entry.Hash.Length == SHA256.HashSizeInBytes * 2
            && Convert.FromHexString(entry.Hash, stored, out _, out var written) == System.Buffers.OperationStatus.Done
            && written == stored.Length
            && hash.SequenceEqual(stored);
    }

    public static void ComputeHash(AuditEntry entry, Span<byte> destination)
    {
        var length = Canonicalize(entry, ref _buffer);
        SHA256.HashData(_buffer.AsSpan(0, length), destination);
    }

    /// <summary>The canonical bytes, for tests and for anyone re-implementing the verifier.</summary>
    public static byte[] CanonicalBytes(AuditEntry entry)
    {
        byte[]? buffer = null;
        var length = Canonicalize(entry, ref buffer);
        return buffer.AsSpan(0, length).ToArray();
    }

    private static int Canonicalize(AuditEntry e, ref byte[]? buffer)
    {
        Span<char> sequence = stackalloc char[20];
        e.Sequence.TryFormat(sequence, out var sequenceLength, default, CultureInfo.InvariantCulture);
        Span<char> time = stackalloc char[32];
        DateTime.SpecifyKind(e.OccurredAt, DateTimeKind.Utc)
            .TryFormat(time, out var timeLength, TimeFormat, CultureInfo.InvariantCulture);

        // Upper bound: every char is at most 3 UTF-8 bytes, plus up to 12 bytes of framing per field.
        var max = Header.Length + 20 * 12 + 3 * (sequenceLength + timeLength + Len(e.ActorId) + Len(e.ActorUpn)
            + Len(e.ActorName) + Len(e.Action) + Len(e.TargetType) + Len(e.TargetId) + Len(e.TargetDisplay)
            + Len(e.GroupId) + Len(e.Command) + Len(e.Answer) + Len(e.RunId) + Len(e.StepAttemptId)
            + Len(e.RequestId) + Len(e.TraceId) + Len(e.ClientIp) + Len(e.PreviousHash) + 16);
        if (buffer is null || buffer.Length < max) buffer = new byte[Math.Max(max, 4096)];

        var span = buffer.AsSpan();
        Header.CopyTo(span);
        var at = Header.Length;
        Write(span, ref at, sequence[..sequenceLength]);
        Write(span, ref at, time[..timeLength]);
        Write(span, ref at, EnumName(e.ActorKind));
        Write(span, ref at, e.ActorId);
        Write(span, ref at, e.ActorUpn);
        Write(span, ref at, e.ActorName);
        Write(span, ref at, e.Action);
        Write(span, ref at, e.TargetType);
        Write(span, ref at, e.TargetId);
        Write(span, ref at, e.TargetDisplay);
        Write(span, ref at, e.GroupId);
        Write(span, ref at, EnumName(e.Outcome));
        Write(span, ref at, e.Command);
        Write(span, ref at, e.Answer);
        Write(span, ref at, e.RunId);
        Write(span, ref at, e.StepAttemptId);
        Write(span, ref at, e.RequestId);
        Write(span, ref at, e.TraceId);
        Write(span, ref at, e.ClientIp);
        Write(span, ref at, e.PreviousHash);
        return at;
    }

    private static int Len(string? value) => value?.Length ?? 0;

    private static string EnumName(AuditActorKind kind) => kind switch
    {
        AuditActorKind.User => "User",
        AuditActorKind.Job => "Job",
        AuditActorKind.System => "System",
        _ => ((int)kind).ToString(CultureInfo.InvariantCulture),
    };

    private static string EnumName(AuditOutcome outcome) => outcome switch
    {
        AuditOutcome.Succeeded => "Succeeded",
        AuditOutcome.Failed => "Failed",
        AuditOutcome.Denied => "Denied",
        AuditOutcome.Skipped => "Skipped",
        _ => ((int)outcome).ToString(CultureInfo.InvariantCulture),
    };

    private static void Write(Span<byte> span, ref int at, ReadOnlySpan<char> value)
    {
        var valueBytes = Encoding.UTF8.GetByteCount(value);
        valueBytes.TryFormat(span[at..], out var prefixLength, default, CultureInfo.InvariantCulture);
        at += prefixLength;
        span[at++] = (byte)':';
        at += Encoding.UTF8.GetBytes(value, span[at..]);
        span[at++] = (byte)';';
    }

    internal static ReadOnlySpan<byte> HeaderBytes => Header;

    internal static void WriteUtf8(Span<byte> span, ref int at, ReadOnlySpan<byte> value)
    {
        value.Length.TryFormat(span[at..], out var prefixLength, default, CultureInfo.InvariantCulture);
        at += prefixLength;
        span[at++] = (byte)':';
        value.CopyTo(span[at..]);
        at += value.Length;
        span[at++] = (byte)';';
    }

    internal static void WriteNull(Span<byte> span, ref int at)
    {
        span[at++] = (byte)'-';
        span[at++] = (byte)';';
    }

    private static void Write(Span<byte> span, ref int at, string? value)
    {
        if (value is null)
        {
            span[at++] = (byte)'-';
            span[at++] = (byte)';';
            return;
        }
        Write(span, ref at, value.AsSpan());
    }
}
