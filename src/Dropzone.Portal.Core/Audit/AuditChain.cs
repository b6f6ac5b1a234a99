namespace Dropzone.Portal.Core.Audit;

/// <summary>
/// The canonical form of an entry and its MAC. The canonical form is UTF-8 text:
/// <code>
/// "dropzone-audit/2\n" then, for each field in the order below, either "-;" (null) or
///   "&lt;UTF-8 byte count in decimal&gt;:&lt;value&gt;;"
/// Sequence (invariant decimal), OccurredAt ("yyyy-MM-ddTHH:mm:ss.ffffffZ", UTC, microseconds),
/// ActorKind, ActorId, ActorUpn, ActorName, Action, TargetType, TargetId, TargetDisplay, GroupId,
/// Outcome, Command, Answer, RunId, StepAttemptId, RequestId, TraceId, ClientIp, PreviousHash
/// </code>
/// The fields and their order come from <see cref="AuditSchema.Hashed"/> (listed here for readers of the format).
/// Enums are written by name. The length prefix makes the encoding unambiguous whatever the values contain,
/// so no two different entries share a canonical form. Times are stored to whole microseconds
/// (<see cref="Truncate"/>) so that what SQLite returns formats exactly as what was hashed.
/// The stored hash is HMAC-SHA256 of the canonical form under the <see cref="AuditChainKey"/> (a key kept outside
/// the database), in lowercase hex; the first entry's previous hash is <see cref="GenesisHash"/>. Version 1 (the
/// same form with header "dropzone-audit/1", hashed with plain SHA-256) could be recomputed by anyone who could
/// write the database; see docs/decisions/011-audit-tamper-evidence.md.
/// </summary>
public static class AuditChain
{
    public const string GenesisHash = "0000000000000000000000000000000000000000000000000000000000000000";
    public const string TimeFormat = "yyyy-MM-dd'T'HH:mm:ss.ffffff'Z'";
    private static readonly byte[] Header = "dropzone-audit/2\n"u8.ToArray();

    [ThreadStatic] private static byte[]? _buffer;

    /// <summary>UTC time cut to whole microseconds, the precision the chain is defined at.</summary>
    public static DateTime Truncate(DateTimeOffset time)
    {
        var ticks = time.UtcTicks;
        return new DateTime(ticks - ticks % 10, DateTimeKind.Utc);
    }

    public static string ComputeHash(AuditEntry entry, AuditChainKey key)
    {
        Span<byte> hash = stackalloc byte[SHA256.HashSizeInBytes];
        ComputeHash(entry, key, hash);
        return Convert.ToHexStringLower(hash);
    }

    /// <summary>True when the stored hash is the MAC of the entry's content under the key; no string is allocated.</summary>
    public static bool HashMatches(AuditEntry entry, AuditChainKey key)
    {
        Span<byte> hash = stackalloc byte[SHA256.HashSizeInBytes];
        ComputeHash(entry, key, hash);
        Span<byte> stored = stackalloc byte[SHA256.HashSizeInBytes];
        return entry.Hash.Length == SHA256.HashSizeInBytes * 2
            && Convert.FromHexString(entry.Hash, stored, out _, out var written) == System.Buffers.OperationStatus.Done
            && written == stored.Length
            && CryptographicOperations.FixedTimeEquals(hash, stored);
    }

    public static void ComputeHash(AuditEntry entry, AuditChainKey key, Span<byte> destination)
    {
        ArgumentNullException.ThrowIfNull(key);
        var length = Canonicalize(entry, ref _buffer);
        key.Mac(_buffer.AsSpan(0, length), destination);
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
        var columns = AuditSchema.Hashed;
        // Upper bound: every char is at most 3 UTF-8 bytes, plus up to 12 bytes of framing per field.
        var max = Header.Length + 16;
        foreach (var column in columns)
        {
            max += 12 + 3 * column.Type switch
            {
                AuditColumnType.Sequence => 20,
                AuditColumnType.Time => 32,
                _ => column.Format(e)?.Length ?? 0,
            };
        }
        if (buffer is null || buffer.Length < max) buffer = new byte[Math.Max(max, 4096)];

        var span = buffer.AsSpan();
        Header.CopyTo(span);
        var at = Header.Length;
        Span<char> number = stackalloc char[32];
        foreach (var column in columns)
        {
            switch (column.Type)
            {
                case AuditColumnType.Sequence:
                    e.Sequence.TryFormat(number, out var sequenceLength, default, CultureInfo.InvariantCulture);
                    Write(span, ref at, number[..sequenceLength]);
                    break;
                case AuditColumnType.Time:
                    DateTime.SpecifyKind(e.OccurredAt, DateTimeKind.Utc).TryFormat(number, out var timeLength, TimeFormat, CultureInfo.InvariantCulture);
                    Write(span, ref at, number[..timeLength]);
                    break;
                default:
                    Write(span, ref at, column.Format(e));
                    break;
            }
        }
        return at;
    }

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

    /// <summary>
    /// The UTF-8 of <paramref name="time"/> formatted with <see cref="TimeFormat"/> (the fraction cut, not rounded),
    /// written digit by digit because the raw scanners write one per row; returns the length. A test holds it to the format.
    /// </summary>
    internal static int WriteTime(DateTime time, Span<byte> destination)
    {
        time.Deconstruct(out int year, out int month, out int day);
        WriteDigits(destination[..4], year);
        destination[4] = (byte)'-';
        WriteDigits(destination[5..7], month);
        destination[7] = (byte)'-';
        WriteDigits(destination[8..10], day);
        destination[10] = (byte)'T';
        WriteDigits(destination[11..13], time.Hour);
        destination[13] = (byte)':';
        WriteDigits(destination[14..16], time.Minute);
        destination[16] = (byte)':';
        WriteDigits(destination[17..19], time.Second);
        destination[19] = (byte)'.';
        WriteDigits(destination[20..26], (int)(time.Ticks % TimeSpan.TicksPerSecond / TimeSpan.TicksPerMicrosecond));
        destination[26] = (byte)'Z';
        return 27;
    }

    private static void WriteDigits(Span<byte> destination, int value)
    {
        for (var i = destination.Length - 1; i >= 0; i--, value /= 10) destination[i] = (byte)('0' + value % 10);
    }

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
