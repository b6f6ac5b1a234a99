using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Dropzone.Portal.Core.Data.Migrations;

/// <inheritdoc />
public partial class SetupRuns : Migration
{
    /// <inheritdoc />
    protected override void Up(MigrationBuilder migrationBuilder)
    {
        migrationBuilder.CreateTable(
            name: "SetupRuns",
            columns: table => new
            {
                Id = table.Column<Guid>(type: "TEXT", nullable: false),
                GroupId = table.Column<Guid>(type: "TEXT", nullable: false),
                Kind = table.Column<string>(type: "TEXT", maxLength: 32, nullable: false),
                State = table.Column<string>(type: "TEXT", maxLength: 32, nullable: false),
                PlanJson = table.Column<string>(type: "TEXT", nullable: false),
                FactsJson = table.Column<string>(type: "TEXT", nullable: false),
                CurrentStep = table.Column<int>(type: "INTEGER", nullable: false),
                CreatedByObjectId = table.Column<string>(type: "TEXT", maxLength: 64, nullable: false),
                CreatedByName = table.Column<string>(type: "TEXT", maxLength: 256, nullable: true),
                CreatedAt = table.Column<DateTime>(type: "TEXT", nullable: false),
                StartedAt = table.Column<DateTime>(type: "TEXT", nullable: true),
                FinishedAt = table.Column<DateTime>(type: "TEXT", nullable: true),
                UpdatedAt = table.Column<DateTime>(type: "TEXT", nullable: false),
                LeaseOwner = table.Column<string>(type: "TEXT", maxLength: 128, nullable: true),
                LeaseExpiresAt = table.Column<DateTime>(type: "TEXT", nullable: true),
                CancelRequested = table.Column<bool>(type: "INTEGER", nullable: false),
                CancelledBy = table.Column<string>(type: "TEXT", maxLength: 256, nullable: true),
                FailureMessage = table.Column<string>(type: "TEXT", maxLength: 4000, nullable: true),
                FailureRemedy = table.Column<string>(type: "TEXT", maxLength: 4000, nullable: true),
                NextAttemptAt = table.Column<DateTime>(type: "TEXT", nullable: true)
            },
            constraints: table =>
            {
                table.PrimaryKey("PK_SetupRuns", x => x.Id);
            });

        migrationBuilder.CreateTable(
            name: "VerificationResults",
            columns: table => new
            {
                Id = table.Column<Guid>(type: "TEXT", nullable: false),
                GroupId = table.Column<Guid>(type: "TEXT", nullable: false),
                RunId = table.Column<Guid>(type: "TEXT", nullable: true),
                Mailbox = table.Column<string>(type: "TEXT", maxLength: 320, nullable: false),
                IsMember = table.Column<bool>(type: "INTEGER", nullable: false),
                Expected = table.Column<string>(type: "TEXT", maxLength: 64, nullable: false),
                Actual = table.Column<string>(type: "TEXT", maxLength: 512, nullable: false),
                Passed = table.Column<bool>(type: "INTEGER", nullable: false),
                CheckedAt = table.Column<DateTime>(type: "TEXT", nullable: false)
            },
            constraints: table =>
            {
                table.PrimaryKey("PK_VerificationResults", x => x.Id);
            });

        migrationBuilder.CreateTable(
            name: "SetupSteps",
            columns: table => new
            {
                Id = table.Column<Guid>(type: "TEXT", nullable: false),
                RunId = table.Column<Guid>(type: "TEXT", nullable: false),
                Index = table.Column<int>(type: "INTEGER", nullable: false),
                Kind = table.Column<string>(type: "TEXT", maxLength: 64, nullable: false),
                Title = table.Column<string>(type: "TEXT", maxLength: 256, nullable: false),
                State = table.Column<string>(type: "TEXT", maxLength: 32, nullable: false),
                Attempts = table.Column<int>(type: "INTEGER", nullable: false),
                StartedAt = table.Column<DateTime>(type: "TEXT", nullable: true),
                FinishedAt = table.Column<DateTime>(type: "TEXT", nullable: true),
                LastCommand = table.Column<string>(type: "TEXT", maxLength: 4000, nullable: true),
                LastAnswer = table.Column<string>(type: "TEXT", maxLength: 4000, nullable: true),
                Summary = table.Column<string>(type: "TEXT", maxLength: 4000, nullable: true),
                NextAttemptAt = table.Column<DateTime>(type: "TEXT", nullable: true)
            },
            constraints: table =>
            {
                table.PrimaryKey("PK_SetupSteps", x => x.Id);
                table.ForeignKey(
                    name: "FK_SetupSteps_SetupRuns_RunId",
                    column: x => x.RunId,
                    principalTable: "SetupRuns",
                    principalColumn: "Id",
                    onDelete: ReferentialAction.Cascade);
            });

        migrationBuilder.CreateTable(
            name: "StepAttempts",
            columns: table => new
            {
                Id = table.Column<Guid>(type: "TEXT", nullable: false),
                StepId = table.Column<Guid>(type: "TEXT", nullable: false),
                RunId = table.Column<Guid>(type: "TEXT", nullable: false),
                Number = table.Column<int>(type: "INTEGER", nullable: false),
                StartedAt = table.Column<DateTime>(type: "TEXT", nullable: false),
                EndedAt = table.Column<DateTime>(type: "TEXT", nullable: true),
                Outcome = table.Column<string>(type: "TEXT", maxLength: 32, nullable: false),
                Commands = table.Column<string>(type: "TEXT", maxLength: 16000, nullable: true),
                Answer = table.Column<string>(type: "TEXT", maxLength: 16000, nullable: true),
                Calls = table.Column<int>(type: "INTEGER", nullable: false),
                CriticalPathCalls = table.Column<int>(type: "INTEGER", nullable: false),
                WorkerId = table.Column<string>(type: "TEXT", maxLength: 128, nullable: true)
            },
            constraints: table =>
            {
                table.PrimaryKey("PK_StepAttempts", x => x.Id);
                table.ForeignKey(
                    name: "FK_StepAttempts_SetupSteps_StepId",
                    column: x => x.StepId,
                    principalTable: "SetupSteps",
                    principalColumn: "Id",
                    onDelete: ReferentialAction.Cascade);
            });

        migrationBuilder.CreateIndex(
            name: "IX_SetupRuns_GroupId",
            table: "SetupRuns",
            column: "GroupId");

        migrationBuilder.CreateIndex(
            name: "IX_SetupRuns_State",
            table: "SetupRuns",
            column: "State");

        migrationBuilder.CreateIndex(
            name: "IX_SetupSteps_RunId_Index",
            table: "SetupSteps",
            columns: new[] { "RunId", "Index" },
            unique: true);

        migrationBuilder.CreateIndex(
            name: "IX_StepAttempts_RunId",
            table: "StepAttempts",
            column: "RunId");

        migrationBuilder.CreateIndex(
            name: "IX_StepAttempts_StepId_Number",
            table: "StepAttempts",
            columns: new[] { "StepId", "Number" },
            unique: true);

        migrationBuilder.CreateIndex(
            name: "IX_VerificationResults_GroupId_CheckedAt",
            table: "VerificationResults",
            columns: new[] { "GroupId", "CheckedAt" });
    }

    /// <inheritdoc />
    protected override void Down(MigrationBuilder migrationBuilder)
    {
        migrationBuilder.DropTable(
            name: "StepAttempts");

        migrationBuilder.DropTable(
            name: "VerificationResults");

        migrationBuilder.DropTable(
            name: "SetupSteps");

        migrationBuilder.DropTable(
            name: "SetupRuns");
    }
}
