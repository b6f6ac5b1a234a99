using Dropzone.Portal.Core.Restriction.Rbac;
using Dropzone.Portal.TenantClients.Commands;

namespace Dropzone.Portal.Core.Tests.Setup;

/// <summary>New-ManagementScope and New-ManagementRoleAssignment take a -Name of at most 64 characters; the wizard allows 64-character aliases.</summary>
public sealed class RbacNameLimitTests
{
    private static readonly string LongAlias = "a" + new string('b', 62) + "z";

    [Fact]
    public async Task AdvanceAsync_RbacModeWithA64CharacterAlias_Succeeds()
    {
        await using var bed = await SetupTestBed.CreateAsync();
        var request = SetupTestBed.Request(bed.DemoMailboxes().Take(2).ToList(), RestrictionMode.RbacForApplications, LongAlias) with { GroupDisplayName = "Long alias scope" };
        var runId = await bed.Launcher.StartAsync(request, SetupTestBed.Admin);

        Assert.Equal(AdvanceOutcome.Succeeded, await bed.DriveAsync(runId));

        var snapshot = bed.Snapshot();
        Assert.All(snapshot["managementScopes"]!.AsArray(), s => Assert.True(s!["Name"]!.GetValue<string>().Length <= 64));
        Assert.Equal(request.RbacRoles.Count, snapshot["assignments"]!.AsArray().Count);
    }

    [Fact]
    public void Names_LongAlias_FitDeterministicallyAndStayDistinct()
    {
        var options = new SetupOptions();
        var request = SetupTestBed.Request([], RestrictionMode.RbacForApplications, LongAlias);
        var other = SetupTestBed.Request([], RestrictionMode.RbacForApplications, LongAlias[..^1] + "y");

        var names = new[] { RbacCommands.ScopeName(request, options), RbacCommands.ScopeName(other, options) }
            .Concat(new[] { "Application Mail.Read", "Application Mail.ReadWrite", "Application Exchange Full Access" }.Select(role => RbacCommands.AssignmentName(request, options, role)))
            .ToList();

        Assert.All(names, n => Assert.InRange(n.Length, 1, ExchangeNames.MaxNameLength));
        Assert.Equal(names.Count, names.Distinct(StringComparer.OrdinalIgnoreCase).Count());
        Assert.Equal(RbacCommands.ScopeName(request, options), RbacCommands.ScopeName(request, options));
        Assert.Equal("Dropzone short", RbacCommands.ScopeName(SetupTestBed.Request([], RestrictionMode.RbacForApplications, "short"), options));
    }
}
