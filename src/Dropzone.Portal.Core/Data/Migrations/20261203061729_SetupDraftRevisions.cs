using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Dropzone.Portal.Core.Data.Migrations;

/// <inheritdoc />
public partial class SetupDraftRevisions : Migration
{
    /// <inheritdoc />
    protected override void Up(MigrationBuilder migrationBuilder)
    {
        migrationBuilder.AddColumn<DateTimeOffset>(
            name: "ClosedAt",
            table: "SetupDrafts",
            type: "TEXT",
            nullable: true);

        migrationBuilder.AddColumn<int>(
            name: "Furthest",
            table: "SetupDrafts",
            type: "INTEGER",
            nullable: false,
            defaultValue: 0);

        migrationBuilder.AddColumn<long>(
            name: "Revision",
            table: "SetupDrafts",
            type: "INTEGER",
            nullable: false,
            defaultValue: 0L);

        // Drafts saved before revisions existed: revision 1, so that the next save over them is not taken for a first save.
        migrationBuilder.Sql("UPDATE \"SetupDrafts\" SET \"Revision\" = 1, \"Furthest\" = \"Step\";");
    }

    /// <inheritdoc />
    protected override void Down(MigrationBuilder migrationBuilder)
    {
        migrationBuilder.DropColumn(
            name: "ClosedAt",
            table: "SetupDrafts");

        migrationBuilder.DropColumn(
            name: "Furthest",
            table: "SetupDrafts");

        migrationBuilder.DropColumn(
            name: "Revision",
            table: "SetupDrafts");
    }
}
