namespace Dropzone.Portal.Core.Data.Migrations;

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
