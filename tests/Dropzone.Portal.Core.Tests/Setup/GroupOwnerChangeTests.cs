namespace Dropzone.Portal.Core.Tests.Setup;

public sealed class GroupOwnerChangeTests
{
    [Fact]
    public async Task StartAsync_NewOwners_RunSetsThemAndKeepsEveryMember()
    {
        await using var bed = await SetupTestBed.CreateAsync();
        var request = SetupTestBed.Request([.. bed.DemoMailboxes().Take(3)]);
        Assert.Equal(AdvanceOutcome.Succeeded, await bed.DriveAsync(await bed.Launcher.StartAsync(request, SetupTestBed.Admin)));
        var groupId = (await bed.Reader.ListGroupsAsync()).Single().Id;
        var membersBefore = await bed.GroupMembersAsync(request.GroupAddress);
        var change = new GroupOwnerChange(bed, bed.Directory, bed.Exchange, bed.Launcher);

        var result = await change.StartAsync(groupId, ["sam.sample@" + DemoTenant.Domain, DemoTenant.OwnerUpn], SetupTestBed.Admin);

        Assert.True(result.Started, result.Error);
        Assert.Equal(AdvanceOutcome.Succeeded, await bed.DriveAsync(result.RunId!.Value));
        var group = bed.Tenant.FindGroup(request.GroupAddress)!;
        Assert.Equal(
            new[] { DemoTenant.OwnerUpn, "sam.sample@" + DemoTenant.Domain }.Order(StringComparer.OrdinalIgnoreCase),
            group.Owners.Order(StringComparer.OrdinalIgnoreCase), StringComparer.OrdinalIgnoreCase);
        Assert.Equal(membersBefore.Order(), (await bed.GroupMembersAsync(request.GroupAddress)).Order());
        Assert.Single(bed.Snapshot()["groups"]!.AsArray(), g => g!["primarySmtpAddress"]!.GetValue<string>() == request.GroupAddress);
    }

    [Theory]
    [InlineData("", "at least one owner")]
    [InlineData("nobody-here@contoso.example", "not a user of this tenant")]
    [InlineData("uma.unlicensed@contoso.example", "no mailbox")]
    public async Task StartAsync_BadOwners_RefusedWithReasonAndNoRunStarted(string owner, string reason)
    {
        await using var bed = await SetupTestBed.CreateAsync();
        var request = SetupTestBed.Request([.. bed.DemoMailboxes().Take(2)]);
        Assert.Equal(AdvanceOutcome.Succeeded, await bed.DriveAsync(await bed.Launcher.StartAsync(request, SetupTestBed.Admin)));
        var groupId = (await bed.Reader.ListGroupsAsync()).Single().Id;
        var runsBefore = (await bed.Reader.ListRunsAsync(groupId)).Count;

        var result = await new GroupOwnerChange(bed, bed.Directory, bed.Exchange, bed.Launcher).StartAsync(groupId, [owner], SetupTestBed.Admin);

        Assert.False(result.Started);
        Assert.Contains(reason, result.Error, StringComparison.Ordinal);
        Assert.Equal(runsBefore, (await bed.Reader.ListRunsAsync(groupId)).Count);
    }
}
