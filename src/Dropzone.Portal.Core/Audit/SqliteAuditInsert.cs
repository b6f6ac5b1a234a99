using System.Globalization;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore.Storage;

namespace Dropzone.Portal.Core.Audit;

/// <summary>One prepared INSERT reused for every entry of a batch (see <see cref="AuditTrail.AppendBatchAsync"/>).</summary>
internal static class SqliteAuditInsert
{
    // EF Core's SQLite text form for DateTime, so rows written here read back exactly like rows EF wrote.
    private const string EfDateTimeFormat = "yyyy-MM-dd HH:mm:ss.FFFFFFF";

    public static SqliteCommand Prepare(PortalDbContext db)
    {
        var command = (SqliteCommand)db.Database.GetDbConnection().CreateCommand();
        command.Transaction = (SqliteTransaction?)db.Database.CurrentTransaction?.GetDbTransaction();
        command.CommandText = $"INSERT INTO \"{AuditEntryConfiguration.TableName}\" ({AuditSchema.SelectList}) " +
            $"VALUES ({string.Join(", ", AuditSchema.Columns.Select((_, i) => "$p" + i.ToString(CultureInfo.InvariantCulture)))})";
        for (var i = 0; i < AuditSchema.Columns.Count; i++) command.Parameters.Add(new SqliteParameter("$p" + i.ToString(CultureInfo.InvariantCulture), null));
        command.Prepare();
        return command;
    }

    public static void Execute(SqliteCommand command, AuditEntry e)
    {
        var p = command.Parameters;
        for (var i = 0; i < AuditSchema.Columns.Count; i++)
        {
            var column = AuditSchema.Columns[i];
            p[i].Value = column.Type switch
            {
                AuditColumnType.Sequence => e.Sequence,
                AuditColumnType.Time => e.OccurredAt.ToString(EfDateTimeFormat, CultureInfo.InvariantCulture),
                _ => (object?)column.Format(e) ?? DBNull.Value,
            };
        }
        command.ExecuteNonQuery();
    }
}
