namespace Dropzone.TenantEmulator.Tests.Exchange;

public sealed class InvokeCommandGroupTests : EmulatorHostTest
{
    /// <summary>New-DistributionGroup with these parameters is refused with 400 naming an exception of this type.</summary>
    private async Task AssertNewGroupRefusedAsync(object parameters, string exceptionType) =>
        Assert.EndsWith(exceptionType, ExchangeErrorBody.ExceptionType(await Host.InvokeBadRequestAsync("New-DistributionGroup", parameters)));

    [Fact]
    public async Task NewDistributionGroup_Security_ReturnsMesgShape()
    {
        var body = await Host.NewSecurityGroupAsync("Dropzone Mailboxes", DemoTenant.PhishingReportMailbox);

        Assert.Contains("/adminapi/beta/" + DemoTenant.TenantId + "/$metadata", body["@odata.context"]!.GetValue<string>());
        var group = body["value"]!.AsArray().Single()!;
        Assert.Equal("MailUniversalSecurityGroup", group["RecipientTypeDetails"]!.GetValue<string>());
        Assert.Equal("Dropzone Mailboxes", group["Name"]!.GetValue<string>());
        Assert.Equal("dropzonemailboxes@contoso.example", group["PrimarySmtpAddress"]!.GetValue<string>());
        Assert.Equal("olivia.owner", group["ManagedBy"]!.AsArray().Single()!.GetValue<string>());
        Assert.True(group["RequireSenderAuthenticationEnabled"]!.GetValue<bool>());
        Assert.Equal("Closed", group["MemberJoinRestriction"]!.GetValue<string>());
        Assert.StartsWith("CN=Dropzone Mailboxes,", group["DistinguishedName"]!.GetValue<string>());
        Assert.True(Guid.TryParse(group["ExternalDirectoryObjectId"]!.GetValue<string>(), out _));
        Assert.NotEqual(group["Guid"]!.GetValue<string>(), group["ExternalDirectoryObjectId"]!.GetValue<string>());
    }

    [Fact]
    public async Task GetDistributionGroup_AfterNew_RoundTripsByNameAndExternalId()
    {
        var created = (await Host.NewSecurityGroupAsync("Round Trip"))["value"]![0]!;
        var id = created["ExternalDirectoryObjectId"]!.GetValue<string>();

        var byName = await Host.InvokeOkAsync("Get-DistributionGroup", new { Identity = "Round Trip" });
        var byId = await Host.InvokeOkAsync("Get-DistributionGroup", new { Identity = id });

        Assert.Equal(id, byName["value"]![0]!["ExternalDirectoryObjectId"]!.GetValue<string>());
        Assert.Equal("Round Trip", byId["value"]![0]!["Name"]!.GetValue<string>());
    }

    [Fact]
    public async Task NewDistributionGroup_SameAddressTwice_400ProxyAddressExists()
    {
        await Host.NewSecurityGroupAsync("First");
        await AssertNewGroupRefusedAsync(new { Name = "Second", Alias = "second", PrimarySmtpAddress = "first@contoso.example", Type = "Security", ManagedBy = new[] { DemoTenant.OwnerUpn } }, "ProxyAddressExistsException");
    }

    [Fact]
    public async Task NewDistributionGroup_SameName_400AlreadyExistsWithErrIdDetails()
    {
        await Host.NewSecurityGroupAsync("Twice");
        var body = await Host.InvokeBadRequestAsync("New-DistributionGroup", new { Name = "Twice", Alias = "twice2", Type = "Security", ManagedBy = new[] { DemoTenant.OwnerUpn } });

        var error = JsonNode.Parse(body)!["error"]!;
        var detail = error["details"]![0]!["message"]!.GetValue<string>();
        // Exchange's short error id form, e.g. "Ex6F9304|Microsoft.Exchange...Exception|text" (timmcmic/DLConversionV2#130).
        Assert.Matches(@"^Ex[0-9A-F]{6}\|Microsoft\.Exchange\.Data\.Directory\.ADObjectAlreadyExistsException\|", detail);
        Assert.Equal("Client", error["details"]![0]!["code"]!.GetValue<string>());
    }

    [Fact]
    public async Task NewDistributionGroup_SameAlias_400AlreadyExists()
    {
        await AssertNewGroupRefusedAsync(new { Name = "Alias clash", Alias = "pat.plain", PrimarySmtpAddress = "other@contoso.example", Type = "Security", ManagedBy = new[] { DemoTenant.OwnerUpn } }, "ADObjectAlreadyExistsException");
    }

    [Fact]
    public async Task GetDistributionGroup_UnknownName_404ManagementObjectNotFoundWithPipeDetails()
    {
        using var response = await Host.InvokeAsync("Get-DistributionGroup", new { Identity = "No Such Group" });

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        var error = JsonNode.Parse(await response.Content.ReadAsStringAsync())!["error"]!;
        Assert.Equal("Microsoft.Exchange.Configuration.Tasks.ManagementObjectNotFoundException", error["innererror"]!["internalexception"]!["type"]!.GetValue<string>());
        Assert.StartsWith("|Microsoft.Exchange.Configuration.Tasks.ManagementObjectNotFoundException|", error["details"]![0]!["message"]!.GetValue<string>());
    }

    [Fact]
    public async Task NewDistributionGroup_OpenJoinOnSecurityGroup_400()
    {
        await AssertNewGroupRefusedAsync(new { Name = "Open", Type = "Security", MemberJoinRestriction = "Open", ManagedBy = new[] { DemoTenant.OwnerUpn } }, "RecipientTaskException");
    }

    [Fact]
    public async Task NewDistributionGroup_OpenJoinOnDistributionGroup_Accepted()
    {
        var body = await Host.InvokeOkAsync("New-DistributionGroup", new { Name = "Open DL", MemberJoinRestriction = "Open", ManagedBy = new[] { DemoTenant.OwnerUpn } });

        Assert.Equal("MailUniversalDistributionGroup", body["value"]![0]!["RecipientTypeDetails"]!.GetValue<string>());
        Assert.Equal("Open", body["value"]![0]!["MemberJoinRestriction"]!.GetValue<string>());
    }

    [Fact]
    public async Task NewDistributionGroup_OwnerWithoutMailbox_400RecipientTask()
    {
        var body = await Host.InvokeBadRequestAsync("New-DistributionGroup", new { Name = "Bad owner", Type = "Security", ManagedBy = new[] { DemoTenant.UnlicensedUserUpn } });

        var error = JsonNode.Parse(body)!["error"]!;
        // The JSON-string details form: {"Message":...,"TypeName":...}.
        var detail = JsonNode.Parse(error["details"]![0]!["message"]!.GetValue<string>())!;
        Assert.EndsWith("RecipientTaskException", detail["TypeName"]!.GetValue<string>());
        Assert.Equal("Invalid Operation", error["message"]!.GetValue<string>());
    }

    [Fact]
    public async Task NewDistributionGroup_UnknownMember_404()
    {
        using var response = await Host.InvokeAsync("New-DistributionGroup", new { Name = "Ghost", Type = "Security", ManagedBy = new[] { DemoTenant.OwnerUpn }, Members = new[] { "nobody@contoso.example" } });

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
    }

    [Fact]
    public async Task NewDistributionGroup_AddressOutsideAcceptedDomains_400()
    {
        await AssertNewGroupRefusedAsync(new { Name = "Foreign", PrimarySmtpAddress = "foreign@example.org", Type = "Security", ManagedBy = new[] { DemoTenant.OwnerUpn } }, "NotAcceptedDomainException");
    }

    [Fact]
    public async Task NewDistributionGroup_NameLongerThan64_400()
    {
        await Host.InvokeBadRequestAsync("New-DistributionGroup", new { Name = new string('n', 65), Alias = "long", Type = "Security", ManagedBy = new[] { DemoTenant.OwnerUpn } });
    }

    [Fact]
    public async Task NewDistributionGroup_WithoutManagedBy_WarnsAndHasNoOwner()
    {
        var body = await Host.InvokeOkAsync("New-DistributionGroup", new { Name = "Ownerless", Type = "Security" });

        Assert.Empty(body["value"]![0]!["ManagedBy"]!.AsArray());
        Assert.NotEmpty(body["@adminapi.warnings"]!.AsArray());
    }

    [Fact]
    public async Task NewDistributionGroup_CopyOwnerToMember_OwnerIsMember()
    {
        await Host.InvokeOkAsync("New-DistributionGroup", new { Name = "Copied", Type = "Security", ManagedBy = new[] { DemoTenant.OwnerUpn }, CopyOwnerToMember = true });

        var members = await Host.InvokeOkAsync("Get-DistributionGroupMember", new { Identity = "Copied" });

        Assert.Equal(DemoTenant.OwnerUpn, members["value"]!.AsArray().Single()!["PrimarySmtpAddress"]!.GetValue<string>());
    }

    [Fact]
    public async Task SetDistributionGroup_ManagedByWholeList_ReplacesOwnersAndReturnsEmptyValue()
    {
        await Host.NewSecurityGroupAsync("Owned");

        var set = await Host.InvokeOkAsync("Set-DistributionGroup", new { Identity = "Owned", ManagedBy = new[] { DemoTenant.AdminUpn, DemoTenant.PlainUserUpn }, BypassSecurityGroupManagerCheck = true });
        var group = await Host.InvokeOkAsync("Get-DistributionGroup", new { Identity = "Owned" });

        Assert.Empty(set["value"]!.AsArray());
        Assert.Equal(["adele.admin", "pat.plain"], group["value"]![0]!["ManagedBy"]!.AsArray().Select(x => x!.GetValue<string>()));
    }

    [Fact]
    public async Task SetDistributionGroup_ManagedByHashTable_AddsAndRemoves()
    {
        await Host.NewSecurityGroupAsync("Edited");

        await Host.InvokeOkAsync("Set-DistributionGroup", new Dictionary<string, object>
        {
            ["Identity"] = "Edited",
            ["BypassSecurityGroupManagerCheck"] = true,
            ["ManagedBy"] = new Dictionary<string, object> { ["@odata.type"] = "#Exchange.GenericHashTable", ["Add"] = new[] { DemoTenant.AdminUpn }, ["Remove"] = new[] { DemoTenant.OwnerUpn } },
        });
        var group = await Host.InvokeOkAsync("Get-DistributionGroup", new { Identity = "Edited" });

        Assert.Equal("adele.admin", group["value"]![0]!["ManagedBy"]!.AsArray().Single()!.GetValue<string>());
    }

    [Fact]
    public async Task SetDistributionGroup_WithoutBypassSwitch_400NotInOrganization()
    {
        await Host.NewSecurityGroupAsync("Guarded");

        var error = await Host.InvokeBadRequestAsync("Set-DistributionGroup", new { Identity = "Guarded", ManagedBy = new[] { DemoTenant.AdminUpn } });

        Assert.Contains("not in the current organization", error);
    }

    [Fact]
    public async Task SetDistributionGroup_OwnerWithoutMailbox_400AndOwnersUnchanged()
    {
        await Host.NewSecurityGroupAsync("Kept");

        using var response = await Host.InvokeAsync("Set-DistributionGroup", new { Identity = "Kept", ManagedBy = new[] { DemoTenant.UnlicensedUserUpn }, BypassSecurityGroupManagerCheck = true });
        var group = await Host.InvokeOkAsync("Get-DistributionGroup", new { Identity = "Kept" });

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("olivia.owner", group["value"]![0]!["ManagedBy"]![0]!.GetValue<string>());
    }

    [Fact]
    public async Task SetDistributionGroup_NewPrimaryAddress_ResolvesByNewAndOldAddress()
    {
        await Host.NewSecurityGroupAsync("Renamed");

        await Host.InvokeOkAsync("Set-DistributionGroup", new { Identity = "Renamed", PrimarySmtpAddress = "renamed-new@contoso.example", DisplayName = "Renamed group", BypassSecurityGroupManagerCheck = true });
        var byNew = await Host.InvokeOkAsync("Get-DistributionGroup", new { Identity = "renamed-new@contoso.example" });
        var byOld = await Host.InvokeOkAsync("Get-DistributionGroup", new { Identity = "renamed@contoso.example" });

        Assert.Equal("renamed-new@contoso.example", byNew["value"]![0]!["PrimarySmtpAddress"]!.GetValue<string>());
        Assert.Equal("Renamed group", byOld["value"]![0]!["DisplayName"]!.GetValue<string>());
        Assert.Contains("smtp:renamed@contoso.example", byOld["value"]![0]!["EmailAddresses"]!.AsArray().Select(a => a!.GetValue<string>()));
    }

    [Fact]
    public async Task SetDistributionGroup_AddressOfAnotherRecipient_400ProxyAddressExists()
    {
        await Host.NewSecurityGroupAsync("Clash");

        var error = await Host.InvokeBadRequestAsync("Set-DistributionGroup", new { Identity = "Clash", PrimarySmtpAddress = DemoTenant.AdminUpn, BypassSecurityGroupManagerCheck = true });

        Assert.EndsWith("ProxyAddressExistsException", ExchangeErrorBody.ExceptionType(error));
    }

    [Fact]
    public async Task GetDistributionGroup_NoIdentity_ListsGroupsFilteredByType()
    {
        await Host.NewSecurityGroupAsync("Listed");

        var security = await Host.InvokeOkAsync("Get-DistributionGroup", new { RecipientTypeDetails = "MailUniversalSecurityGroup" });
        var all = await Host.InvokeOkAsync("Get-DistributionGroup");

        Assert.Equal(["Listed"], security["value"]!.AsArray().Select(g => g!["Name"]!.GetValue<string>()));
        Assert.Equal(2, all["value"]!.AsArray().Count);
    }

    [Fact]
    public async Task RemoveDistributionGroup_ThenGet_404()
    {
        await Host.NewSecurityGroupAsync("Doomed");

        var removed = await Host.InvokeOkAsync("Remove-DistributionGroup", new { Identity = "Doomed", BypassSecurityGroupManagerCheck = true, Confirm = false });
        using var response = await Host.InvokeAsync("Get-DistributionGroup", new { Identity = "Doomed" });

        Assert.Empty(removed["value"]!.AsArray());
        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
    }

    [Fact]
    public async Task GetDistributionGroup_DuringReplicationDelay_404ThenFound()
    {
        Host.State.SetFaults(Host.State.Faults with { ReplicationDelay = TimeSpan.FromSeconds(30) });
        await Host.NewSecurityGroupAsync("Slow");

        using var early = await Host.InvokeAsync("Get-DistributionGroup", new { Identity = "Slow" });
        Host.Time.Advance(TimeSpan.FromSeconds(31));
        using var late = await Host.InvokeAsync("Get-DistributionGroup", new { Identity = "Slow" });

        Assert.Equal(HttpStatusCode.NotFound, early.StatusCode);
        Assert.Equal(HttpStatusCode.OK, late.StatusCode);
    }
}
