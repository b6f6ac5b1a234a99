using Dropzone.Portal.Core.Restriction;

namespace Dropzone.Portal.Core.Tests.Setup;

/// <summary>
/// The state every real deployment passes through: Exchange's Test-* answers as expected while Graph may still enforce
/// the old access. The run's step and its audit entry say what was proven and what is pending, with the re-check times.
/// </summary>
public sealed class VerificationWordingTests
{
    [Theory]
    [InlineData("ApplicationAccessPolicy", "Test-ApplicationAccessPolicy")]
    [InlineData("RbacForApplications", "Test-ServicePrincipalAuthorization")]
    public async Task AdvanceAsync_ExchangeVerifiedWhileGraphLags_StepAndAuditSayProvenAndPendingWithRecheckTimes(string mode, string test)
    {
        await using var bed = await SetupTestBed.CreateAsync();
        bed.SetFaults(f => f with { GraphEnforcementDelay = TimeSpan.FromHours(1) });
        // An access policy narrows the Entra grant; RBAC for Applications needs it gone (else effective access does not match).
        bed.Tenant.SetApplicationPermission(DemoTenant.RestrictedAppId, "Mail.Read", mode == "ApplicationAccessPolicy");
        var runId = await bed.Launcher.StartAsync(SetupTestBed.Request(bed.DemoMailboxes().Take(2).ToList(), new RestrictionMode(mode)), SetupTestBed.Admin);

        Assert.Equal(AdvanceOutcome.Succeeded, await bed.DriveAsync(runId));

        await using var db = bed.CreateDbContext();
        var group = await db.ManagedGroups.SingleAsync();
        var step = (await bed.RunAsync(runId)).Steps.Single(s => s.Kind == SetupStepKind.Verify);
        Assert.True(group.VerifiedAt is not null, $"{group.Status}: {step.Summary}");
        var verifiedAt = group.VerifiedAt!.Value;
        var times = string.Join(", ", bed.Options.ReverificationSchedule.Select(s => (verifiedAt + s).UtcDateTime.ToString("yyyy-MM-dd HH:mm 'UTC'", System.Globalization.CultureInfo.InvariantCulture)));
        var audit = await db.AuditEntries.SingleAsync(e => e.Action == AuditActions.VerificationCompleted);
        foreach (var text in new[] { audit.Answer!, step.Summary! })
        {
            Assert.Contains($"Proven: Exchange's {test} gave the expected answer in all 3 check(s)", text, StringComparison.Ordinal);
            Assert.Contains($"Pending: Graph enforcement.", text, StringComparison.Ordinal);
            Assert.Contains($"the portal checks again at {times}.", text, StringComparison.Ordinal);
        }
        Assert.Equal(ManagedGroupStatus.VerifiedInExchange, group.Status);
    }
}
