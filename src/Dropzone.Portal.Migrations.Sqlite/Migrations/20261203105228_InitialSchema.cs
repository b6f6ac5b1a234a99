using System;
using Dropzone.Portal.Core.Data;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Dropzone.Portal.Migrations.Sqlite.Migrations;

/// <inheritdoc />
public partial class InitialSchema : Migration
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

        migrationBuilder.CreateTable(
            name: "DataProtectionKeys",
            columns: table => new
            {
                Id = table.Column<int>(type: "INTEGER", nullable: false)
                    .Annotation("Sqlite:Autoincrement", true),
                FriendlyName = table.Column<string>(type: "TEXT", nullable: true),
                Xml = table.Column<string>(type: "TEXT", nullable: true)
            },
            constraints: table =>
            {
                table.PrimaryKey("PK_DataProtectionKeys", x => x.Id);
            });

        migrationBuilder.CreateTable(
            name: "ManagedGroups",
            columns: table => new
            {
                Id = table.Column<Guid>(type: "TEXT", nullable: false),
                DisplayName = table.Column<string>(type: "TEXT", maxLength: 256, nullable: false),
                Alias = table.Column<string>(type: "TEXT", maxLength: 64, nullable: false),
                PrimarySmtpAddress = table.Column<string>(type: "TEXT", maxLength: 320, nullable: false),
                Description = table.Column<string>(type: "TEXT", maxLength: 1024, nullable: true),
                DirectoryObjectId = table.Column<string>(type: "TEXT", maxLength: 64, nullable: true),
                DistinguishedName = table.Column<string>(type: "TEXT", maxLength: 1024, nullable: true),
                AllowExternalSenders = table.Column<bool>(type: "INTEGER", nullable: false),
                OwnersApproveMembers = table.Column<bool>(type: "INTEGER", nullable: false),
                RestrictionMode = table.Column<string>(type: "TEXT", maxLength: 32, nullable: false),
                RestrictedAppId = table.Column<string>(type: "TEXT", maxLength: 64, nullable: false),
                RestrictedAppDisplayName = table.Column<string>(type: "TEXT", maxLength: 256, nullable: true),
                Status = table.Column<string>(type: "TEXT", maxLength: 32, nullable: false),
                MemberCount = table.Column<int>(type: "INTEGER", nullable: false),
                CreatedAt = table.Column<DateTimeOffset>(type: "TEXT", nullable: false),
                CreatedByObjectId = table.Column<string>(type: "TEXT", maxLength: 64, nullable: false),
                ConfiguredAt = table.Column<DateTimeOffset>(type: "TEXT", nullable: true),
                VerifiedAt = table.Column<DateTimeOffset>(type: "TEXT", nullable: true),
                LastCheckedAt = table.Column<DateTimeOffset>(type: "TEXT", nullable: true),
                NextCheckAt = table.Column<DateTimeOffset>(type: "TEXT", nullable: true),
                AccessSummary = table.Column<string>(type: "TEXT", maxLength: 4000, nullable: true),
                AccessCheckedAt = table.Column<DateTimeOffset>(type: "TEXT", nullable: true),
                DriftSummary = table.Column<string>(type: "TEXT", maxLength: 4000, nullable: true),
                OwnersRefreshedAt = table.Column<DateTimeOffset>(type: "TEXT", nullable: true)
            },
            constraints: table =>
            {
                table.PrimaryKey("PK_ManagedGroups", x => x.Id);
            });

        migrationBuilder.CreateTable(
            name: "PortalInstances",
            columns: table => new
            {
                Id = table.Column<string>(type: "TEXT", maxLength: 64, nullable: false),
                HostName = table.Column<string>(type: "TEXT", maxLength: 256, nullable: false),
                ProcessId = table.Column<int>(type: "INTEGER", nullable: false),
                ProcessStartedAt = table.Column<DateTime>(type: "TEXT", nullable: false),
                AppPath = table.Column<string>(type: "TEXT", maxLength: 1024, nullable: false),
                StartedAt = table.Column<DateTime>(type: "TEXT", nullable: false),
                HeartbeatAt = table.Column<DateTime>(type: "TEXT", nullable: false)
            },
            constraints: table =>
            {
                table.PrimaryKey("PK_PortalInstances", x => x.Id);
            });

        migrationBuilder.CreateTable(
            name: "SetupDrafts",
            columns: table => new
            {
                OwnerObjectId = table.Column<string>(type: "TEXT", maxLength: 64, nullable: false),
                Step = table.Column<int>(type: "INTEGER", nullable: false),
                Furthest = table.Column<int>(type: "INTEGER", nullable: false),
                Revision = table.Column<long>(type: "INTEGER", nullable: false),
                ClosedAt = table.Column<DateTimeOffset>(type: "TEXT", nullable: true),
                StateJson = table.Column<string>(type: "TEXT", nullable: false),
                UpdatedAt = table.Column<DateTimeOffset>(type: "TEXT", nullable: false)
            },
            constraints: table =>
            {
                table.PrimaryKey("PK_SetupDrafts", x => x.OwnerObjectId);
            });

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
                LeaseInstanceId = table.Column<string>(type: "TEXT", maxLength: 64, nullable: true),
                LeaseExpiresAt = table.Column<DateTime>(type: "TEXT", nullable: true),
                LeaseGeneration = table.Column<long>(type: "INTEGER", nullable: false),
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
            name: "ManagedGroupOwners",
            columns: table => new
            {
                Id = table.Column<int>(type: "INTEGER", nullable: false)
                    .Annotation("Sqlite:Autoincrement", true),
                ObjectId = table.Column<string>(type: "TEXT", maxLength: 64, nullable: false),
                UserPrincipalName = table.Column<string>(type: "TEXT", maxLength: 320, nullable: false),
                DisplayName = table.Column<string>(type: "TEXT", maxLength: 256, nullable: false),
                GroupId = table.Column<Guid>(type: "TEXT", nullable: false)
            },
            constraints: table =>
            {
                table.PrimaryKey("PK_ManagedGroupOwners", x => x.Id);
                table.ForeignKey(
                    name: "FK_ManagedGroupOwners_ManagedGroups_GroupId",
                    column: x => x.GroupId,
                    principalTable: "ManagedGroups",
                    principalColumn: "Id",
                    onDelete: ReferentialAction.Cascade);
            });

        migrationBuilder.CreateTable(
            name: "MemberRequests",
            columns: table => new
            {
                Id = table.Column<Guid>(type: "TEXT", nullable: false),
                GroupId = table.Column<Guid>(type: "TEXT", nullable: false),
                Change = table.Column<string>(type: "TEXT", maxLength: 16, nullable: false),
                MailboxAddress = table.Column<string>(type: "TEXT", maxLength: 320, nullable: false),
                MailboxObjectId = table.Column<string>(type: "TEXT", maxLength: 64, nullable: true),
                MailboxDisplayName = table.Column<string>(type: "TEXT", maxLength: 256, nullable: false),
                Justification = table.Column<string>(type: "TEXT", maxLength: 1000, nullable: false),
                RequestedByObjectId = table.Column<string>(type: "TEXT", maxLength: 64, nullable: false),
                RequestedByUpn = table.Column<string>(type: "TEXT", maxLength: 320, nullable: false),
                RequestedByName = table.Column<string>(type: "TEXT", maxLength: 256, nullable: false),
                RequestedAt = table.Column<DateTimeOffset>(type: "TEXT", nullable: false),
                State = table.Column<string>(type: "TEXT", maxLength: 16, nullable: false),
                DecidedByObjectId = table.Column<string>(type: "TEXT", maxLength: 64, nullable: true),
                DecidedByUpn = table.Column<string>(type: "TEXT", maxLength: 320, nullable: true),
                DecidedByName = table.Column<string>(type: "TEXT", maxLength: 256, nullable: true),
                DecidedAt = table.Column<DateTimeOffset>(type: "TEXT", nullable: true),
                DecisionComment = table.Column<string>(type: "TEXT", maxLength: 1000, nullable: true),
                AppliedAt = table.Column<DateTimeOffset>(type: "TEXT", nullable: true),
                FailureReason = table.Column<string>(type: "TEXT", maxLength: 4000, nullable: true),
                ApplyAttempts = table.Column<int>(type: "INTEGER", nullable: false),
                VerificationResult = table.Column<string>(type: "TEXT", maxLength: 64, nullable: true),
                UpdatedAt = table.Column<DateTimeOffset>(type: "TEXT", nullable: false),
                Version = table.Column<Guid>(type: "TEXT", nullable: false)
            },
            constraints: table =>
            {
                table.PrimaryKey("PK_MemberRequests", x => x.Id);
                table.ForeignKey(
                    name: "FK_MemberRequests_ManagedGroups_GroupId",
                    column: x => x.GroupId,
                    principalTable: "ManagedGroups",
                    principalColumn: "Id",
                    onDelete: ReferentialAction.Restrict);
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

        migrationBuilder.CreateIndex(
            name: "IX_ManagedGroupOwners_GroupId",
            table: "ManagedGroupOwners",
            column: "GroupId");

        migrationBuilder.CreateIndex(
            name: "IX_ManagedGroupOwners_ObjectId",
            table: "ManagedGroupOwners",
            column: "ObjectId");

        migrationBuilder.CreateIndex(
            name: "IX_ManagedGroups_NextCheckAt",
            table: "ManagedGroups",
            column: "NextCheckAt");

        migrationBuilder.CreateIndex(
            name: "IX_ManagedGroups_PrimarySmtpAddress",
            table: "ManagedGroups",
            column: "PrimarySmtpAddress",
            unique: true);

        migrationBuilder.CreateIndex(
            name: "IX_MemberRequests_GroupId_MailboxAddress_State",
            table: "MemberRequests",
            columns: new[] { "GroupId", "MailboxAddress", "State" });

        migrationBuilder.CreateIndex(
            name: "IX_MemberRequests_GroupId_State",
            table: "MemberRequests",
            columns: new[] { "GroupId", "State" });

        migrationBuilder.CreateIndex(
            name: "IX_MemberRequests_RequestedByObjectId_RequestedAt",
            table: "MemberRequests",
            columns: new[] { "RequestedByObjectId", "RequestedAt" });

        migrationBuilder.CreateIndex(
            name: "IX_PortalInstances_HeartbeatAt",
            table: "PortalInstances",
            column: "HeartbeatAt");

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

        // Hand-written: the database refuses UPDATE and DELETE on the audit history (see AuditTriggers).
        migrationBuilder.Sql(AuditTriggers.Sqlite.Create);
    }

    /// <inheritdoc />
    protected override void Down(MigrationBuilder migrationBuilder)
    {
        migrationBuilder.Sql(AuditTriggers.Sqlite.Drop);

        migrationBuilder.DropTable(
            name: "AuditArchiveCuts");

        migrationBuilder.DropTable(
            name: "AuditEntries");

        migrationBuilder.DropTable(
            name: "DataProtectionKeys");

        migrationBuilder.DropTable(
            name: "ManagedGroupOwners");

        migrationBuilder.DropTable(
            name: "MemberRequests");

        migrationBuilder.DropTable(
            name: "PortalInstances");

        migrationBuilder.DropTable(
            name: "SetupDrafts");

        migrationBuilder.DropTable(
            name: "StepAttempts");

        migrationBuilder.DropTable(
            name: "VerificationResults");

        migrationBuilder.DropTable(
            name: "ManagedGroups");

        migrationBuilder.DropTable(
            name: "SetupSteps");

        migrationBuilder.DropTable(
            name: "SetupRuns");
    }
}
