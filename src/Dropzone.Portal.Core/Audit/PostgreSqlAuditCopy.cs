using NpgsqlTypes;

namespace Dropzone.Portal.Core.Audit;

/// <summary>
/// The batch path on PostgreSQL: one binary COPY for the whole batch, inside the caller's transaction (so under
/// its audit-chain lock). Nothing is committed if <see cref="CompleteAsync"/> is not reached.
/// </summary>
internal sealed class PostgreSqlAuditCopy(DbContext db) : IAuditBatchWriter
{
    private NpgsqlBinaryImporter? _importer;

    public async ValueTask WriteAsync(AuditEntry entry, CancellationToken cancellationToken)
    {
        var importer = _importer ??= await ((NpgsqlConnection)db.Database.GetDbConnection()).BeginBinaryImportAsync(
            $"COPY \"{AuditEntryConfiguration.TableName}\" ({AuditSchema.SelectList}) FROM STDIN (FORMAT BINARY)", cancellationToken);
        await importer.StartRowAsync(cancellationToken);
        foreach (var column in AuditSchema.Columns)
        {
            switch (column.Type)
            {
                case AuditColumnType.Sequence:
                    await importer.WriteAsync(entry.Sequence, NpgsqlDbType.Bigint, cancellationToken);
                    break;
                case AuditColumnType.Time:
                    await importer.WriteAsync(entry.OccurredAt, NpgsqlDbType.TimestampTz, cancellationToken);
                    break;
                default:
                    if (column.Format(entry) is { } text) await importer.WriteAsync(text, NpgsqlDbType.Text, cancellationToken);
                    else await importer.WriteNullAsync(cancellationToken);
                    break;
            }
        }
    }

    public async ValueTask CompleteAsync(CancellationToken cancellationToken)
    {
        if (_importer is not null) await _importer.CompleteAsync(cancellationToken);
    }

    public async ValueTask DisposeAsync()
    {
        if (_importer is not null) await _importer.DisposeAsync();
    }
}
