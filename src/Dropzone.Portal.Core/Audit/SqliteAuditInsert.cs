using Microsoft.EntityFrameworkCore.Storage;

namespace Dropzone.Portal.Core.Audit;

/// <summary>One prepared INSERT reused for every entry of a batch (see <see cref="AuditTrail.AppendBatchAsync"/>).</summary>
internal sealed class SqliteAuditInsert : IAuditBatchWriter
{
    // EF Core's SQLite text form for DateTime, so rows written here read back exactly like rows EF wrote.
    private const string EfDateTimeFormat = "yyyy-MM-dd HH:mm:ss.FFFFFFF";

    private readonly SqliteCommand _command;

    public SqliteAuditInsert(DbContext db)
    {
        _command = (SqliteCommand)db.Database.GetDbConnection().CreateCommand();
        _command.Transaction = (SqliteTransaction?)db.Database.CurrentTransaction?.GetDbTransaction();
        _command.CommandText = $"INSERT INTO \"{AuditEntryConfiguration.TableName}\" ({AuditSchema.SelectList}) " +
            $"VALUES ({string.Join(", ", AuditSchema.Columns.Select((_, i) => "$p" + i.ToString(CultureInfo.InvariantCulture)))})";
        for (var i = 0; i < AuditSchema.Columns.Count; i++) _command.Parameters.Add(new SqliteParameter("$p" + i.ToString(CultureInfo.InvariantCulture), null));
        _command.Prepare();
    }

    public ValueTask WriteAsync(AuditEntry entry, CancellationToken cancellationToken)
    {
        var p = _command.Parameters;
        for (var i = 0; i < AuditSchema.Columns.Count; i++)
        {
            var column = AuditSchema.Columns[i];
            p[i].Value = column.Type switch
            {
                AuditColumnType.Sequence => entry.Sequence,
                AuditColumnType.Time => entry.OccurredAt.ToString(EfDateTimeFormat, CultureInfo.InvariantCulture),
                _ => (object?)column.Format(entry) ?? DBNull.Value,
            };
        }
        _command.ExecuteNonQuery();
        return ValueTask.CompletedTask;
    }

    public ValueTask CompleteAsync(CancellationToken cancellationToken) => ValueTask.CompletedTask;

    public ValueTask DisposeAsync() => _command.DisposeAsync();
}
