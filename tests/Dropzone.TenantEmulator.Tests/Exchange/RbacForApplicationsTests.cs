namespace Dropzone.TenantEmulator.Tests.Exchange;

public sealed class RbacForApplicationsTests : IAsyncLifetime
{
    private EmulatorHost _host = null!;
    private string _groupDn = "";

    public async Task InitializeAsync()
    {
        _host = await EmulatorHost.StartAsync();
        var group = await _host.NewSecurityGroupAsync("Dropzone Mailboxes", DemoTenant.PhishingReportMailbox);
        _groupDn = group["value"]![0]!["DistinguishedName"]!.GetValue<string>();
    }

    public async Task DisposeAsync() => await _host.DisposeAsync();

    private async Task SetUpAsync()
    {
        await _host.InvokeOkAsync("New-ServicePrincipal", new { AppId = DemoTenant.RestrictedAppId, ObjectId = DemoTenant.RestrictedServicePrincipalId, DisplayName = "Dropzone AI" });
        await _host.InvokeOkAsync("New-ManagementScope", new { Name = "Dropzone scope", RecipientRestrictionFilter = $"MemberOfGroup -eq '{_groupDn}'" });
        await _host.InvokeOkAsync("New-ManagementRoleAssignment", new { Name = "Dropzone Mail.Read", Role = "Application Mail.Read", App = DemoTenant.RestrictedServicePrincipalId, CustomResourceScope = "Dropzone scope" });
    }

    private async Task<JsonNode> AuthorizationAsync(string mailbox) =>
        (await _host.InvokeOkAsync("Test-ServicePrincipalAuthorization", new { Identity = DemoTenant.RestrictedServicePrincipalId, Resource = mailbox }))["value"]![0]!;

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
        _host.State.SetFaults(_host.State.Faults with { GraphEnforcementDelay = TimeSpan.FromMinutes(30) });
        await SetUpAsync();

        var before = await AuthorizationAsync(DemoTenant.PhishingReportMailbox);

        Assert.True(before["InScope"]!.GetValue<bool>());
    }

    [Fact]
    public async Task NewServicePrincipal_AppRegistrationObjectIdInsteadOfEnterpriseApp_400()
    {
        using var response = await _host.InvokeAsync("New-ServicePrincipal", new { AppId = DemoTenant.RestrictedAppId, ObjectId = DemoTenant.RestrictedAppId });

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
    }

    [Fact]
    public async Task NewServicePrincipal_Twice_400AlreadyExists()
    {
        await SetUpAsync();

        using var response = await _host.InvokeAsync("New-ServicePrincipal", new { AppId = DemoTenant.RestrictedAppId, ObjectId = DemoTenant.RestrictedServicePrincipalId });

        Assert.EndsWith("ADObjectAlreadyExistsException", await ExchangeErrorBody.ExceptionTypeAsync(response));
    }

    [Fact]
    public async Task GetServicePrincipal_ByAppId_Shape()
    {
        await SetUpAsync();

        var row = (await _host.InvokeOkAsync("Get-ServicePrincipal", new { Identity = DemoTenant.RestrictedAppId }))["value"]![0]!;

        Assert.Equal(DemoTenant.RestrictedServicePrincipalId, row["ObjectId"]!.GetValue<string>());
        Assert.Equal(DemoTenant.RestrictedAppId, row["AppId"]!.GetValue<string>());
    }

    [Fact]
    public async Task NewManagementScope_UnsupportedFilter_400()
    {
        using var response = await _host.InvokeAsync("New-ManagementScope", new { Name = "Bad", RecipientRestrictionFilter = "Department -eq 'Sales'" });

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
    }

    [Fact]
    public async Task NewManagementScope_UnknownGroupDn_400()
    {
        using var response = await _host.InvokeAsync("New-ManagementScope", new { Name = "Bad", RecipientRestrictionFilter = "MemberOfGroup -eq 'CN=Nope,DC=x'" });

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
    }

    [Fact]
    public async Task GetManagementScope_AfterNew_ShowsFilter()
    {
        await SetUpAsync();

        var row = (await _host.InvokeOkAsync("Get-ManagementScope", new { Identity = "Dropzone scope" }))["value"]![0]!;

        Assert.Equal($"MemberOfGroup -eq '{_groupDn}'", row["RecipientRestrictionFilter"]!.GetValue<string>());
        Assert.Equal("RecipientScope", row["ScopeRestrictionType"]!.GetValue<string>());
    }

    [Fact]
    public async Task NewManagementRoleAssignment_UnknownRole_404()
    {
        await SetUpAsync();

        using var response = await _host.InvokeAsync("New-ManagementRoleAssignment", new { Role = "Application Teleport", App = DemoTenant.RestrictedServicePrincipalId, CustomResourceScope = "Dropzone scope" });

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
    }

    [Fact]
    public async Task NewManagementRoleAssignment_UnknownServicePrincipal_404()
    {
        using var response = await _host.InvokeAsync("New-ManagementRoleAssignment", new { Role = "Application Mail.Read", App = Guid.NewGuid().ToString() });

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
    }

    [Fact]
    public async Task GetManagementRoleAssignment_ByRoleAssignee_Lists()
    {
        await SetUpAsync();

        var rows = (await _host.InvokeOkAsync("Get-ManagementRoleAssignment", new { RoleAssignee = DemoTenant.RestrictedServicePrincipalId }))["value"]!.AsArray();

        Assert.Equal("Dropzone scope", rows.Single()!["CustomResourceScope"]!.GetValue<string>());
        Assert.Equal("ServicePrincipal", rows.Single()!["RoleAssigneeType"]!.GetValue<string>());
    }

    [Fact]
    public async Task RemoveManagementScope_InUse_400ThenAfterAssignmentRemoved_Ok()
    {
        await SetUpAsync();

        using var inUse = await _host.InvokeAsync("Remove-ManagementScope", new { Identity = "Dropzone scope", Confirm = false });
        await _host.InvokeOkAsync("Remove-ManagementRoleAssignment", new { Identity = "Dropzone Mail.Read", Confirm = false });
        await _host.InvokeOkAsync("Remove-ManagementScope", new { Identity = "Dropzone scope", Confirm = false });
        using var gone = await _host.InvokeAsync("Get-ManagementScope", new { Identity = "Dropzone scope" });

        Assert.Equal(HttpStatusCode.BadRequest, inUse.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, gone.StatusCode);
    }

    [Fact]
    public async Task RemoveServicePrincipal_RemovesItsAssignments()
    {
        await SetUpAsync();

        await _host.InvokeOkAsync("Remove-ServicePrincipal", new { Identity = DemoTenant.RestrictedServicePrincipalId, Confirm = false });

        Assert.Empty((await _host.InvokeOkAsync("Get-ManagementRoleAssignment"))["value"]!.AsArray());
        Assert.Empty((await _host.InvokeOkAsync("Get-ServicePrincipal"))["value"]!.AsArray());
    }
}
