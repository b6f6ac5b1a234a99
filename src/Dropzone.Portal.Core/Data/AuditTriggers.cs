namespace Dropzone.Portal.Core.Data;

/// <summary>
/// The append-only triggers of each engine, created by its initial migration; also used by tests that play an
/// attacker (drop, tamper). The database refuses UPDATE and DELETE on the audit history, except the deletion of
/// entries that an archive cut has moved out. Each table's statements come from one template per engine, so both
/// tables and both engines refuse alike: trigger <c>"&lt;table&gt;_Refuse&lt;Operation&gt;"</c>, message
/// <c>"&lt;rows&gt; are append-only: &lt;OPERATION&gt; refused"</c>.
/// </summary>
public sealed record AuditTriggers(string Create, string Drop)
{
    private static readonly AppendOnlyTable[] Tables =
    [
        new("AuditEntries", "audit entries",
            RefuseDeleteWhen: """OLD."Sequence" > COALESCE((SELECT MAX("ThroughSequence") FROM "AuditArchiveCuts"), 0)""",
            DeleteNote: " outside an archive cut"),
        new("AuditArchiveCuts", "audit archive cuts"),
    ];

    public static AuditTriggers Sqlite { get; } = new(
        string.Join("\n", Tables.Select(SqliteTriggers.Create)), string.Concat(Tables.Select(SqliteTriggers.Drop)));

    /// <summary>PL/pgSQL functions with the same rules and messages; TRUNCATE (which skips row triggers) is refused too.</summary>
    public static AuditTriggers PostgreSql { get; } = new(
        PostgreSqlTriggers.CreateTruncateFunction + string.Concat(Tables.Select(PostgreSqlTriggers.Create)),
        string.Concat(Tables.Select(PostgreSqlTriggers.Drop)) + PostgreSqlTriggers.DropTruncateFunction);

    public static AuditTriggers For(PortalDatabaseProvider provider) =>
        provider == PortalDatabaseProvider.PostgreSql ? PostgreSql : Sqlite;

    /// <summary>
    /// A table whose rows are never updated nor deleted; when <paramref name="RefuseDeleteWhen"/> is set (a condition on
    /// <c>OLD</c>), a DELETE is refused only when it holds, and <paramref name="DeleteNote"/> ends that message.
    /// </summary>
    private sealed record AppendOnlyTable(string Name, string Rows, string? RefuseDeleteWhen = null, string DeleteNote = "")
    {
        public string TriggerName(string operation) => $"{Name}_Refuse{operation[0]}{operation[1..].ToLowerInvariant()}";

        public string Message(string operation) =>
            $"{Rows} are append-only: {operation} refused{(operation == "DELETE" ? DeleteNote : "")}";
    }

    private static class SqliteTriggers
    {
        public static string Create(AppendOnlyTable table) =>
            Refusal(table, "UPDATE", when: null) + "\n" + Refusal(table, "DELETE", table.RefuseDeleteWhen);

        public static string Drop(AppendOnlyTable table) => $"""
            DROP TRIGGER IF EXISTS "{table.TriggerName("UPDATE")}";
            DROP TRIGGER IF EXISTS "{table.TriggerName("DELETE")}";

            """;

        private static string Refusal(AppendOnlyTable table, string operation, string? when) => $"""
            CREATE TRIGGER "{table.TriggerName(operation)}" BEFORE {operation} ON "{table.Name}"
            {(when is null ? "" : $"WHEN {when}\n")}BEGIN SELECT RAISE(ABORT, '{table.Message(operation)}'); END;

            """;
    }

    /// <summary>
    /// One trigger function per rule: the refusals without a condition share one, named after its operation or, when
    /// it serves UPDATE and DELETE, <c>"&lt;table&gt;_RefuseChange"</c> (it reads the operation from <c>TG_OP</c>).
    /// </summary>
    private static class PostgreSqlTriggers
    {
        private const string TruncateFunction = "Audit_RefuseTruncate";

        public const string CreateTruncateFunction = $"""
            CREATE FUNCTION "{TruncateFunction}"() RETURNS trigger LANGUAGE plpgsql AS $$
            BEGIN
                RAISE EXCEPTION 'audit history is append-only: TRUNCATE of % refused', TG_TABLE_NAME;
            END $$;

            """;

        public const string DropTruncateFunction = $"""
            DROP FUNCTION IF EXISTS "{TruncateFunction}"();

            """;

        public static string Create(AppendOnlyTable table) =>
            string.Concat(Functions(table).Select(f => $"""
                CREATE FUNCTION "{f.Name}"() RETURNS trigger LANGUAGE plpgsql AS $$
                BEGIN
                {f.Body}
                END $$;
                {string.Concat(f.Operations.Select(operation => Trigger(table, operation, f.Name, "ROW")))}
                """))
            + Trigger(table, "TRUNCATE", TruncateFunction, "STATEMENT") + "\n";

        public static string Drop(AppendOnlyTable table) =>
            string.Concat(new[] { "UPDATE", "DELETE", "TRUNCATE" }.Select(operation => $"""
                DROP TRIGGER IF EXISTS "{table.TriggerName(operation)}" ON "{table.Name}";

                """))
            + string.Concat(Functions(table).Select(f => $"""
                DROP FUNCTION IF EXISTS "{f.Name}"();

                """));

        private static IEnumerable<(string Name, string Body, string[] Operations)> Functions(AppendOnlyTable table)
        {
            string[] always = table.RefuseDeleteWhen is null ? ["UPDATE", "DELETE"] : ["UPDATE"];
            yield return (always.Length == 1 ? table.TriggerName(always[0]) : $"{table.Name}_RefuseChange",
                $"    RAISE EXCEPTION '{table.Message("%")}', TG_OP;", always);
            if (table.RefuseDeleteWhen is { } when)
            {
                yield return (table.TriggerName("DELETE"), $"""
                        IF {when} THEN
                            RAISE EXCEPTION '{table.Message("DELETE")}';
                        END IF;
                        RETURN OLD;
                    """, ["DELETE"]);
            }
        }

        private static string Trigger(AppendOnlyTable table, string operation, string function, string level) => $"""
            CREATE TRIGGER "{table.TriggerName(operation)}" BEFORE {operation} ON "{table.Name}"
                FOR EACH {level} EXECUTE FUNCTION "{function}"();

            """;
    }
}
