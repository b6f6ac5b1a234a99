namespace Dropzone.Portal.Core.Data;

/// <summary>
/// The append-only triggers of each engine, created by its initial migration; also used by tests that play an
/// attacker (drop, tamper). The database refuses UPDATE and DELETE on the audit history, except the deletion of
/// entries that an archive cut has moved out.
/// </summary>
public sealed record AuditTriggers(string Create, string Drop)
{
    public static AuditTriggers Sqlite { get; } = new("""
        CREATE TRIGGER "AuditEntries_RefuseUpdate" BEFORE UPDATE ON "AuditEntries"
        BEGIN SELECT RAISE(ABORT, 'audit entries are append-only: UPDATE refused'); END;

        CREATE TRIGGER "AuditEntries_RefuseDelete" BEFORE DELETE ON "AuditEntries"
        WHEN OLD."Sequence" > COALESCE((SELECT MAX("ThroughSequence") FROM "AuditArchiveCuts"), 0)
        BEGIN SELECT RAISE(ABORT, 'audit entries are append-only: DELETE refused outside an archive cut'); END;

        CREATE TRIGGER "AuditArchiveCuts_RefuseUpdate" BEFORE UPDATE ON "AuditArchiveCuts"
        BEGIN SELECT RAISE(ABORT, 'audit archive cuts are append-only: UPDATE refused'); END;

        CREATE TRIGGER "AuditArchiveCuts_RefuseDelete" BEFORE DELETE ON "AuditArchiveCuts"
        BEGIN SELECT RAISE(ABORT, 'audit archive cuts are append-only: DELETE refused'); END;
        """, """
        DROP TRIGGER IF EXISTS "AuditEntries_RefuseUpdate";
        DROP TRIGGER IF EXISTS "AuditEntries_RefuseDelete";
        DROP TRIGGER IF EXISTS "AuditArchiveCuts_RefuseUpdate";
        DROP TRIGGER IF EXISTS "AuditArchiveCuts_RefuseDelete";
        """);

    /// <summary>PL/pgSQL functions with the same rules and messages; TRUNCATE (which skips row triggers) is refused too.</summary>
    public static AuditTriggers PostgreSql { get; } = new("""
        CREATE FUNCTION "AuditEntries_RefuseUpdate"() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
            RAISE EXCEPTION 'audit entries are append-only: UPDATE refused';
        END $$;
        CREATE TRIGGER "AuditEntries_RefuseUpdate" BEFORE UPDATE ON "AuditEntries"
            FOR EACH ROW EXECUTE FUNCTION "AuditEntries_RefuseUpdate"();

        CREATE FUNCTION "AuditEntries_RefuseDelete"() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
            IF OLD."Sequence" > COALESCE((SELECT MAX("ThroughSequence") FROM "AuditArchiveCuts"), 0) THEN
                RAISE EXCEPTION 'audit entries are append-only: DELETE refused outside an archive cut';
            END IF;
            RETURN OLD;
        END $$;
        CREATE TRIGGER "AuditEntries_RefuseDelete" BEFORE DELETE ON "AuditEntries"
            FOR EACH ROW EXECUTE FUNCTION "AuditEntries_RefuseDelete"();

        CREATE FUNCTION "AuditArchiveCuts_RefuseChange"() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
            RAISE EXCEPTION 'audit archive cuts are append-only: % refused', TG_OP;
        END $$;
        CREATE TRIGGER "AuditArchiveCuts_RefuseUpdate" BEFORE UPDATE ON "AuditArchiveCuts"
            FOR EACH ROW EXECUTE FUNCTION "AuditArchiveCuts_RefuseChange"();
        CREATE TRIGGER "AuditArchiveCuts_RefuseDelete" BEFORE DELETE ON "AuditArchiveCuts"
            FOR EACH ROW EXECUTE FUNCTION "AuditArchiveCuts_RefuseChange"();

        CREATE FUNCTION "Audit_RefuseTruncate"() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
            RAISE EXCEPTION 'audit history is append-only: TRUNCATE of % refused', TG_TABLE_NAME;
        END $$;
        CREATE TRIGGER "AuditEntries_RefuseTruncate" BEFORE TRUNCATE ON "AuditEntries"
            FOR EACH STATEMENT EXECUTE FUNCTION "Audit_RefuseTruncate"();
        CREATE TRIGGER "AuditArchiveCuts_RefuseTruncate" BEFORE TRUNCATE ON "AuditArchiveCuts"
            FOR EACH STATEMENT EXECUTE FUNCTION "Audit_RefuseTruncate"();
        """, """
        DROP TRIGGER IF EXISTS "AuditEntries_RefuseUpdate" ON "AuditEntries";
        DROP TRIGGER IF EXISTS "AuditEntries_RefuseDelete" ON "AuditEntries";
        DROP TRIGGER IF EXISTS "AuditEntries_RefuseTruncate" ON "AuditEntries";
        DROP TRIGGER IF EXISTS "AuditArchiveCuts_RefuseUpdate" ON "AuditArchiveCuts";
        DROP TRIGGER IF EXISTS "AuditArchiveCuts_RefuseDelete" ON "AuditArchiveCuts";
        DROP TRIGGER IF EXISTS "AuditArchiveCuts_RefuseTruncate" ON "AuditArchiveCuts";
        DROP FUNCTION IF EXISTS "AuditEntries_RefuseUpdate"();
        DROP FUNCTION IF EXISTS "AuditEntries_RefuseDelete"();
        DROP FUNCTION IF EXISTS "AuditArchiveCuts_RefuseChange"();
        DROP FUNCTION IF EXISTS "Audit_RefuseTruncate"();
        """);

    public static AuditTriggers For(PortalDatabaseProvider provider) =>
        provider == PortalDatabaseProvider.PostgreSql ? PostgreSql : Sqlite;
}
