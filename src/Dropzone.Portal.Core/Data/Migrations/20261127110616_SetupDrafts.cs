using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Dropzone.Portal.Core.Data.Migrations;

/// <inheritdoc />
public partial class SetupDrafts : Migration
{
    /// <inheritdoc />
    protected override void Up(MigrationBuilder migrationBuilder)
    {
        migrationBuilder.CreateTable(
            name: "SetupDrafts",
            columns: table => new
            {
                OwnerObjectId = table.Column<string>(type: "TEXT", maxLength: 64, nullable: false),
                Step = table.Column<int>(type: "INTEGER", nullable: false),
                StateJson = table.Column<string>(type: "TEXT", nullable: false),
                UpdatedAt = table.Column<DateTimeOffset>(type: "TEXT", nullable: false)
            },
            constraints: table =>
            {
                table.PrimaryKey("PK_SetupDrafts", x => x.OwnerObjectId);
            });
    }

    /// <inheritdoc />
    protected override void Down(MigrationBuilder migrationBuilder)
    {
        migrationBuilder.DropTable(
            name: "SetupDrafts");
    }
}
