namespace Dropzone.Portal.Core.Tests.Setup;

/// <summary>
/// Exchange's REST cmdlets may run up to 15 minutes, longer than the client's attempt. A bulk member update the
/// client stopped waiting for goes on in the tenant: the run must not read back a membership about to change, nor send
/// single adds beside the bulk call, until the server's operation limit has passed.
/// </summary>
public sealed class LongOperationTests
{
    // The clients give up after 2 s (real time); the emulator's operation runs 10 minutes of the bed's fake clock.
    private static readonly Dictionary<string, string?> ShortAttempt = new() { ["TenantClients:AttemptTimeout"] = "00:00:02" };

    private static async Task<SetupRequest> AdoptableGroupAsync(SetupTestBed bed, IReadOnlyList<string> members)
    {
        var request = SetupTestBed.Request(members) with { AdoptExisting = true };
        var created = await bed.Exchange.InvokeAsync(ExchangeCommands.NewDistributionGroup(request.GroupDisplayName, [DemoTenant.OwnerUpn], request.GroupDisplayName,
            request.GroupAlias, request.GroupAddress, members: [DemoTenant.AdminUpn]));
        Assert.True(created.IsSuccess, created.Outcome.ToString());
        return request;
    }

    [Fact]
    public async Task AdvanceAsync_BulkUpdateOutlivesTheClientsAttempt_WaitsForTheServerAndSendsNoSingleAddBesideIt()
    {
        await using var bed = await SetupTestBed.CreateAsync(o => o.VerificationSampleSize = 5, clientSettings: ShortAttempt);
        var members = bed.AddMailboxes(60, "long");
        var request = await AdoptableGroupAsync(bed, members);
        bed.SetFaults(f => f with { LongOperationDuration = TimeSpan.FromMinutes(10), LongOperationMemberThreshold = 50 });
        var runId = await bed.Launcher.StartAsync(request, SetupTestBed.Admin);

        Assert.Equal(AdvanceOutcome.Succeeded, await bed.DriveAsync(runId));

        Assert.Equal(members.Order(StringComparer.OrdinalIgnoreCase), (await bed.GroupMembersAsync(request.GroupAddress)).Order(StringComparer.OrdinalIgnoreCase),
            StringComparer.OrdinalIgnoreCase);
        var update = Assert.Single(bed.Tenant.Calls, c => c.Operation == "Update-DistributionGroupMember");
        Assert.Equal(499, update.Status);
        // Single member changes go ten to an Exchange $batch: none while the operation ran, and none after it either.
        Assert.DoesNotContain(bed.Tenant.Calls, c => c.Operation is "Add-DistributionGroupMember" or "Remove-DistributionGroupMember"
            || (c.Service == "outlook" && c.Path.EndsWith("$batch", StringComparison.Ordinal) && c.ReceivedAt < update.ReceivedAt + TimeSpan.FromMinutes(10)));
        var step = (await bed.RunAsync(runId)).Steps.Single(s => s.Kind == SetupStepKind.EnsureMembers);
        var waited = step.AttemptLog.Single(a => a.Outcome == StepAttemptOutcome.Waiting);
        Assert.Contains("may still be applying", waited.Answer, StringComparison.Ordinal);
        Assert.Contains("read back after the bulk update", step.Summary, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("nothing more sent", step.Summary, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AdvanceAsync_BulkUpdateDroppedAfterATimeout_ReadBackAfterTheLimitAddsOneByOne()
    {
        await using var bed = await SetupTestBed.CreateAsync(o => o.VerificationSampleSize = 5);
        var members = bed.AddMailboxes(60, "dropped");
        var request = await AdoptableGroupAsync(bed, members);
        bed.SetFaults(f => f with { BulkTimeoutAppliedThreshold = 30, BulkTimeoutDroppedThreshold = 50 });
        var runId = await bed.Launcher.StartAsync(request, SetupTestBed.Admin);

        Assert.Equal(AdvanceOutcome.Succeeded, await bed.DriveAsync(runId));

        Assert.Equal(60, (await bed.GroupMembersAsync(request.GroupAddress)).Count);
        var update = Assert.Single(bed.Tenant.Calls, c => c.Operation == "Update-DistributionGroupMember");
        // The single adds go ten to an Exchange $batch.
        var firstAdd = bed.Tenant.Calls.First(c => c.Service == "outlook" && c.Path.EndsWith("$batch", StringComparison.Ordinal));
        Assert.True(firstAdd.ReceivedAt >= update.ReceivedAt + bed.Options.ExchangeOperationLimit,
            $"The first single add came {firstAdd.ReceivedAt - update.ReceivedAt} after the bulk update.");
    }
}
