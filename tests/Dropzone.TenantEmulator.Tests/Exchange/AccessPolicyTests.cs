namespace Dropzone.TenantEmulator.Tests.Exchange;

public sealed class AccessPolicyTests : EmulatorHostTest
{
    private const string Group = "dropzonemailboxes@contoso.example";

    protected override async Task ArrangeAsync()
    {
        await Host.NewSecurityGroupAsync("Dropzone Mailboxes", DemoTenant.PhishingReportMailbox);
    }

    private Task NewPolicyAsync(string accessRight, string scope = Group) =>
        Host.InvokeOkAsync("New-ApplicationAccessPolicy", new { AppId = DemoTenant.RestrictedAppId, PolicyScopeGroupId = scope, AccessRight = accessRight, Description = "Dropzone" });

    private async Task<string> TestAsync(string mailbox)
    {
        var body = await Host.InvokeOkAsync("Test-ApplicationAccessPolicy", new { Identity = mailbox, AppId = DemoTenant.RestrictedAppId });
        return body["value"]![0]!["AccessCheckResult"]!.GetValue<string>();
    }

    [Fact]
    public async Task TestApplicationAccessPolicy_NoPolicy_Granted()
    {
        Assert.Equal("Granted", await TestAsync(DemoTenant.AdminUpn));
    }

    [Theory]
    [InlineData("RestrictAccess", "Granted", "Denied")] // restrict: grants only the scope
    [InlineData("DenyAccess", "Denied", "Granted")] // deny only: everyone else granted
    public async Task TestApplicationAccessPolicy_PolicyOnTheGroup_AnswersForMemberAndOutsider(string accessRight, string member, string outsider)
    {
        await NewPolicyAsync(accessRight);

        Assert.Equal(member, await TestAsync(DemoTenant.PhishingReportMailbox));
        Assert.Equal(outsider, await TestAsync(DemoTenant.AdminUpn));
    }

    [Fact]
    public async Task TestApplicationAccessPolicy_DenyAndRestrictOnSameMailbox_DenyWins()
    {
        await NewPolicyAsync("RestrictAccess");
        await NewPolicyAsync("DenyAccess", DemoTenant.PhishingReportMailbox);

        Assert.Equal("Denied", await TestAsync(DemoTenant.PhishingReportMailbox));
    }

    [Fact]
    public async Task TestApplicationAccessPolicy_ResultShape()
    {
        var row = (await Host.InvokeOkAsync("Test-ApplicationAccessPolicy", new { Identity = DemoTenant.PhishingReportMailbox, AppId = DemoTenant.RestrictedAppId }))["value"]![0]!;

        Assert.Equal(DemoTenant.RestrictedAppId, row["AppId"]!.GetValue<string>());
        Assert.Equal("phishing-reports", row["Mailbox"]!.GetValue<string>());
        Assert.True(Guid.TryParse(row["MailboxId"]!.GetValue<string>(), out _));
        Assert.StartsWith("S-1-5-21-", row["MailboxSid"]!.GetValue<string>());
    }

    [Fact]
    public async Task TestApplicationAccessPolicy_DuringGraphEnforcementDelay_ReflectsTheChangeAtOnce()
    {
        // Microsoft: Test-ApplicationAccessPolicy shows the new result at once; Graph may keep the old one for an hour or more.
        Host.State.SetFaults(Host.State.Faults with { GraphEnforcementDelay = TimeSpan.FromMinutes(30) });
        await NewPolicyAsync("RestrictAccess");

        var before = await TestAsync(DemoTenant.AdminUpn);
        Host.Time.Advance(TimeSpan.FromMinutes(31));
        var after = await TestAsync(DemoTenant.AdminUpn);

        Assert.Equal("Denied", before);
        Assert.Equal("Denied", after);
    }

    [Fact]
    public async Task NewApplicationAccessPolicy_Output_HasDocumentedFieldsAndIdentityForm()
    {
        var body = await Host.InvokeOkAsync("New-ApplicationAccessPolicy", new { AppId = DemoTenant.RestrictedAppId, PolicyScopeGroupId = Group, AccessRight = "RestrictAccess", Description = "d" });
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
        await Host.InvokeBadRequestAsync("New-ApplicationAccessPolicy", new { AppId = DemoTenant.RestrictedAppId, PolicyScopeGroupId = DemoTenant.AllStaffDistributionList, AccessRight = "RestrictAccess" });
    }

    [Fact]
    public async Task NewApplicationAccessPolicy_BadAccessRight_400()
    {
        await Host.InvokeBadRequestAsync("New-ApplicationAccessPolicy", new { AppId = DemoTenant.RestrictedAppId, PolicyScopeGroupId = Group, AccessRight = "AllowAccess" });
    }

    [Fact]
    public async Task NewApplicationAccessPolicy_SameAppAndScopeTwice_400AlreadyExists()
    {
        await NewPolicyAsync("RestrictAccess");

        using var response = await Host.InvokeAsync("New-ApplicationAccessPolicy", new { AppId = DemoTenant.RestrictedAppId, PolicyScopeGroupId = Group, AccessRight = "RestrictAccess" });

        Assert.EndsWith("ADObjectAlreadyExistsException", await ExchangeErrorBody.ExceptionTypeAsync(response));
    }

    [Fact]
    public async Task SetApplicationAccessPolicy_Description_Changed()
    {
        await NewPolicyAsync("RestrictAccess");
        var identity = (await Host.InvokeOkAsync("Get-ApplicationAccessPolicy"))["value"]![0]!["Identity"]!.GetValue<string>();

        await Host.InvokeOkAsync("Set-ApplicationAccessPolicy", new { Identity = identity, Description = "changed" });
        var after = await Host.InvokeOkAsync("Get-ApplicationAccessPolicy", new { Identity = identity });

        Assert.Equal("changed", after["value"]![0]!["Description"]!.GetValue<string>());
    }

    [Fact]
    public async Task SetApplicationAccessPolicy_AccessRight_400UnknownParameter()
    {
        await NewPolicyAsync("RestrictAccess");
        var identity = (await Host.InvokeOkAsync("Get-ApplicationAccessPolicy"))["value"]![0]!["Identity"]!.GetValue<string>();

        var error = await Host.InvokeBadRequestAsync("Set-ApplicationAccessPolicy", new { Identity = identity, AccessRight = "DenyAccess" });

        Assert.Equal("System.Management.Automation.ParameterBindingException", ExchangeErrorBody.ExceptionType(error));
    }

    [Fact]
    public async Task RemoveApplicationAccessPolicy_ThenTest_GrantedAgain()
    {
        await NewPolicyAsync("RestrictAccess");
        var identity = (await Host.InvokeOkAsync("Get-ApplicationAccessPolicy"))["value"]![0]!["Identity"]!.GetValue<string>();

        await Host.InvokeOkAsync("Remove-ApplicationAccessPolicy", new { Identity = identity, Confirm = false });

        Assert.Equal("Granted", await TestAsync(DemoTenant.AdminUpn));
        Assert.Empty((await Host.InvokeOkAsync("Get-ApplicationAccessPolicy"))["value"]!.AsArray());
    }

    [Fact]
    public async Task GetApplicationAccessPolicy_ScopeGroupRemoved_PolicyKeptButInvalid()
    {
        await NewPolicyAsync("RestrictAccess");
        await Host.InvokeOkAsync("Remove-DistributionGroup", new { Identity = Group, BypassSecurityGroupManagerCheck = true, Confirm = false });

        var policy = (await Host.InvokeOkAsync("Get-ApplicationAccessPolicy"))["value"]!.AsArray().Single()!;

        Assert.False(policy["IsValid"]!.GetValue<bool>());
        Assert.Equal("Dropzone Mailboxes", policy["ScopeName"]!.GetValue<string>());
        Assert.Equal("Denied", await TestAsync(DemoTenant.PhishingReportMailbox));
    }

    [Fact]
    public async Task RemoveApplicationAccessPolicy_Unknown_404()
    {
        using var response = await Host.InvokeAsync("Remove-ApplicationAccessPolicy", new { Identity = "nope", Confirm = false });

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
    }
}
