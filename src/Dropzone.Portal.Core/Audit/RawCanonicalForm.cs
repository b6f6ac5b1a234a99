namespace Dropzone.Portal.Core.Audit;

/// <summary>
/// One audit row as an engine's fast path holds it (<see cref="SqliteChainScanner"/>, <see cref="PostgreSqlChainScanner"/>):
/// stored bytes, read by column position in <see cref="AuditSchema.Columns"/> (the scanners select all of them, in order).
/// </summary>
internal interface IRawAuditRow
{
    /// <summary>The row's <see cref="AuditEntry.Sequence"/>.</summary>
    long Sequence { get; }

    /// <summary>Writes the time column as the UTF-8 of <see cref="AuditChain.TimeFormat"/>; returns the length (at most 32).</summary>
    int WriteTime(int column, scoped Span<byte> destination);

    /// <summary>A text column's UTF-8 bytes; <paramref name="isNull"/> tells NULL from an empty value.</summary>
    ReadOnlySpan<byte> Text(int column, out bool isNull);
}

/// <summary>
/// <see cref="AuditChain"/>'s canonical form written straight from a raw row, shared by both engines' scanners: the
/// fields of <see cref="AuditSchema.Hashed"/> in order, each by its <see cref="AuditColumnType"/>, framed by
/// <see cref="AuditChain"/>'s writers (the tests hold it to the entity path). Generic over the row so each engine's
/// reads are inlined, with no allocation per row.
/// </summary>
internal static class RawCanonicalForm
{
    private static readonly AuditColumnType[] Types = [.. AuditSchema.Hashed.Select(c => c.Type)];

    // Each hashed field's position among the selected columns: all but the hash, which is not hashed.
    private static readonly int[] Positions = [.. Enumerable.Range(0, AuditSchema.Columns.Count).Where(i => i != AuditSchema.HashIndex)];

    // Room for a sequence or time field (at most 27 bytes) or a text field's framing (a length prefix, ':' and ';').
    private const int FieldSlack = 64;

    /// <summary>Writes the row's canonical bytes at the start of <paramref name="buffer"/>, growing it as needed; returns the length.</summary>
    public static int Write<TRow>(TRow row, ref byte[] buffer)
        where TRow : IRawAuditRow, allows ref struct
    {
        EnsureRoom(ref buffer, 0, AuditChain.HeaderBytes.Length);
        AuditChain.HeaderBytes.CopyTo(buffer);
        var at = AuditChain.HeaderBytes.Length;
        Span<byte> scratch = stackalloc byte[32];
        for (var field = 0; field < Types.Length; field++)
        {
            var column = Positions[field];
            switch (Types[field])
            {
                case AuditColumnType.Sequence:
                    EnsureRoom(ref buffer, at, 0);
                    row.Sequence.TryFormat(scratch, out var numberLength, default, CultureInfo.InvariantCulture);
                    AuditChain.WriteUtf8(buffer, ref at, scratch[..numberLength]);
                    break;
                case AuditColumnType.Time:
                    EnsureRoom(ref buffer, at, 0);
                    var timeLength = row.WriteTime(column, scratch);
                    AuditChain.WriteUtf8(buffer, ref at, scratch[..timeLength]);
                    break;
                default:
                    var value = row.Text(column, out var isNull);
                    EnsureRoom(ref buffer, at, value.Length);
                    if (isNull) AuditChain.WriteNull(buffer, ref at);
                    else AuditChain.WriteUtf8(buffer, ref at, value);
                    break;
            }
        }
        return at;
    }

    private static void EnsureRoom(ref byte[] buffer, int at, int valueLength)
    {
        if (buffer.Length - at < valueLength + FieldSlack) Array.Resize(ref buffer, Math.Max(buffer.Length * 2, at + valueLength + 1024));
    }
}
