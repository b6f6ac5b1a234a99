using Dropzone.Portal.Core.Data;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Dropzone.Portal.Core.Data.Migrations;

/// <summary>
/// Hand-written: the database refuses UPDATE and DELETE on the audit history (see <see cref="AuditTriggers"/>).
/// Kept apart from the generated schema migrations and dated last so that it always runs after the tables exist.
/// PostgreSQL equivalent: a BEFORE UPDATE OR DELETE trigger function that RAISEs EXCEPTION unless
/// (TG_OP = 'DELETE' AND OLD."Sequence" &lt;= (SELECT max("ThroughSequence") FROM "AuditArchiveCuts")),
/// plus REVOKE UPDATE, DELETE ON "AuditEntries" FROM the application role where roles are separated.
/// </summary>
[DbContext(typeof(PortalDbContext))]
[Migration("20261127235900_AuditAppendOnly")]
public partial class AuditAppendOnly : Migration
{
    protected override void Up(MigrationBuilder migrationBuilder) => migrationBuilder.Sql(AuditTriggers.Create);

    protected override void Down(MigrationBuilder migrationBuilder) => migrationBuilder.Sql(AuditTriggers.Drop);
}
