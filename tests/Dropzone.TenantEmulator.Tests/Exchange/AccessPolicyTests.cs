namespace Dropzone.TenantEmulator.Tests.Exchange;

public sealed class AccessPolicyTests : IAsyncLifetime
{
    private const string Group = "dropzonemailboxes@contoso.example";
    private EmulatorHost _host = null!;

    public async Task InitializeAsync()
    {
        _host = await EmulatorHost.StartAsync();
        await _host.NewSecurityGroupAsync("Dropzone Mailboxes", DemoTenant.PhishingReportMailbox);
    }

    public async Task DisposeAsync() => await _host.DisposeAsync();

    private Task NewPolicyAsync(string accessRight, string scope = Group) =>
        _host.InvokeOkAsync("New-ApplicationAccessPolicy", new { AppId = DemoTenant.RestrictedAppId, PolicyScopeGroupId = scope, AccessRight = accessRight, Description = "Dropzone" });

    private async Task<string> TestAsync(string mailbox)
    {
        var body = await _host.InvokeOkAsync("Test-ApplicationAccessPolicy", new { Identity = mailbox, AppId = DemoTenant.RestrictedAppId });
        return body["value"]![0]!["AccessCheckResult"]!.GetValue<string>();
    }

    [Fact]
    public async Task TestApplicationAccessPolicy_NoPolicy_Granted()
    {
        Assert.Equal("Granted", await TestAsync(DemoTenant.AdminUpn));
    }

    [Fact]
    public async Task TestApplicationAccessPolicy_Restrict_GrantsOnlyScope()
    {
        await NewPolicyAsync("RestrictAccess");

        Assert.Equal("Granted", await TestAsync(DemoTenant.PhishingReportMailbox));
        Assert.Equal("Denied", await TestAsync(DemoTenant.AdminUpn));
    }

    [Fact]
    public async Task TestApplicationAccessPolicy_DenyAndRestrictOnSameMailbox_DenyWins()
    {
        await NewPolicyAsync("RestrictAccess");
        await NewPolicyAsync("DenyAccess", DemoTenant.PhishingReportMailbox);

        Assert.Equal("Denied", await TestAsync(DemoTenant.PhishingReportMailbox));
    }

    [Fact]
    public async Task TestApplicationAccessPolicy_DenyOnly_OthersGranted()
    {
        await NewPolicyAsync("DenyAccess");

        Assert.Equal("Denied", await TestAsync(DemoTenant.PhishingReportMailbox));
        Assert.Equal("Granted", await TestAsync(DemoTenant.AdminUpn));
    }

    [Fact]
    public async Task TestApplicationAccessPolicy_ResultShape()
    {
        var row = (await _host.InvokeOkAsync("Test-ApplicationAccessPolicy", new { Identity = DemoTenant.PhishingReportMailbox, AppId = DemoTenant.RestrictedAppId }))["value"]![0]!;

        Assert.Equal(DemoTenant.RestrictedAppId, row["AppId"]!.GetValue<string>());
        Assert.Equal("phishing-reports", row["Mailbox"]!.GetValue<string>());
        Assert.True(Guid.TryParse(row["MailboxId"]!.GetValue<string>(), out _));
        Assert.StartsWith("S-1-5-21-", row["MailboxSid"]!.GetValue<string>());
    }

    [Fact]
    public async Task TestApplicationAccessPolicy_DuringGraphEnforcementDelay_ReflectsTheChangeAtOnce()
    {
        // Microsoft: Test-ApplicationAccessPolicy shows the new result at once; Graph may keep the old one for an hour or more.
        _host.State.SetFaults(_host.State.Faults with { GraphEnforcementDelay = TimeSpan.FromMinutes(30) });
        await NewPolicyAsync("RestrictAccess");

        var before = await TestAsync(DemoTenant.AdminUpn);
        _host.Time.Advance(TimeSpan.FromMinutes(31));
        var after = await TestAsync(DemoTenant.AdminUpn);

        Assert.Equal("Denied", before);
        Assert.Equal("Denied", after);
    }

    [Fact]
    public async Task NewApplicationAccessPolicy_Output_HasDocumentedFieldsAndIdentityForm()
    {
        var body = await _host.InvokeOkAsync("New-ApplicationAccessPolicy", new { AppId = DemoTenant.RestrictedAppId, PolicyScopeGroupId = Group, AccessRight = "RestrictAccess", Description = "d" });
        var row = body["value"]![0]!;

        Assert.Matches($@"^{DemoTenant.TenantId}\\{DemoTenant.RestrictedAppId}:S-1-5-21-[0-9-]+;[0-9a-f-]{{36}}$", row["Identity"]!.GetValue<string>());
        foreach (var field in new[] { "AppId", "ScopeName", "ScopeIdentity", "ScopeIdentityRaw", "Description", "AccessRight", "ShardType", "IsValid", "ObjectState" })
        {
            Assert.True(row.AsObject().ContainsKey(field), field);
        }
        Assert.Equal("Dropzone Mailboxes", row["ScopeName"]!.GetValue<string>());
    }

    [Fact]
    public async Task NewApplicationAccessPolicy_ScopeIsDistributionList_400()
    {
        using var response = await _host.InvokeAsync("New-ApplicationAccessPolicy", new { AppId = DemoTenant.RestrictedAppId, PolicyScopeGroupId = DemoTenant.AllStaffDistributionList, AccessRight = "RestrictAccess" });

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
    }

    [Fact]
    public async Task NewApplicationAccessPolicy_BadAccessRight_400()
    {
        using var response = await _host.InvokeAsync("New-ApplicationAccessPolicy", new { AppId = DemoTenant.RestrictedAppId, PolicyScopeGroupId = Group, AccessRight = "AllowAccess" });

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
    }

    [Fact]
    public async Task NewApplicationAccessPolicy_SameAppAndScopeTwice_400AlreadyExists()
    {
        await NewPolicyAsync("RestrictAccess");

        using var response = await _host.InvokeAsync("New-ApplicationAccessPolicy", new { AppId = DemoTenant.RestrictedAppId, PolicyScopeGroupId = Group, AccessRight = "RestrictAccess" });

        Assert.EndsWith("ADObjectAlreadyExistsException", await ExchangeErrorBody.ExceptionTypeAsync(response));
    }

    [Fact]
    public async Task SetApplicationAccessPolicy_Description_Changed()
    {
        await NewPolicyAsync("RestrictAccess");
        var identity = (await _host.InvokeOkAsync("Get-ApplicationAccessPolicy"))["value"]![0]!["Identity"]!.GetValue<string>();

        await _host.InvokeOkAsync("Set-ApplicationAccessPolicy", new { Identity = identity, Description = "changed" });
        var after = await _host.InvokeOkAsync("Get-ApplicationAccessPolicy", new { Identity = identity });

        Assert.Equal("changed", after["value"]![0]!["Description"]!.GetValue<string>());
    }

    [Fact]
    public async Task SetApplicationAccessPolicy_AccessRight_400UnknownParameter()
    {
        await NewPolicyAsync("RestrictAccess");
        var identity = (await _host.InvokeOkAsync("Get-ApplicationAccessPolicy"))["value"]![0]!["Identity"]!.GetValue<string>();

        using var response = await _host.InvokeAsync("Set-ApplicationAccessPolicy", new { Identity = identity, AccessRight = "DenyAccess" });

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("System.Management.Automation.ParameterBindingException", await ExchangeErrorBody.ExceptionTypeAsync(response));
    }

    [Fact]
    public async Task RemoveApplicationAccessPolicy_ThenTest_GrantedAgain()
    {
        await NewPolicyAsync("RestrictAccess");
        var identity = (await _host.InvokeOkAsync("Get-ApplicationAccessPolicy"))["value"]![0]!["Identity"]!.GetValue<string>();

        await _host.InvokeOkAsync("Remove-ApplicationAccessPolicy", new { Identity = identity, Confirm = false });

        Assert.Equal("Granted", await TestAsync(DemoTenant.AdminUpn));
        Assert.Empty((await _host.InvokeOkAsync("Get-ApplicationAccessPolicy"))["value"]!.AsArray());
    }

    [Fact]
    public async Task GetApplicationAccessPolicy_ScopeGroupRemoved_PolicyKeptButInvalid()
    {
        await NewPolicyAsync("RestrictAccess");
        await _host.InvokeOkAsync("Remove-DistributionGroup", new { Identity = Group, BypassSecurityGroupManagerCheck = true, Confirm = false });

        var policy = (await _host.InvokeOkAsync("Get-ApplicationAccessPolicy"))["value"]!.AsArray().Single()!;

        Assert.False(policy["IsValid"]!.GetValue<bool>());
        Assert.Equal("Dropzone Mailboxes", policy["ScopeName"]!.GetValue<string>());
        Assert.Equal("Denied", await TestAsync(DemoTenant.PhishingReportMailbox));
    }

    [Fact]
    public async Task RemoveApplicationAccessPolicy_Unknown_404()
    {
        using var response = await _host.InvokeAsync("Remove-ApplicationAccessPolicy", new { Identity = "nope", Confirm = false });

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
    }
}
