namespace Dropzone.TenantEmulator.Tests.Exchange;

public sealed class InvokeCommandMemberTests : EmulatorHostTest
{

    protected override async Task ArrangeAsync()
    {
        await Host.NewSecurityGroupAsync("Scope", DemoTenant.PhishingReportMailbox);
    }

    private async Task<List<string>> MemberAddressesAsync(string group = "Scope")
    {
        var rows = new List<string>();
        var body = await Host.InvokeOkAsync("Get-DistributionGroupMember", new { Identity = group, ResultSize = "Unlimited" });
        rows.AddRange(body["value"]!.AsArray().Select(m => m!["PrimarySmtpAddress"]!.GetValue<string>()));
        return rows;
    }

    [Fact]
    public async Task AddDistributionGroupMember_NewMember_EmptyValueAndMemberListed()
    {
        var body = await Host.InvokeOkAsync("Add-DistributionGroupMember", new { Identity = "Scope", Member = DemoTenant.SecurityTeamMailbox, BypassSecurityGroupManagerCheck = true });

        Assert.Empty(body["value"]!.AsArray());
        Assert.Contains(DemoTenant.SecurityTeamMailbox, await MemberAddressesAsync());
    }

    [Fact]
    public async Task AddDistributionGroupMember_ByEntraObjectId_Resolves()
    {
        await Host.InvokeOkAsync("Add-DistributionGroupMember", new { Identity = "Scope", Member = DemoTenant.UserId(4).ToString(), BypassSecurityGroupManagerCheck = true });

        Assert.Contains(DemoTenant.PlainUserUpn, await MemberAddressesAsync());
    }

    [Fact]
    public async Task AddDistributionGroupMember_AlreadyMember_400MemberAlreadyExists()
    {
        var error = await Host.InvokeBadRequestAsync("Add-DistributionGroupMember", new { Identity = "Scope", Member = DemoTenant.PhishingReportMailbox, BypassSecurityGroupManagerCheck = true });

        Assert.Equal("Microsoft.Exchange.Management.Tasks.MemberAlreadyExistsException", ExchangeErrorBody.ExceptionType(error));
    }

    [Fact]
    public async Task AddDistributionGroupMember_WithoutBypass_400()
    {
        var error = await Host.InvokeBadRequestAsync("Add-DistributionGroupMember", new { Identity = "Scope", Member = DemoTenant.SecurityTeamMailbox });

        Assert.EndsWith("OperationRequiresGroupManagerException", ExchangeErrorBody.ExceptionType(error));
    }

    [Fact]
    public async Task AddDistributionGroupMember_UnknownRecipient_404()
    {
        using var response = await Host.InvokeAsync("Add-DistributionGroupMember", new { Identity = "Scope", Member = "ghost@contoso.example", BypassSecurityGroupManagerCheck = true });

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.EndsWith("ManagementObjectNotFoundException", await ExchangeErrorBody.ExceptionTypeAsync(response));
    }

    [Fact]
    public async Task AddDistributionGroupMember_AtTenThousandMembers_400Cap()
    {
        var group = (await Host.InvokeOkAsync("Get-DistributionGroup", new { Identity = "Scope" }))["value"]![0]!;
        var ids = Host.State.AddBulkMailboxUsers(10_001);
        Host.State.ReplaceGroupMembers(Guid.Parse(group["ExternalDirectoryObjectId"]!.GetValue<string>()), ids.Take(10_000));

        var error = await Host.InvokeBadRequestAsync("Add-DistributionGroupMember", new { Identity = "Scope", Member = ids[10_000].ToString(), BypassSecurityGroupManagerCheck = true });

        Assert.Contains("10000", error);
    }

    [Fact]
    public async Task RemoveDistributionGroupMember_Member_Removed()
    {
        var body = await Host.InvokeOkAsync("Remove-DistributionGroupMember", new { Identity = "Scope", Member = DemoTenant.PhishingReportMailbox, BypassSecurityGroupManagerCheck = true, Confirm = false });

        Assert.Empty(body["value"]!.AsArray());
        Assert.Empty(await MemberAddressesAsync());
    }

    [Fact]
    public async Task RemoveDistributionGroupMember_NotAMember_400MemberNotFound()
    {
        var error = await Host.InvokeBadRequestAsync("Remove-DistributionGroupMember", new { Identity = "Scope", Member = DemoTenant.AdminUpn, BypassSecurityGroupManagerCheck = true, Confirm = false });

        Assert.Equal("Microsoft.Exchange.Management.Tasks.MemberNotFoundException", ExchangeErrorBody.ExceptionType(error));
    }

    [Fact]
    public async Task UpdateDistributionGroupMember_WholeList_Replaces()
    {
        await Host.InvokeOkAsync("Update-DistributionGroupMember", new { Identity = "Scope", Members = new[] { DemoTenant.AdminUpn, DemoTenant.PlainUserUpn }, BypassSecurityGroupManagerCheck = true, Confirm = false });

        Assert.Equal([DemoTenant.AdminUpn, DemoTenant.PlainUserUpn], await MemberAddressesAsync());
    }

    /// <summary>Replaces the scope group's members with <paramref name="count"/> new mailboxes, with the bulk-timeout thresholds at 20 and 40.</summary>
    private async Task<HttpStatusCode> ReplaceMembersPastTheBulkThresholdsAsync(int count)
    {
        Host.State.SetFaults(Host.State.Faults with { BulkTimeoutAppliedThreshold = 20, BulkTimeoutDroppedThreshold = 40 });
        var users = Host.State.AddBulkMailboxUsers(count).Select(id => id.ToString()).ToArray();

        using var response = await Host.InvokeAsync("Update-DistributionGroupMember", new { Identity = "Scope", Members = users, BypassSecurityGroupManagerCheck = true, Confirm = false });
        return response.StatusCode;
    }

    [Fact]
    public async Task UpdateDistributionGroupMember_AboveFirstThreshold_TimeoutButApplied()
    {
        var status = await ReplaceMembersPastTheBulkThresholdsAsync(30);

        Assert.Equal(HttpStatusCode.GatewayTimeout, status);
        Assert.Equal(30, (await MemberAddressesAsync()).Count);
    }

    [Fact]
    public async Task UpdateDistributionGroupMember_AboveSecondThreshold_TimeoutAndUnchanged()
    {
        var status = await ReplaceMembersPastTheBulkThresholdsAsync(41);

        Assert.Equal(HttpStatusCode.GatewayTimeout, status);
        Assert.Equal([DemoTenant.PhishingReportMailbox], await MemberAddressesAsync());
    }

    [Fact]
    public async Task NewDistributionGroup_MembersAboveFirstThreshold_TimeoutButCreated()
    {
        Host.State.SetFaults(Host.State.Faults with { BulkTimeoutAppliedThreshold = 5, BulkTimeoutDroppedThreshold = 10 });
        var users = Host.State.AddBulkMailboxUsers(6).Select(id => id.ToString()).ToArray();

        using var response = await Host.InvokeAsync("New-DistributionGroup", new { Name = "Bulk", Type = "Security", ManagedBy = new[] { DemoTenant.OwnerUpn }, Members = users });

        Assert.Equal(HttpStatusCode.GatewayTimeout, response.StatusCode);
        Assert.Equal(6, (await MemberAddressesAsync("Bulk")).Count);
    }

    [Fact]
    public async Task NewDistributionGroup_MembersAboveSecondThreshold_TimeoutAndNotCreated()
    {
        Host.State.SetFaults(Host.State.Faults with { BulkTimeoutAppliedThreshold = 5, BulkTimeoutDroppedThreshold = 10 });
        var users = Host.State.AddBulkMailboxUsers(11).Select(id => id.ToString()).ToArray();

        using var timeout = await Host.InvokeAsync("New-DistributionGroup", new { Name = "Bulk", Type = "Security", ManagedBy = new[] { DemoTenant.OwnerUpn }, Members = users });
        using var lookup = await Host.InvokeAsync("Get-DistributionGroup", new { Identity = "Bulk" });

        Assert.Equal(HttpStatusCode.GatewayTimeout, timeout.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, lookup.StatusCode);
    }

    [Fact]
    public async Task GetDistributionGroupMember_2500Members_PagesOf1000WithNextLink()
    {
        var group = (await Host.InvokeOkAsync("Get-DistributionGroup", new { Identity = "Scope" }))["value"]![0]!;
        Host.State.ReplaceGroupMembers(Guid.Parse(group["ExternalDirectoryObjectId"]!.GetValue<string>()), Host.State.AddBulkMailboxUsers(2500));
        var token = await Host.AppTokenAsync();
        var seen = new HashSet<string>();
        var pages = 0;
        string? link = EmulatorHost.Exchange;
        while (link is not null)
        {
            using var response = await Host.InvokeAsync("Get-DistributionGroupMember", new { Identity = "Scope", ResultSize = "Unlimited" }, token, new Uri(link, UriKind.RelativeOrAbsolute).IsAbsoluteUri ? new Uri(link).PathAndQuery : link);
            var body = JsonNode.Parse(await response.Content.ReadAsStringAsync())!;
            var page = body["value"]!.AsArray();
            Assert.True(page.Count <= 1000);
            foreach (var m in page)
            {
                seen.Add(m!["ExternalDirectoryObjectId"]!.GetValue<string>());
            }
            link = body["@odata.nextLink"]?.GetValue<string>();
            pages++;
        }

        Assert.Equal(3, pages);
        Assert.Equal(2500, seen.Count);
    }

    /// <summary>Fills the scope group with 1,001 members and reads the first page; returns the group's id and the link to the second page.</summary>
    private async Task<(Guid GroupId, string NextLink)> FirstPageOfAThousandAndOneMembersAsync()
    {
        var group = (await Host.InvokeOkAsync("Get-DistributionGroup", new { Identity = "Scope" }))["value"]![0]!;
        var groupId = Guid.Parse(group["ExternalDirectoryObjectId"]!.GetValue<string>());
        Host.State.ReplaceGroupMembers(groupId, Host.State.AddBulkMailboxUsers(1001));
        var first = await Host.InvokeOkAsync("Get-DistributionGroupMember", new { Identity = "Scope" });
        return (groupId, new Uri(first["@odata.nextLink"]!.GetValue<string>()).PathAndQuery);
    }

    [Fact]
    public async Task NextLink_AfterExpiry_400()
    {
        var (_, link) = await FirstPageOfAThousandAndOneMembersAsync();
        Host.Time.Advance(TimeSpan.FromMinutes(11));

        using var expired = await Host.InvokeAsync("Get-DistributionGroupMember", new { Identity = "Scope" }, path: link);

        Assert.Equal(HttpStatusCode.BadRequest, expired.StatusCode);
    }

    [Fact]
    public async Task NextLink_ServesTheOutputComputedForTheFirstPage()
    {
        var (groupId, link) = await FirstPageOfAThousandAndOneMembersAsync();
        // A change after the first page does not shift the pages already promised by the link.
        Host.State.ReplaceGroupMembers(groupId, []);

        using var second = await Host.InvokeAsync("Get-DistributionGroupMember", new { Identity = "Scope" }, path: link);
        var body = JsonNode.Parse(await second.Content.ReadAsStringAsync())!;

        Assert.Equal(HttpStatusCode.OK, second.StatusCode);
        Assert.Single(body["value"]!.AsArray());
        Assert.Null(body["@odata.nextLink"]);
    }

    [Theory]
    [InlineData("Get-Mailbox", "odata.maxpagesize=10", 10)]
    [InlineData("Get-Recipient", "odata.maxpagesize = 2; odata.continue-on-error", 2)] // with spaces, as a widely used client sends it
    public async Task PreferMaxPageSize_Smaller_PagesAtThatSize(string cmdlet, string prefer, int pageSize)
    {
        using var response = await Host.InvokeAsync(cmdlet, new { ResultSize = "Unlimited" }, prefer: prefer);
        var body = JsonNode.Parse(await response.Content.ReadAsStringAsync())!;

        Assert.Equal(pageSize, body["value"]!.AsArray().Count);
        Assert.NotNull(body["@odata.nextLink"]);
    }

    [Fact]
    public async Task GetRecipient_UserWithoutMailbox_404()
    {
        using var response = await Host.InvokeAsync("Get-Recipient", new { Identity = DemoTenant.UnlicensedUserUpn });

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
    }

    [Fact]
    public async Task GetRecipient_SharedMailbox_SharedMailboxDetails()
    {
        var body = await Host.InvokeOkAsync("Get-Recipient", new { Identity = DemoTenant.PhishingReportMailbox });

        Assert.Equal("SharedMailbox", body["value"]![0]!["RecipientTypeDetails"]!.GetValue<string>());
        Assert.Equal("UserMailbox", body["value"]![0]!["RecipientType"]!.GetValue<string>());
    }

    [Fact]
    public async Task GetRecipient_Anr_FindsByPrefix()
    {
        var body = await Host.InvokeOkAsync("Get-Recipient", new { Anr = "phish" });

        Assert.Equal(DemoTenant.PhishingReportMailbox, body["value"]!.AsArray().Single()!["PrimarySmtpAddress"]!.GetValue<string>());
    }

    [Fact]
    public async Task GetMailbox_ResultSizeSmall_TruncatesWithWarning()
    {
        var body = await Host.InvokeOkAsync("Get-Mailbox", new { ResultSize = 5 });

        Assert.Equal(5, body["value"]!.AsArray().Count);
        Assert.NotEmpty(body["@adminapi.warnings"]!.AsArray());
    }

    [Fact]
    public async Task GetMailbox_SharedFilter_OnlyShared()
    {
        var body = await Host.InvokeOkAsync("Get-Mailbox", new { RecipientTypeDetails = "SharedMailbox" });

        Assert.Equal(4, body["value"]!.AsArray().Count);
        Assert.All(body["value"]!.AsArray(), m => Assert.Equal("SharedMailbox", m!["RecipientTypeDetails"]!.GetValue<string>()));
    }

    [Fact]
    public async Task GetMailbox_AtLeastSixtyUserMailboxes()
    {
        var body = await Host.InvokeOkAsync("Get-Mailbox", new { RecipientTypeDetails = "UserMailbox", ResultSize = "Unlimited" });

        Assert.True(body["value"]!.AsArray().Count >= 60);
    }

    [Fact]
    public async Task GetAcceptedDomain_ListsDefaultAndInitial()
    {
        var body = await Host.InvokeOkAsync("Get-AcceptedDomain");
        var domains = body["value"]!.AsArray();

        Assert.Contains(domains, d => d!["DomainName"]!.GetValue<string>() == DemoTenant.Domain && d["Default"]!.GetValue<bool>());
        Assert.Contains(domains, d => d!["InitialDomain"]!.GetValue<bool>());
    }
}
