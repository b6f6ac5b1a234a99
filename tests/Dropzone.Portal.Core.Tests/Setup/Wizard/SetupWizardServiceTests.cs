namespace Dropzone.Portal.Core.Tests.Setup.Wizard;

public sealed class SetupWizardServiceTests : IAsyncLifetime
{
    private SetupTestBed _bed = null!;
    private SetupWizardService _service = null!;

    public async Task InitializeAsync()
    {
        _bed = await SetupTestBed.CreateAsync();
        _service = new SetupWizardService(_bed.Directory, _bed.Exchange, _bed.Modes, _bed.PermissionPreflight());
    }

    public async Task DisposeAsync() => await _bed.DisposeAsync();

    [Fact]
    public async Task Application_Found_FillsNameIdsAndUnscopedGrant()
    {
        var state = new SetupWizardState { AppClientId = DemoTenant.RestrictedAppId };
        var check = await _service.CheckApplicationAsync(state);
        Assert.True(check.IsValid);
        Assert.Equal(DemoTenant.RestrictedAppDisplayName, state.AppDisplayName);
        Assert.Equal(DemoTenant.RestrictedServicePrincipalId, state.AppServicePrincipalId);
        Assert.Contains("Mail.Read", state.AppUnscopedMailPermissions);
    }

    [Theory]
    [InlineData("not-a-guid", "must be a GUID")]
    [InlineData("dd0e0000-0000-4000-8000-00000000ffff", "No application with client id")]
    public async Task Application_BadOrUnknown_SpecificMessage(string id, string message)
    {
        var check = await _service.CheckApplicationAsync(new SetupWizardState { AppClientId = id });
        Assert.Contains(message, Assert.Single(check.Errors), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Group_AddressOfAMailbox_SpecificError()
    {
        var state = new SetupWizardState { GroupDisplayName = "x", GroupAlias = "phishing-reports", GroupDomain = DemoTenant.Domain };
        var (check, existing) = await _service.CheckGroupAsync(state);
        Assert.Contains("shared mailbox", Assert.Single(check.Errors), StringComparison.Ordinal);
        Assert.False(existing!.IsSecurityGroup);
    }

    [Fact]
    public async Task Group_FreeAddress_Ok_AndDomainsListed()
    {
        var state = new SetupWizardState { GroupDisplayName = "Dropzone scope", GroupAlias = "dropzone-scope", GroupDomain = DemoTenant.Domain };
        var (check, existing) = await _service.CheckGroupAsync(state);
        Assert.True(check.IsValid, string.Join(" ", check.Errors));
        Assert.Null(existing);
        Assert.Contains(DemoTenant.Domain, await _service.GetDomainsAsync());
    }

    [Fact]
    public async Task Owners_NoneOrWithoutMailbox_Refused()
    {
        var none = await _service.CheckOwnersAsync(new SetupWizardState());
        Assert.Contains("at least one owner", Assert.Single(none.Errors), StringComparison.Ordinal);

        var state = new SetupWizardState { Owners = [new SetupPerson("x", DemoTenant.UnlicensedUserUpn, "Uma Unlicensed")] };
        var noMailbox = await _service.CheckOwnersAsync(state);
        Assert.Contains("no mailbox", Assert.Single(noMailbox.Errors), StringComparison.Ordinal);

        state.Owners = [new SetupPerson("x", DemoTenant.OwnerUpn, "Olivia Owner")];
        Assert.True((await _service.CheckOwnersAsync(state)).IsValid);
    }

    [Fact]
    public void Restriction_RbacWithUnscopedGrant_Warns_AapDoesNot()
    {
        var state = new SetupWizardState
        {
            AppServicePrincipalId = "sp",
            AppUnscopedMailPermissions = ["Mail.Read"],
            RestrictionMode = RestrictionMode.RbacForApplications,
        };
        var rbac = SetupWizardService.CheckRestriction(state, _bed.Modes);
        Assert.True(rbac.IsValid);
        Assert.Contains("restrict nothing", Assert.Single(rbac.Warnings), StringComparison.Ordinal);

        state.RestrictionMode = RestrictionMode.ApplicationAccessPolicy;
        Assert.Empty(SetupWizardService.CheckRestriction(state, _bed.Modes).Warnings);

        state.RestrictionMode = RestrictionMode.RbacForApplications;
        state.RbacRoles = [];
        Assert.Contains("at least one Application role", Assert.Single(SetupWizardService.CheckRestriction(state, _bed.Modes).Errors), StringComparison.Ordinal);
    }

    [Fact]
    public void Members_NoneRefused()
    {
        Assert.Contains("at least one member", Assert.Single(SetupWizardService.CheckMembers(new SetupWizardState()).Errors), StringComparison.Ordinal);
    }

    private static SetupWizardState ValidState(RestrictionMode mode) => new()
    {
        AppClientId = DemoTenant.RestrictedAppId,
        GroupDisplayName = "Dropzone preflight",
        GroupAlias = "dropzone-preflight",
        GroupDomain = DemoTenant.Domain,
        Owners = [new SetupPerson(DemoTenant.UserId(3).ToString(), DemoTenant.OwnerUpn, "Olivia Owner")],
        PickedMembers = [new SetupMember(DemoTenant.PhishingReportMailbox)],
        RestrictionMode = mode,
    };

    [Fact]
    public async Task CheckAllAsync_RoleLacksNewApplicationAccessPolicy_ReportedOnTheReviewAndNothingCreated()
    {
        _bed.Tenant.SetExchangeRole(DemoTenant.PortalClientId, "Exchange Recipient Administrator");
        var groupsBefore = _bed.Snapshot()["groups"]!.AsArray().Count;

        var failed = await _service.CheckAllAsync(ValidState(RestrictionMode.ApplicationAccessPolicy));

        var (step, check) = Assert.NotNull(failed);
        Assert.Equal(SetupWizardSteps.Review, step);
        var error = Assert.Single(check.Errors);
        Assert.Contains("its role lacks 3 needed cmdlet(s): Get-ApplicationAccessPolicy, New-ApplicationAccessPolicy, Test-ApplicationAccessPolicy.", error, StringComparison.Ordinal);
        Assert.Contains("Nothing has been created.", error, StringComparison.Ordinal);
        Assert.Equal(groupsBefore, _bed.Snapshot()["groups"]!.AsArray().Count);
        Assert.Empty(_bed.Snapshot()["policies"]!.AsArray());
        Assert.DoesNotContain(_bed.Tenant.Calls, c => c.Operation is { } op && op.StartsWith("New-", StringComparison.Ordinal));
    }

    [Fact]
    public async Task CheckAllAsync_RbacModeWithRecipientAdministrator_NamesEveryRbacCmdletMissing()
    {
        _bed.Tenant.SetExchangeRole(DemoTenant.PortalClientId, "Exchange Recipient Administrator");

        var (_, check) = Assert.NotNull(await _service.CheckAllAsync(ValidState(RestrictionMode.RbacForApplications)));

        foreach (var cmdlet in new[] { "New-ServicePrincipal", "New-ManagementScope", "New-ManagementRoleAssignment", "Test-ServicePrincipalAuthorization" })
        {
            Assert.Contains(cmdlet, Assert.Single(check.Errors), StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task CheckAllAsync_ExchangeAdministrator_Passes()
    {
        Assert.Null(await _service.CheckAllAsync(ValidState(RestrictionMode.ApplicationAccessPolicy)));
    }
}
