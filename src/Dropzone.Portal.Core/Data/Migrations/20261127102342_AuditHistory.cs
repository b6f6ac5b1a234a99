using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Dropzone.Portal.Core.Data.Migrations
{
    /// <inheritdoc />
    public partial class AuditHistory : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "AuditArchiveCuts",
                columns: table => new
                {
                    Id = table.Column<long>(type: "INTEGER", nullable: false)
                        .Annotation("Sqlite:Autoincrement", true),
                    FromSequence = table.Column<long>(type: "INTEGER", nullable: false),
                    ThroughSequence = table.Column<long>(type: "INTEGER", nullable: false),
                    ThroughHash = table.Column<string>(type: "TEXT", maxLength: 64, nullable: false),
                    EntryCount = table.Column<long>(type: "INTEGER", nullable: false),
                    FileName = table.Column<string>(type: "TEXT", maxLength: 260, nullable: false),
                    FileSha256 = table.Column<string>(type: "TEXT", maxLength: 64, nullable: false),
                    CreatedAt = table.Column<DateTime>(type: "TEXT", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_AuditArchiveCuts", x => x.Id);
                });

            migrationBuilder.CreateTable(
                name: "AuditEntries",
                columns: table => new
                {
                    Sequence = table.Column<long>(type: "INTEGER", nullable: false),
                    OccurredAt = table.Column<DateTime>(type: "TEXT", nullable: false),
                    ActorKind = table.Column<string>(type: "TEXT", maxLength: 16, nullable: false),
                    ActorId = table.Column<string>(type: "TEXT", maxLength: 200, nullable: true),
                    ActorUpn = table.Column<string>(type: "TEXT", maxLength: 200, nullable: true, collation: "NOCASE"),
                    ActorName = table.Column<string>(type: "TEXT", maxLength: 400, nullable: true),
                    Action = table.Column<string>(type: "TEXT", maxLength: 100, nullable: false),
                    TargetType = table.Column<string>(type: "TEXT", maxLength: 32, nullable: true),
                    TargetId = table.Column<string>(type: "TEXT", maxLength: 200, nullable: true),
                    TargetDisplay = table.Column<string>(type: "TEXT", maxLength: 400, nullable: true),
                    GroupId = table.Column<string>(type: "TEXT", maxLength: 200, nullable: true),
                    Outcome = table.Column<string>(type: "TEXT", maxLength: 16, nullable: false),
                    Command = table.Column<string>(type: "TEXT", maxLength: 8000, nullable: true),
                    Answer = table.Column<string>(type: "TEXT", maxLength: 8000, nullable: true),
                    RunId = table.Column<string>(type: "TEXT", maxLength: 200, nullable: true),
                    StepAttemptId = table.Column<string>(type: "TEXT", maxLength: 200, nullable: true),
                    RequestId = table.Column<string>(type: "TEXT", maxLength: 200, nullable: true),
                    TraceId = table.Column<string>(type: "TEXT", maxLength: 200, nullable: true),
                    ClientIp = table.Column<string>(type: "TEXT", maxLength: 64, nullable: true),
                    PreviousHash = table.Column<string>(type: "TEXT", maxLength: 64, nullable: false),
                    Hash = table.Column<string>(type: "TEXT", maxLength: 64, nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_AuditEntries", x => x.Sequence);
                });

            migrationBuilder.CreateIndex(
                name: "IX_AuditArchiveCuts_ThroughSequence",
                table: "AuditArchiveCuts",
                column: "ThroughSequence",
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_AuditEntries_Action_Sequence_GroupId_Outcome",
                table: "AuditEntries",
                columns: new[] { "Action", "Sequence", "GroupId", "Outcome" });

            migrationBuilder.CreateIndex(
                name: "IX_AuditEntries_ActorId_Sequence",
                table: "AuditEntries",
                columns: new[] { "ActorId", "Sequence" });

            migrationBuilder.CreateIndex(
                name: "IX_AuditEntries_ActorUpn_Sequence",
                table: "AuditEntries",
                columns: new[] { "ActorUpn", "Sequence" });

            migrationBuilder.CreateIndex(
                name: "IX_AuditEntries_GroupId_Outcome_Sequence",
                table: "AuditEntries",
                columns: new[] { "GroupId", "Outcome", "Sequence" });

            migrationBuilder.CreateIndex(
                name: "IX_AuditEntries_GroupId_Sequence_Action_Outcome",
                table: "AuditEntries",
                columns: new[] { "GroupId", "Sequence", "Action", "Outcome" });

            migrationBuilder.CreateIndex(
                name: "IX_AuditEntries_OccurredAt",
                table: "AuditEntries",
                column: "OccurredAt");

            migrationBuilder.CreateIndex(
                name: "IX_AuditEntries_Outcome_Sequence_GroupId_Action",
                table: "AuditEntries",
                columns: new[] { "Outcome", "Sequence", "GroupId", "Action" });

            migrationBuilder.CreateIndex(
                name: "IX_AuditEntries_RequestId_Sequence",
                table: "AuditEntries",
                columns: new[] { "RequestId", "Sequence" });

            migrationBuilder.CreateIndex(
                name: "IX_AuditEntries_RunId_Sequence",
                table: "AuditEntries",
                columns: new[] { "RunId", "Sequence" });

            migrationBuilder.CreateIndex(
                name: "IX_AuditEntries_TargetId_Sequence",
                table: "AuditEntries",
                columns: new[] { "TargetId", "Sequence" });

            // Append-only, enforced by the database and not only by the code: an UPDATE of an entry or a cut always
            // fails, and a DELETE of an entry fails unless an archive cut covers it (the archiver inserts the cut in
            // the same transaction as the delete; see docs/decisions/007-audit-hash-chain.md).
            // PostgreSQL equivalent: a BEFORE UPDATE OR DELETE trigger function that RAISEs EXCEPTION unless
            // (TG_OP = 'DELETE' AND OLD."Sequence" <= (SELECT max("ThroughSequence") FROM "AuditArchiveCuts")),
            // plus REVOKE UPDATE, DELETE ON "AuditEntries" FROM the application role where roles are separated.
            migrationBuilder.Sql(AuditTriggers.Create);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.Sql(AuditTriggers.Drop);

            migrationBuilder.DropTable(
                name: "AuditArchiveCuts");

            migrationBuilder.DropTable(
                name: "AuditEntries");
        }
    }
}

namespace Dropzone.Portal.Core.Data.Migrations
{
    /// <summary>The append-only triggers; also used by tests that play an attacker (drop, tamper).</summary>
    internal static class AuditTriggers
    {
        public const string Create = """
            CREATE TRIGGER "AuditEntries_RefuseUpdate" BEFORE UPDATE ON "AuditEntries"
            BEGIN SELECT RAISE(ABORT, 'audit entries are append-only: UPDATE refused'); END;

            CREATE TRIGGER "AuditEntries_RefuseDelete" BEFORE DELETE ON "AuditEntries"
            WHEN OLD."Sequence" > COALESCE((SELECT MAX("ThroughSequence") FROM "AuditArchiveCuts"), 0)
            BEGIN SELECT RAISE(ABORT, 'audit entries are append-only: DELETE refused outside an archive cut'); END;

            CREATE TRIGGER "AuditArchiveCuts_RefuseUpdate" BEFORE UPDATE ON "AuditArchiveCuts"
            BEGIN SELECT RAISE(ABORT, 'audit archive cuts are append-only: UPDATE refused'); END;

            CREATE TRIGGER "AuditArchiveCuts_RefuseDelete" BEFORE DELETE ON "AuditArchiveCuts"
            BEGIN SELECT RAISE(ABORT, 'audit archive cuts are append-only: DELETE refused'); END;
            """;

        public const string Drop = """
            DROP TRIGGER IF EXISTS "AuditEntries_RefuseUpdate";
            DROP TRIGGER IF EXISTS "AuditEntries_RefuseDelete";
            DROP TRIGGER IF EXISTS "AuditArchiveCuts_RefuseUpdate";
            DROP TRIGGER IF EXISTS "AuditArchiveCuts_RefuseDelete";
            """;
    }
}
