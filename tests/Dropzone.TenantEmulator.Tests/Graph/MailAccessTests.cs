namespace Dropzone.TenantEmulator.Tests.Graph;

/// <summary>The restricted app reading mail through Graph: Entra consent, RBAC scopes and access policies combined.</summary>
public sealed class MailAccessTests : EmulatorHostTest
{
    protected override async Task ArrangeAsync()
    {
        await Host.NewSecurityGroupAsync("Dropzone Mailboxes", DemoTenant.PhishingReportMailbox);
    }

    private async Task<(HttpStatusCode Status, JsonNode? Body)> ReadAsRestrictedAppAsync(string mailbox)
    {
        var token = await Host.AppTokenAsync("https://graph.microsoft.com/.default", DemoTenant.RestrictedAppId, DemoTenant.RestrictedAppClientSecret);
        using var request = new HttpRequestMessage(HttpMethod.Get, $"/_emulator/graph/v1.0/users/{mailbox}/messages");
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        using var response = await Host.Client.SendAsync(request);
        return (response.StatusCode, JsonNode.Parse(await response.Content.ReadAsStringAsync()));
    }

    /// <summary>RBAC for Applications: Mail.Read for the restricted app, scoped to the members of the group.</summary>
    private async Task AssignMailReadScopedToTheGroupAsync()
    {
        var dn = (await Host.InvokeOkAsync("Get-DistributionGroup", new { Identity = "Dropzone Mailboxes" }))["value"]![0]!["DistinguishedName"]!.GetValue<string>();
        await Host.InvokeOkAsync("New-ServicePrincipal", new { AppId = DemoTenant.RestrictedAppId, ObjectId = DemoTenant.RestrictedServicePrincipalId });
        await Host.InvokeOkAsync("New-ManagementScope", new { Name = "Scope", RecipientRestrictionFilter = $"MemberOfGroup -eq '{dn}'" });
        await Host.InvokeOkAsync("New-ManagementRoleAssignment", new { Role = "Application Mail.Read", App = DemoTenant.RestrictedServicePrincipalId, CustomResourceScope = "Scope" });
    }

    [Fact]
    public async Task Messages_NoRestriction_EveryMailboxReadable()
    {
        var (status, body) = await ReadAsRestrictedAppAsync(DemoTenant.AdminUpn);

        Assert.Equal(HttpStatusCode.OK, status);
        Assert.NotEmpty(body!["value"]!.AsArray());
    }

    [Fact]
    public async Task Messages_RestrictAccessPolicy_OutsideScope403ErrorAccessDenied()
    {
        await Host.InvokeOkAsync("New-ApplicationAccessPolicy", new { AppId = DemoTenant.RestrictedAppId, PolicyScopeGroupId = "dropzonemailboxes@contoso.example", AccessRight = "RestrictAccess" });

        var (outside, body) = await ReadAsRestrictedAppAsync(DemoTenant.AdminUpn);
        var (inside, _) = await ReadAsRestrictedAppAsync(DemoTenant.PhishingReportMailbox);

        Assert.Equal(HttpStatusCode.Forbidden, outside);
        Assert.Equal("ErrorAccessDenied", body!["error"]!["code"]!.GetValue<string>());
        Assert.Equal("Access to OData is disabled.", body["error"]!["message"]!.GetValue<string>());
        Assert.Equal(HttpStatusCode.OK, inside);
    }

    [Fact]
    public async Task Messages_RbacScopeWhileEntraGrantRemains_ScopeRestrictsNothing()
    {
        await AssignMailReadScopedToTheGroupAsync();

        var (status, _) = await ReadAsRestrictedAppAsync(DemoTenant.AdminUpn);

        Assert.Equal(HttpStatusCode.OK, status);
    }

    [Fact]
    public async Task Messages_RbacScopeAfterEntraGrantRevoked_OnlyScopeReadable()
    {
        await AssignMailReadScopedToTheGroupAsync();
        using var revoke = await Host.Client.PostAsync($"/_emulator/_control/apps/{DemoTenant.RestrictedAppId}/permissions",
            new StringContent("""{"permission":"Mail.Read","granted":false}""", System.Text.Encoding.UTF8, "application/json"));

        var (outside, _) = await ReadAsRestrictedAppAsync(DemoTenant.AdminUpn);
        var (inside, _) = await ReadAsRestrictedAppAsync(DemoTenant.PhishingReportMailbox);

        Assert.Equal(HttpStatusCode.OK, revoke.StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, outside);
        Assert.Equal(HttpStatusCode.OK, inside);
    }

    [Fact]
    public async Task Messages_PolicyDuringPropagationDelay_StillReadable()
    {
        Host.State.SetFaults(Host.State.Faults with { GraphEnforcementDelay = TimeSpan.FromHours(1) });
        await Host.InvokeOkAsync("New-ApplicationAccessPolicy", new { AppId = DemoTenant.RestrictedAppId, PolicyScopeGroupId = "dropzonemailboxes@contoso.example", AccessRight = "RestrictAccess" });

        var (before, _) = await ReadAsRestrictedAppAsync(DemoTenant.AdminUpn);
        var exchangeSays = (await Host.InvokeOkAsync("Test-ApplicationAccessPolicy", new { Identity = DemoTenant.AdminUpn, AppId = DemoTenant.RestrictedAppId }))["value"]![0]!["AccessCheckResult"]!.GetValue<string>();
        Host.Time.Advance(TimeSpan.FromMinutes(61));
        var (after, _) = await ReadAsRestrictedAppAsync(DemoTenant.AdminUpn);

        Assert.Equal(HttpStatusCode.OK, before);
        Assert.Equal("Denied", exchangeSays); // the state every real deployment passes through: Exchange verified, Graph not yet
        Assert.Equal(HttpStatusCode.Forbidden, after);
    }
}
