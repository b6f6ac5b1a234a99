using System.Buffers.Binary;

namespace Dropzone.Portal.Core.Audit;

/// <summary>
/// The verifier's fast path on PostgreSQL: reads the rows as one binary COPY and builds each entry's canonical form
/// straight from the bytes on the wire, so no strings or entities are created. Text arrives as UTF-8 (the client
/// encoding Npgsql sets, and the form the canonical encoding uses), the time as microseconds since 2000 UTC, which
/// formats exactly as the timestamp Npgsql would read. The tests check the result against the entity path;
/// <see cref="AuditChainWalk"/> checks the rows. About 2.5x less CPU per entry than materializing.
/// </summary>
internal static class PostgreSqlChainScanner
{
    // The binary COPY format: https://www.postgresql.org/docs/current/sql-copy.html#id-1.9.3.55.9.4
    private static readonly byte[] Signature = [(byte)'P', (byte)'G', (byte)'C', (byte)'O', (byte)'P', (byte)'Y', (byte)'\n', 0xFF, (byte)'\r', (byte)'\n', 0];
    private const int HeaderLength = 11 + 4 + 4;
    private static readonly int ColumnCount = AuditSchema.Columns.Count;
    private static readonly DateTime PostgresEpoch = new(2000, 1, 1, 0, 0, 0, DateTimeKind.Utc);

    public static async Task<AuditChainScan> ScanAsync(
        NpgsqlConnection connection, AuditChainKey key, long afterSequence, string startHash, CancellationToken cancellationToken)
    {
        // COPY takes no parameters; the sequence is a number formatted here, never text from outside.
        var sql = string.Create(CultureInfo.InvariantCulture,
            $"COPY (SELECT {AuditSchema.SelectList} FROM \"{AuditEntryConfiguration.TableName}\" WHERE \"Sequence\" > {afterSequence} ORDER BY \"Sequence\") TO STDOUT (FORMAT BINARY)");
        await using var walk = new AuditChainWalk(key, afterSequence, startHash);
        var rows = new RowReader(walk);
        // Left undrained after a break, the COPY is read to its end when the stream is disposed.
        await using var copy = await connection.BeginRawBinaryCopyAsync(sql, cancellationToken);
        var input = new byte[256 * 1024];
        int start = 0, end = 0;
        var headerRead = false;
        var finished = false;
        while (true)
        {
            cancellationToken.ThrowIfCancellationRequested();
            if (start > 0)
            {
                input.AsSpan(start, end - start).CopyTo(input);
                (start, end) = (0, end - start);
            }
            // A row larger than the whole buffer (the text columns allow 8,000 characters each).
            if (end == input.Length) Array.Resize(ref input, input.Length * 2);
            // Each read returns at most one COPY message (one row); filling the buffer lets rows be checked in batches.
            while (!finished && end < input.Length)
            {
                var read = await copy.ReadAsync(input.AsMemory(end), cancellationToken);
                if (read == 0) finished = true;
                end += read;
            }
            if (!headerRead)
            {
                if (end < HeaderLength) throw new InvalidDataException("The audit COPY ended inside its header.");
                start = HeaderEnd(input.AsSpan(0, end));
                headerRead = true;
            }
            while (true)
            {
                start += rows.Read(input.AsSpan(start, end - start));
                if (!rows.BatchFull) break;
                if (await walk.CheckBatchAsync()) return await walk.FinishAsync();
            }
            if (rows.Ended) return await walk.FinishAsync();
            if (finished) throw new InvalidDataException("The audit COPY ended without its trailer.");
        }
    }

    private static int HeaderEnd(ReadOnlySpan<byte> data)
    {
        if (!data.StartsWith(Signature)) throw new InvalidDataException("The audit COPY does not start with the binary signature.");
        var extension = BinaryPrimitives.ReadInt32BigEndian(data[(Signature.Length + 4)..]);
        if (extension < 0 || data.Length < HeaderLength + extension) throw new InvalidDataException("The audit COPY's header is cut short.");
        return HeaderLength + extension;
    }

    /// <summary>Walks the whole rows at the front of a buffer; what is left over waits for more input.</summary>
    private sealed class RowReader(AuditChainWalk walk)
    {
        private readonly int[] _offsets = new int[ColumnCount];
        private readonly int[] _lengths = new int[ColumnCount];
        private byte[] _canonical = new byte[16 * 1024];

        /// <summary>Set when the walk's batch is full and due to be checked before more rows are read.</summary>
        public bool BatchFull { get; private set; }

        /// <summary>Set on the COPY's trailer.</summary>
        public bool Ended { get; private set; }

        /// <summary>Returns the bytes consumed: the rows added to the walk, up to a full batch or the trailer.</summary>
        public int Read(ReadOnlySpan<byte> data)
        {
            BatchFull = false;
            var at = 0;
            while (true)
            {
                var rowStart = at;
                if (data.Length - at < 2) return rowStart;
                var fields = BinaryPrimitives.ReadInt16BigEndian(data[at..]);
                at += 2;
                if (fields == -1)
                {
                    Ended = true;
                    return at;
                }
                if (fields != ColumnCount) throw new InvalidDataException($"An audit COPY row has {fields} fields, not {ColumnCount}.");
                for (var i = 0; i < fields; i++)
                {
                    if (data.Length - at < 4) return rowStart;
                    var length = BinaryPrimitives.ReadInt32BigEndian(data[at..]);
                    at += 4;
                    (_offsets[i], _lengths[i]) = (at, length);
                    if (length <= 0) continue;
                    if (data.Length - at < length) return rowStart;
                    at += length;
                }
                if (BatchFull = Add(data)) return at;
            }
        }

        private bool Add(ReadOnlySpan<byte> data)
        {
            var row = new CopyRow(data, _offsets, _lengths);
            var length = RawCanonicalForm.Write(row, ref _canonical);
            return walk.Add(row.Sequence, _canonical.AsSpan(0, length),
                storedHash: row.Text(AuditSchema.HashIndex, out _), previousHash: row.Text(AuditSchema.PreviousHashIndex, out _));
        }
    }

    /// <summary>One row's fields within the buffer, as <see cref="RowReader"/> found them (a negative length is NULL).</summary>
    private readonly ref struct CopyRow(ReadOnlySpan<byte> data, int[] offsets, int[] lengths) : IRawAuditRow
    {
        private readonly ReadOnlySpan<byte> _data = data;

        public long Sequence => BinaryPrimitives.ReadInt64BigEndian(Field(0, 8));

        public int WriteTime(int column, scoped Span<byte> destination) =>
            AuditChain.WriteTime(Time(BinaryPrimitives.ReadInt64BigEndian(Field(column, 8))), destination);

        public ReadOnlySpan<byte> Text(int column, out bool isNull)
        {
            isNull = lengths[column] < 0;
            return isNull ? default : _data.Slice(offsets[column], lengths[column]);
        }

        private ReadOnlySpan<byte> Field(int column, int length) =>
            lengths[column] == length
                ? _data.Slice(offsets[column], length)
                : throw new InvalidDataException($"The audit COPY's {AuditSchema.Columns[column].Name} has {lengths[column]} bytes, not {length}.");

        /// <summary>As Npgsql reads a timestamp: infinities as the extreme values, anything else to the tick.</summary>
        private static DateTime Time(long microseconds) => microseconds switch
        {
            long.MaxValue => DateTime.MaxValue,
            long.MinValue => DateTime.MinValue,
            _ => PostgresEpoch.AddTicks(microseconds * TimeSpan.TicksPerMicrosecond),
        };
    }
}
