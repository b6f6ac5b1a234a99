using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Dropzone.Portal.Core.Data.Migrations;

/// <inheritdoc />
public partial class EffectiveAccess : Migration
{
    /// <inheritdoc />
    protected override void Up(MigrationBuilder migrationBuilder)
    {
        migrationBuilder.AddColumn<DateTimeOffset>(
            name: "AccessCheckedAt",
            table: "ManagedGroups",
            type: "TEXT",
            nullable: true);

        migrationBuilder.AddColumn<string>(
            name: "AccessSummary",
            table: "ManagedGroups",
            type: "TEXT",
            maxLength: 4000,
            nullable: true);
    }

    /// <inheritdoc />
    protected override void Down(MigrationBuilder migrationBuilder)
    {
        migrationBuilder.DropColumn(
            name: "AccessCheckedAt",
            table: "ManagedGroups");

        migrationBuilder.DropColumn(
            name: "AccessSummary",
            table: "ManagedGroups");
    }
}
