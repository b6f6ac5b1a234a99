using Dropzone.TenantEmulator.Exchange;
using Dropzone.TenantEmulator.Exchange.Reference;

namespace Dropzone.TenantEmulator.Tests.Exchange;

/// <summary>
/// Parameters bind as Exchange Online binds them, by Microsoft's published cmdlet reference: documented ones are
/// accepted (stored or ignored), unknown, on-premises-only, mixed-set, undocumented-value and over-limit ones refused.
/// </summary>
public sealed class CmdletReferenceBindingTests : EmulatorHostTest
{
    [Fact]
    public void Reference_CoversEveryCmdletTheEmulatorServes()
    {
        Assert.All(ExchangeAdminService.CmdletNames, name => Assert.True(CmdletReference.Cmdlets.ContainsKey(name), name));
    }

    [Fact]
    public async Task SetDistributionGroup_DocumentedParametersAClientSends_AreAccepted()
    {
        await Host.NewSecurityGroupAsync("Fidelity Group");

        await Host.InvokeOkAsync("Set-DistributionGroup", new Dictionary<string, object>
        {
            ["Identity"] = "Fidelity Group",
            ["HiddenFromAddressListsEnabled"] = true,
            ["EmailAddresses"] = new Dictionary<string, object> { ["@odata.type"] = "#Exchange.GenericHashTable", ["Add"] = new[] { "smtp:fidelity-alt@" + DemoTenant.Domain } },
            ["Name"] = "Fidelity Group Renamed",
            ["BypassSecurityGroupManagerCheck"] = true,
        });
        var renamed = await Host.InvokeOkAsync("Get-DistributionGroup", new { Identity = "Fidelity Group Renamed" });

        Assert.Equal("Fidelity Group Renamed", renamed["value"]![0]!["Name"]!.GetValue<string>());
    }

    [Fact]
    public async Task GetRecipient_SortBy_IsAccepted()
    {
        var body = await Host.InvokeOkAsync("Get-Recipient", new { SortBy = "DisplayName", ResultSize = "Unlimited" });

        Assert.NotEmpty(body["value"]!.AsArray());
    }

    [Fact]
    public async Task GetManagementRoleAssignment_App_IsNotAnExchangeOnlineParameter()
    {
        var error = await Host.InvokeBadRequestAsync("Get-ManagementRoleAssignment", new { App = DemoTenant.RestrictedServicePrincipalId });

        Assert.Contains("A parameter cannot be found that matches parameter name 'App'.", error);
    }

    [Fact]
    public async Task NewDistributionGroup_OnPremisesOnlyParameter_IsRefusedAsUnknown()
    {
        // -DomainController exists only on-premises; the reference leaves it out.
        var error = await Host.InvokeBadRequestAsync("New-DistributionGroup", new { Name = "OnPrem", DomainController = "dc01.contoso.com" });

        Assert.Equal("System.Management.Automation.ParameterBindingException", ExchangeErrorBody.ExceptionType(error));
    }

    [Fact]
    public async Task GetManagementRoleAssignment_ParametersOfTwoSets_AreRefused()
    {
        var error = await Host.InvokeBadRequestAsync("Get-ManagementRoleAssignment", new { Identity = "x", RoleAssignee = DemoTenant.RestrictedServicePrincipalId });

        Assert.Contains("Parameter set cannot be resolved", error);
    }

    [Fact]
    public async Task NewDistributionGroup_UndocumentedTypeValue_IsRefused()
    {
        var error = await Host.InvokeBadRequestAsync("New-DistributionGroup", new { Name = "Odd", Type = "Dynamic" });

        Assert.Contains("Unable to match the identifier name Dynamic", error);
    }

    [Fact]
    public async Task NewManagementScope_NameOver64Characters_IsRefusedWithTheTarget()
    {
        var group = await Host.NewSecurityGroupAsync("Scope Group");
        var dn = group["value"]![0]!["DistinguishedName"]!.GetValue<string>();

        using var response = await Host.InvokeAsync("New-ManagementScope", new { Name = new string('s', 65), RecipientRestrictionFilter = $"MemberOfGroup -eq '{dn}'" });
        var error = JsonNode.Parse(await response.Content.ReadAsStringAsync())!["error"]!;

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains("The maximum length is 64", error["details"]![0]!["message"]!.GetValue<string>());
        Assert.Equal("Name", error["details"]![0]!["target"]!.GetValue<string>());
    }

    [Fact]
    public async Task ErrorDetails_JsonForm_UsesTheBodysEncoderAndExchangesErrorIds()
    {
        await Host.NewSecurityGroupAsync("Member Group");

        using var notMember = await Host.InvokeAsync("Remove-DistributionGroupMember",
            new { Identity = "Member Group", Member = DemoTenant.PhishingReportMailbox, BypassSecurityGroupManagerCheck = true, Confirm = false });
        using var twice = await Host.InvokeAsync("New-DistributionGroup", new { Name = "Member Group", Alias = "other", Type = "Security" });
        var jsonForm = JsonNode.Parse(await notMember.Content.ReadAsStringAsync())!["error"]!["details"]![0]!;
        var errIdForm = JsonNode.Parse(await twice.Content.ReadAsStringAsync())!["error"]!["details"]![0]!["message"]!.GetValue<string>();

        Assert.DoesNotContain("\\u0027", jsonForm["message"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.Contains("isn't", jsonForm["message"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.Equal("Member Group", jsonForm["target"]!.GetValue<string>());
        Assert.Matches("^Ex[0-9A-F]{6}\\|Microsoft\\.Exchange\\.", errIdForm);
    }

    [Fact]
    public async Task InvokeCommand_Select_ReturnsOnlyTheNamedProperties()
    {
        var body = await Host.InvokeOkAsync("Get-AcceptedDomain", null, path: EmulatorHost.Exchange + "?$select=DomainName,Default");
        var row = body["value"]![0]!.AsObject();

        Assert.Equal(["DomainName", "Default"], row.Select(p => p.Key).Order().Reverse());
    }

    [Fact]
    public async Task RecipientAdministratorRole_LacksThePolicyCmdlets_401UserIsNotAllowedToCall()
    {
        Host.State.SetExchangeRole(DemoTenant.PortalClientId, ExchangeRoles.RecipientAdministrator);

        using var groups = await Host.InvokeAsync("Get-AcceptedDomain");
        using var policy = await Host.InvokeAsync("Get-ApplicationAccessPolicy");
        var error = JsonNode.Parse(await policy.Content.ReadAsStringAsync())!["error"]!;

        Assert.Equal(HttpStatusCode.OK, groups.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, policy.StatusCode);
        Assert.Equal("User is not allowed to call Get-ApplicationAccessPolicy", error["innererror"]!["message"]!.GetValue<string>());
    }

    [Fact]
    public async Task ModuleFile_Get_ListsTheCmdletsOfTheCallersRole()
    {
        Host.State.SetExchangeRole(DemoTenant.PortalClientId, ExchangeRoles.RecipientAdministrator);
        using var request = new HttpRequestMessage(HttpMethod.Get, $"/_emulator/outlook/adminapi/v1.0/{DemoTenant.TenantId}/EXOModuleFile?Version=3.9.0");
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", await Host.AppTokenAsync());
        request.Headers.Add("CommandName", "*");

        using var response = await Host.Client.SendAsync(request);
        var exported = JsonNode.Parse(await response.Content.ReadAsStringAsync())!["value"]![0]!["exportedCmdlets"]!.GetValue<string>().Split(',');

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Contains("New-DistributionGroup", exported);
        Assert.DoesNotContain("New-ApplicationAccessPolicy", exported);
    }

    [Fact]
    public async Task GetRecipient_NameTwoRecipientsShare_404MatchesMultipleEntries()
    {
        Host.State.AddNamesake(DemoTenant.OwnerUpn);
        var name = JsonNode.Parse(await (await Host.InvokeAsync("Get-Recipient", new { Identity = DemoTenant.OwnerUpn })).Content.ReadAsStringAsync())!["value"]![0]!["Name"]!.GetValue<string>();

        using var response = await Host.InvokeAsync("Get-Recipient", new { Identity = name });

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Contains($"'{name}' matches multiple entries", await response.Content.ReadAsStringAsync());
    }
}
