using System.Data.Common;
using SQLitePCL;

namespace Dropzone.Portal.Core.Audit;

/// <summary>
/// The exports' fast path on SQLite: runs EF's SQL for the filtered query on a raw statement and copies each
/// column's UTF-8 bytes straight into the CSV or JSON writer, so rows never become strings or entities. Output is
/// identical to <see cref="AuditExporter"/> over entities (a test compares them). Returns null, having written
/// nothing, when the query has a parameter of a type it does not bind; the caller then takes the entity path.
/// </summary>
internal static class SqliteAuditExport
{
    private static readonly AuditColumnType[] Types = [.. AuditSchema.Columns.Select(c => c.Type)];

    public static async Task<long?> WriteAsync(
        PortalDbContext db, IQueryable<AuditEntry> query, AuditExportFormat format, Stream output, CancellationToken cancellationToken)
    {
        await using var command = query.CreateDbCommand();
        var connection = (SqliteConnection)db.Database.GetDbConnection();
        await db.Database.OpenConnectionAsync(cancellationToken);
        try
        {
            var rc = raw.sqlite3_prepare_v2(connection.Handle, command.CommandText, out var statement);
            if (rc != raw.SQLITE_OK) throw new SqliteException(raw.sqlite3_errmsg(connection.Handle).utf8_to_string(), rc);
            using (statement)
            {
                if (!TryBind(statement, command.Parameters)) return null;
                var ordinals = Ordinals(statement);
                return format == AuditExportFormat.Csv
                    ? await WriteCsvAsync(connection, statement, ordinals, output, cancellationToken)
                    : await WriteJsonLinesAsync(connection, statement, ordinals, output, cancellationToken);
            }
        }
        finally
        {
            await db.Database.CloseConnectionAsync();
        }
    }

    private static async Task<long> WriteCsvAsync(SqliteConnection connection, sqlite3_stmt statement, int[] ordinals, Stream output, CancellationToken cancellationToken)
    {
        await using var csv = CsvWriter.Create(output, AuditExporter.CsvOptions, leaveOpen: true);
        csv.WriteHeader(AuditExporter.ColumnNames);
        long rows = 0;
        while (Step(connection, statement))
        {
            WriteCsvRow(statement, ordinals, csv);
            // Flushes to the stream only when the writer's buffer is mostly full.
            await csv.EndRecordAsync(cancellationToken);
            rows++;
        }
        await csv.FlushAsync(cancellationToken);
        return rows;
    }

    private static void WriteCsvRow(sqlite3_stmt statement, int[] ordinals, CsvWriter csv)
    {
        Span<byte> time = stackalloc byte[32];
        for (var i = 0; i < ordinals.Length; i++)
        {
            switch (Types[i])
            {
                case AuditColumnType.Sequence:
                    csv.WriteField(raw.sqlite3_column_int64(statement, ordinals[i]), default);
                    break;
                case AuditColumnType.Time:
                    csv.WriteField(time[..SqliteChainScanner.CanonicalTime(raw.sqlite3_column_blob(statement, ordinals[i]), time)]);
                    break;
                default:
                    var value = raw.sqlite3_column_blob(statement, ordinals[i]);
                    if (value.IsEmpty && raw.sqlite3_column_type(statement, ordinals[i]) == raw.SQLITE_NULL) csv.WriteField((string?)null);
                    else csv.WriteField(value);
                    break;
            }
        }
    }

    private static async Task<long> WriteJsonLinesAsync(SqliteConnection connection, sqlite3_stmt statement, int[] ordinals, Stream output, CancellationToken cancellationToken)
    {
        var buffer = new ArrayBufferWriter<byte>(64 * 1024);
        await using var json = new Utf8JsonWriter(buffer);
        long rows = 0;
        while (Step(connection, statement))
        {
            WriteJsonRow(statement, ordinals, json, buffer);
            rows++;
            if (buffer.WrittenCount > 48 * 1024)
            {
                await output.WriteAsync(buffer.WrittenMemory, cancellationToken);
                buffer.ResetWrittenCount();
            }
        }
        await output.WriteAsync(buffer.WrittenMemory, cancellationToken);
        await output.FlushAsync(cancellationToken);
        return rows;
    }

    private static void WriteJsonRow(sqlite3_stmt statement, int[] ordinals, Utf8JsonWriter json, ArrayBufferWriter<byte> buffer)
    {
        json.Reset(buffer);
        json.WriteStartObject();
        var names = AuditExporter.JsonNames;
        Span<byte> time = stackalloc byte[32];
        for (var i = 0; i < ordinals.Length; i++)
        {
            switch (Types[i])
            {
                case AuditColumnType.Sequence:
                    json.WriteNumber(names[i], raw.sqlite3_column_int64(statement, ordinals[i]));
                    break;
                case AuditColumnType.Time:
                    json.WriteString(names[i], time[..SqliteChainScanner.CanonicalTime(raw.sqlite3_column_blob(statement, ordinals[i]), time)]);
                    break;
                default:
                    var value = raw.sqlite3_column_blob(statement, ordinals[i]);
                    if (value.IsEmpty && raw.sqlite3_column_type(statement, ordinals[i]) == raw.SQLITE_NULL) json.WriteNull(names[i]);
                    else json.WriteString(names[i], value);
                    break;
            }
        }
        json.WriteEndObject();
        json.Flush();
        buffer.Write("\n"u8);
    }

    private static bool Step(SqliteConnection connection, sqlite3_stmt statement)
    {
        var rc = raw.sqlite3_step(statement);
        if (rc == raw.SQLITE_ROW) return true;
        if (rc == raw.SQLITE_DONE) return false;
        throw new SqliteException(raw.sqlite3_errmsg(connection.Handle).utf8_to_string(), rc);
    }

    private static int[] Ordinals(sqlite3_stmt statement)
    {
        var byName = new Dictionary<string, int>(StringComparer.Ordinal);
        for (var i = 0; i < raw.sqlite3_column_count(statement); i++) byName[raw.sqlite3_column_name(statement, i).utf8_to_string()] = i;
        return [.. AuditSchema.Columns.Select(c => byName[c.Name])];
    }

    private static bool TryBind(sqlite3_stmt statement, DbParameterCollection parameters)
    {
        foreach (DbParameter parameter in parameters)
        {
            var name = parameter.ParameterName;
            var index = raw.sqlite3_bind_parameter_index(statement, name);
            if (index == 0 && name.Length > 0 && name[0] is not ('@' or '$' or ':')) index = raw.sqlite3_bind_parameter_index(statement, "@" + name);
            if (index == 0) return false;
            var rc = parameter.Value switch
            {
                null or DBNull => raw.sqlite3_bind_null(statement, index),
                string text => raw.sqlite3_bind_text(statement, index, text),
                long number => raw.sqlite3_bind_int64(statement, index, number),
                int number => raw.sqlite3_bind_int64(statement, index, number),
                bool flag => raw.sqlite3_bind_int64(statement, index, flag ? 1 : 0),
                _ => -1,
            };
            if (rc != raw.SQLITE_OK) return false;
        }
        return true;
    }
}
