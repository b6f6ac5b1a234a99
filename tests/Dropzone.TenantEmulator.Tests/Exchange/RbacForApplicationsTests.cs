namespace Dropzone.TenantEmulator.Tests.Exchange;

public sealed class RbacForApplicationsTests : EmulatorHostTest
{
    private string _groupDn = "";

    protected override async Task ArrangeAsync()
    {
        var group = await Host.NewSecurityGroupAsync("Dropzone Mailboxes", DemoTenant.PhishingReportMailbox);
        _groupDn = group["value"]![0]!["DistinguishedName"]!.GetValue<string>();
    }

    private async Task SetUpAsync()
    {
        await Host.InvokeOkAsync("New-ServicePrincipal", new { AppId = DemoTenant.RestrictedAppId, ObjectId = DemoTenant.RestrictedServicePrincipalId, DisplayName = "Dropzone AI" });
        await Host.InvokeOkAsync("New-ManagementScope", new { Name = "Dropzone scope", RecipientRestrictionFilter = $"MemberOfGroup -eq '{_groupDn}'" });
        await Host.InvokeOkAsync("New-ManagementRoleAssignment", new { Name = "Dropzone Mail.Read", Role = "Application Mail.Read", App = DemoTenant.RestrictedServicePrincipalId, CustomResourceScope = "Dropzone scope" });
    }

    private async Task<JsonNode> AuthorizationAsync(string mailbox) =>
        (await Host.InvokeOkAsync("Test-ServicePrincipalAuthorization", new { Identity = DemoTenant.RestrictedServicePrincipalId, Resource = mailbox }))["value"]![0]!;

    [Fact]
    public async Task TestServicePrincipalAuthorization_MemberOfScopeGroup_InScope()
    {
        await SetUpAsync();

        var row = await AuthorizationAsync(DemoTenant.PhishingReportMailbox);

        Assert.Equal("Application Mail.Read", row["RoleName"]!.GetValue<string>());
        Assert.Equal("Mail.Read", row["GrantedPermissions"]!.GetValue<string>());
        Assert.Equal("Dropzone scope", row["AllowedResourceScope"]!.GetValue<string>());
        Assert.Equal("CustomRecipientScope", row["ScopeType"]!.GetValue<string>());
        Assert.True(row["InScope"]!.GetValue<bool>());
    }

    [Fact]
    public async Task TestServicePrincipalAuthorization_NotAMember_NotInScope()
    {
        await SetUpAsync();

        Assert.False((await AuthorizationAsync(DemoTenant.AdminUpn))["InScope"]!.GetValue<bool>());
    }

    [Fact]
    public async Task TestServicePrincipalAuthorization_DuringGraphEnforcementDelay_ReflectsTheAssignmentAtOnce()
    {
        // Test-ServicePrincipalAuthorization bypasses the cache that delays enforcement by 30 minutes to 2 hours.
        Host.State.SetFaults(Host.State.Faults with { GraphEnforcementDelay = TimeSpan.FromMinutes(30) });
        await SetUpAsync();

        var before = await AuthorizationAsync(DemoTenant.PhishingReportMailbox);

        Assert.True(before["InScope"]!.GetValue<bool>());
    }

    [Fact]
    public async Task NewServicePrincipal_AppRegistrationObjectIdInsteadOfEnterpriseApp_400()
    {
        await Host.InvokeBadRequestAsync("New-ServicePrincipal", new { AppId = DemoTenant.RestrictedAppId, ObjectId = DemoTenant.RestrictedAppId });
    }

    [Fact]
    public async Task NewServicePrincipal_Twice_400AlreadyExists()
    {
        await SetUpAsync();

        using var response = await Host.InvokeAsync("New-ServicePrincipal", new { AppId = DemoTenant.RestrictedAppId, ObjectId = DemoTenant.RestrictedServicePrincipalId });

        Assert.EndsWith("ADObjectAlreadyExistsException", await ExchangeErrorBody.ExceptionTypeAsync(response));
    }

    [Fact]
    public async Task GetServicePrincipal_ByAppId_Shape()
    {
        await SetUpAsync();

        var row = (await Host.InvokeOkAsync("Get-ServicePrincipal", new { Identity = DemoTenant.RestrictedAppId }))["value"]![0]!;

        Assert.Equal(DemoTenant.RestrictedServicePrincipalId, row["ObjectId"]!.GetValue<string>());
        Assert.Equal(DemoTenant.RestrictedAppId, row["AppId"]!.GetValue<string>());
    }

    [Fact]
    public async Task NewManagementScope_UnsupportedFilter_400()
    {
        await Host.InvokeBadRequestAsync("New-ManagementScope", new { Name = "Bad", RecipientRestrictionFilter = "Department -eq 'Sales'" });
    }

    [Fact]
    public async Task NewManagementScope_UnknownGroupDn_400()
    {
        await Host.InvokeBadRequestAsync("New-ManagementScope", new { Name = "Bad", RecipientRestrictionFilter = "MemberOfGroup -eq 'CN=Nope,DC=x'" });
    }

    [Fact]
    public async Task GetManagementScope_AfterNew_ShowsFilter()
    {
        await SetUpAsync();

        var row = (await Host.InvokeOkAsync("Get-ManagementScope", new { Identity = "Dropzone scope" }))["value"]![0]!;

        Assert.Equal($"MemberOfGroup -eq '{_groupDn}'", row["RecipientRestrictionFilter"]!.GetValue<string>());
        Assert.Equal("RecipientScope", row["ScopeRestrictionType"]!.GetValue<string>());
    }

    [Fact]
    public async Task NewManagementRoleAssignment_UnknownRole_404()
    {
        await SetUpAsync();

        using var response = await Host.InvokeAsync("New-ManagementRoleAssignment", new { Role = "Application Teleport", App = DemoTenant.RestrictedServicePrincipalId, CustomResourceScope = "Dropzone scope" });

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
    }

    [Fact]
    public async Task NewManagementRoleAssignment_UnknownServicePrincipal_404()
    {
        using var response = await Host.InvokeAsync("New-ManagementRoleAssignment", new { Role = "Application Mail.Read", App = Guid.NewGuid().ToString() });

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
    }

    [Fact]
    public async Task GetManagementRoleAssignment_ByRoleAssignee_Lists()
    {
        await SetUpAsync();

        var rows = (await Host.InvokeOkAsync("Get-ManagementRoleAssignment", new { RoleAssignee = DemoTenant.RestrictedServicePrincipalId }))["value"]!.AsArray();

        Assert.Equal("Dropzone scope", rows.Single()!["CustomResourceScope"]!.GetValue<string>());
        Assert.Equal("ServicePrincipal", rows.Single()!["RoleAssigneeType"]!.GetValue<string>());
    }

    [Fact]
    public async Task RemoveManagementScope_InUse_400ThenAfterAssignmentRemoved_Ok()
    {
        await SetUpAsync();

        using var inUse = await Host.InvokeAsync("Remove-ManagementScope", new { Identity = "Dropzone scope", Confirm = false });
        await Host.InvokeOkAsync("Remove-ManagementRoleAssignment", new { Identity = "Dropzone Mail.Read", Confirm = false });
        await Host.InvokeOkAsync("Remove-ManagementScope", new { Identity = "Dropzone scope", Confirm = false });
        using var gone = await Host.InvokeAsync("Get-ManagementScope", new { Identity = "Dropzone scope" });

        Assert.Equal(HttpStatusCode.BadRequest, inUse.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, gone.StatusCode);
    }

    [Fact]
    public async Task RemoveServicePrincipal_RemovesItsAssignments()
    {
        await SetUpAsync();

        await Host.InvokeOkAsync("Remove-ServicePrincipal", new { Identity = DemoTenant.RestrictedServicePrincipalId, Confirm = false });

        Assert.Empty((await Host.InvokeOkAsync("Get-ManagementRoleAssignment"))["value"]!.AsArray());
        Assert.Empty((await Host.InvokeOkAsync("Get-ServicePrincipal"))["value"]!.AsArray());
    }
}
