namespace Dropzone.Portal.Core.Audit;

public enum AuditExportFormat
{
    Csv,
    JsonLines,
}

/// <summary>
/// Writes entries as CSV or JSON Lines while they stream in: nothing is buffered beyond the writers' own
/// buffers, which go out every few thousand rows so the client sees progress and memory stays flat.
/// Both formats carry the hashes, so an exported or archived range can be re-verified offline.
/// </summary>
public static class AuditExporter
{
    private const int FlushEvery = 2_000;

    /// <summary>The CSV header and the JSON property names, in column order.</summary>
    internal static readonly string[] ColumnNames = [.. AuditSchema.Columns.Select(c => c.JsonName)];

    internal static readonly CsvWriterOptions CsvOptions = new()
    {
        // Entries hold text from the tenant and from users; a spreadsheet must not run it as a formula.
        Injection = CsvInjection.Escape,
    };

    public static async Task<long> WriteCsvAsync(IAsyncEnumerable<AuditEntry> entries, Stream output, CancellationToken cancellationToken = default)
    {
        await using var csv = CsvWriter.Create(output, CsvOptions, leaveOpen: true);
        csv.WriteHeader(ColumnNames);
        long rows = 0;
        await foreach (var e in entries.WithCancellation(cancellationToken))
        {
            foreach (var column in AuditSchema.Columns)
            {
                switch (column.Type)
                {
                    case AuditColumnType.Sequence: csv.WriteField(e.Sequence, default); break;
                    case AuditColumnType.Time: csv.WriteField(e.OccurredAt, AuditChain.TimeFormat); break;
                    default: csv.WriteField(column.Format(e)); break;
                }
            }
            // Writes to the stream only when the writer's buffer is mostly full, so this is the flow control.
            await csv.EndRecordAsync(cancellationToken);
            rows++;
        }
        await csv.FlushAsync(cancellationToken);
        return rows;
    }

    public static async Task<long> WriteJsonLinesAsync(IAsyncEnumerable<AuditEntry> entries, Stream output, CancellationToken cancellationToken = default)
    {
        var buffer = new System.Buffers.ArrayBufferWriter<byte>(64 * 1024);
        await using var json = new Utf8JsonWriter(buffer);
        long rows = 0;
        await foreach (var entry in entries.WithCancellation(cancellationToken))
        {
            WriteJson(json, entry);
            await json.FlushAsync(cancellationToken);
            buffer.Write("\n"u8);
            json.Reset(buffer);
            if (++rows % FlushEvery == 0 || buffer.WrittenCount > 48 * 1024)
            {
                await output.WriteAsync(buffer.WrittenMemory, cancellationToken);
                buffer.ResetWrittenCount();
            }
        }
        await output.WriteAsync(buffer.WrittenMemory, cancellationToken);
        await output.FlushAsync(cancellationToken);
        return rows;
    }

    /// <summary>One entry as a JSON object; the property names are the archive file format (docs/audit.md).</summary>
    public static void WriteJson(Utf8JsonWriter json, AuditEntry e)
    {
        json.WriteStartObject();
        for (var i = 0; i < AuditSchema.Columns.Count; i++)
        {
            var column = AuditSchema.Columns[i];
            if (column.Type == AuditColumnType.Sequence) json.WriteNumber(JsonNames[i], e.Sequence);
            else json.WriteString(JsonNames[i], column.Format(e));
        }
        json.WriteEndObject();
    }

    /// <summary>Reads one line written by <see cref="WriteJson"/> back into an entry (archive verification).</summary>
    public static AuditEntry ReadJson(ReadOnlySpan<byte> line)
    {
        using var doc = JsonDocument.Parse(line.ToArray());
        var root = doc.RootElement;
        var entry = new AuditEntry();
        foreach (var column in AuditSchema.Columns)
        {
            var value = root.GetProperty(column.JsonName);
            if (column.Type == AuditColumnType.Sequence) entry.Sequence = value.GetInt64();
            else column.Parse(entry, value.GetString());
        }
        return entry;
    }

    /// <summary>
    /// The export's last line: the checkpoint as JSON (<c>{"checkpoint":{…}}</c>); in CSV a two-field record,
    /// <c>checkpoint</c> and that JSON, after the entries.
    /// </summary>
    public static async Task WriteCheckpointAsync(AuditCheckpoint checkpoint, AuditExportFormat format, Stream output, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(checkpoint);
        var json = checkpoint.ToJsonLine();
        var line = format == AuditExportFormat.Csv
            ? "checkpoint,\"" + json.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"\r\n"
            : json + "\n";
        await output.WriteAsync(Encoding.UTF8.GetBytes(line), cancellationToken);
        await output.FlushAsync(cancellationToken);
    }

    internal static readonly JsonEncodedText[] JsonNames = [.. ColumnNames.Select(name => JsonEncodedText.Encode(name))];
}
