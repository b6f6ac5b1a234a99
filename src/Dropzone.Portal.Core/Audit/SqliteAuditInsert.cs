using System.Globalization;
using Dropzone.Portal.Core.Data;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Storage;

namespace Dropzone.Portal.Core.Audit;

/// <summary>One prepared INSERT reused for every entry of a batch (see <see cref="AuditTrail.AppendBatchAsync"/>).</summary>
internal static class SqliteAuditInsert
{
    private static readonly string[] Columns =
    [
        "Sequence", "OccurredAt", "ActorKind", "ActorId", "ActorUpn", "ActorName", "Action", "TargetType", "TargetId",
        "TargetDisplay", "GroupId", "Outcome", "Command", "Answer", "RunId", "StepAttemptId", "RequestId", "TraceId",
        "ClientIp", "PreviousHash", "Hash",
    ];

    // EF Core's SQLite text form for DateTime, so rows written here read back exactly like rows EF wrote.
    private const string EfDateTimeFormat = "yyyy-MM-dd HH:mm:ss.FFFFFFF";

    public static SqliteCommand Prepare(PortalDbContext db)
    {
        var command = (SqliteCommand)db.Database.GetDbConnection().CreateCommand();
        command.Transaction = (SqliteTransaction?)db.Database.CurrentTransaction?.GetDbTransaction();
        command.CommandText = $"INSERT INTO \"{AuditEntryConfiguration.TableName}\" ({string.Join(", ", Columns.Select(c => $"\"{c}\""))}) " +
            $"VALUES ({string.Join(", ", Columns.Select((_, i) => "$p" + i.ToString(CultureInfo.InvariantCulture)))})";
        for (var i = 0; i < Columns.Length; i++) command.Parameters.Add(new SqliteParameter("$p" + i.ToString(CultureInfo.InvariantCulture), null));
        command.Prepare();
        return command;
    }

    public static void Execute(SqliteCommand command, AuditEntry e)
    {
        var p = command.Parameters;
        p[0].Value = e.Sequence;
        p[1].Value = e.OccurredAt.ToString(EfDateTimeFormat, CultureInfo.InvariantCulture);
        p[2].Value = e.ActorKind.ToString();
        p[3].Value = (object?)e.ActorId ?? DBNull.Value;
        p[4].Value = (object?)e.ActorUpn ?? DBNull.Value;
        p[5].Value = (object?)e.ActorName ?? DBNull.Value;
        p[6].Value = e.Action;
        p[7].Value = (object?)e.TargetType ?? DBNull.Value;
        p[8].Value = (object?)e.TargetId ?? DBNull.Value;
        p[9].Value = (object?)e.TargetDisplay ?? DBNull.Value;
        p[10].Value = (object?)e.GroupId ?? DBNull.Value;
        p[11].Value = e.Outcome.ToString();
        p[12].Value = (object?)e.Command ?? DBNull.Value;
        p[13].Value = (object?)e.Answer ?? DBNull.Value;
        p[14].Value = (object?)e.RunId ?? DBNull.Value;
        p[15].Value = (object?)e.StepAttemptId ?? DBNull.Value;
        p[16].Value = (object?)e.RequestId ?? DBNull.Value;
        p[17].Value = (object?)e.TraceId ?? DBNull.Value;
        p[18].Value = (object?)e.ClientIp ?? DBNull.Value;
        p[19].Value = e.PreviousHash;
        p[20].Value = e.Hash;
        command.ExecuteNonQuery();
    }
}
