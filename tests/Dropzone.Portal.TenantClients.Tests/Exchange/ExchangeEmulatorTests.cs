namespace Dropzone.Portal.TenantClients.Tests.Exchange;

/// <summary>Every cmdlet the portal uses, through the real token, HTTP and error code paths, against the emulator.</summary>
public class ExchangeEmulatorTests
{
    private const string GroupName = "Dropzone Mailboxes";
    private const string GroupAddress = "dropzone-mailboxes@" + DemoTenant.Domain;

    private static ExchangeCommand NewGroup(params string[] members) =>
        ExchangeCommands.NewDistributionGroup(GroupName, [DemoTenant.OwnerUpn], alias: "dropzone-mailboxes",
            primarySmtpAddress: GroupAddress, members: members, requireSenderAuthenticationEnabled: true, description: "Mailboxes Dropzone may read");

    private static async Task<DistributionGroupInfo> CreateGroupAsync(TenantHarness tenant, params string[] members)
    {
        var created = await tenant.Exchange.InvokeAsync(NewGroup(members));
        Assert.True(created.IsSuccess, created.Outcome.ToString());
        return DistributionGroupInfo.From(created.Rows.Single());
    }

    [Fact]
    public async Task GetAcceptedDomain_EmulatedTenant_ListsTheDemoDomain()
    {
        using var tenant = TenantHarness.Create();

        var result = await tenant.Exchange.InvokeAsync(ExchangeCommands.GetAcceptedDomain());

        Assert.True(result.IsSuccess, result.Outcome.ToString());
        Assert.Contains(result.Rows.Select(AcceptedDomainInfo.From), d => d.DomainName == DemoTenant.Domain);
    }

    [Fact]
    public async Task NewDistributionGroup_SecurityGroup_ReturnsTheMesg()
    {
        using var tenant = TenantHarness.Create();

        var group = await CreateGroupAsync(tenant, DemoTenant.PhishingReportMailbox);

        Assert.Equal(GroupName, group.Name);
        Assert.Equal("MailUniversalSecurityGroup", group.RecipientTypeDetails);
        Assert.Equal(GroupAddress, group.PrimarySmtpAddress, ignoreCase: true);
        Assert.NotEmpty(group.ManagedBy);
        Assert.NotNull(group.ExternalDirectoryObjectId);
    }

    [Fact]
    public async Task NewDistributionGroup_SameNameTwice_IsAlreadyExistsOnName()
    {
        using var tenant = TenantHarness.Create();
        await CreateGroupAsync(tenant);

        var again = await tenant.Exchange.InvokeAsync(ExchangeCommands.NewDistributionGroup(GroupName, [DemoTenant.OwnerUpn], alias: "other-alias", primarySmtpAddress: "other@" + DemoTenant.Domain));

        var exists = Assert.IsType<ExchangeOutcome.AlreadyExists>(again.Outcome);
        Assert.Equal(ConflictingProperty.Name, exists.Property);
    }

    [Fact]
    public async Task NewDistributionGroup_TakenAddress_IsAlreadyExistsOnAddress()
    {
        using var tenant = TenantHarness.Create();

        var result = await tenant.Exchange.InvokeAsync(ExchangeCommands.NewDistributionGroup("Another", [DemoTenant.OwnerUpn], alias: "another", primarySmtpAddress: DemoTenant.PhishingReportMailbox));

        var exists = Assert.IsType<ExchangeOutcome.AlreadyExists>(result.Outcome);
        Assert.Equal(ConflictingProperty.Address, exists.Property);
    }

    [Fact]
    public async Task GetDistributionGroup_Missing_IsNotFound()
    {
        using var tenant = TenantHarness.Create();

        var result = await tenant.Exchange.InvokeAsync(ExchangeCommands.GetDistributionGroup("no-such-group@" + DemoTenant.Domain));

        Assert.IsType<ExchangeOutcome.NotFound>(result.Outcome);
        Assert.Equal(404, result.StatusCode);
    }

    [Fact]
    public async Task MemberCmdlets_AddRemoveUpdate_ReachDesiredStateIdempotently()
    {
        using var tenant = TenantHarness.Create();
        await CreateGroupAsync(tenant, DemoTenant.PhishingReportMailbox);
        var exchange = tenant.Exchange;

        var added = await exchange.InvokeAsync(ExchangeCommands.AddDistributionGroupMember(GroupAddress, DemoTenant.SecurityTeamMailbox));
        var addedAgain = await exchange.InvokeAsync(ExchangeCommands.AddDistributionGroupMember(GroupAddress, DemoTenant.SecurityTeamMailbox));
        var removed = await exchange.InvokeAsync(ExchangeCommands.RemoveDistributionGroupMember(GroupAddress, DemoTenant.PhishingReportMailbox));
        var removedAgain = await exchange.InvokeAsync(ExchangeCommands.RemoveDistributionGroupMember(GroupAddress, DemoTenant.PhishingReportMailbox));

        Assert.IsType<ExchangeOutcome.Success>(added.Outcome);
        Assert.IsType<ExchangeOutcome.MemberAlreadyPresent>(addedAgain.Outcome);
        Assert.IsType<ExchangeOutcome.Success>(removed.Outcome);
        Assert.IsType<ExchangeOutcome.MemberAbsent>(removedAgain.Outcome);
        Assert.True(addedAgain.IsSuccess && removedAgain.IsSuccess);
        var members = await exchange.GetMembersAsync(GroupAddress);
        Assert.Equal([DemoTenant.SecurityTeamMailbox], members!.Select(m => m.PrimarySmtpAddress!.ToLowerInvariant()));

        var updated = await exchange.InvokeAsync(ExchangeCommands.UpdateDistributionGroupMember(GroupAddress, [DemoTenant.PhishingReportMailbox, DemoTenant.AdminUpn]));
        Assert.True(updated.IsSuccess, updated.Outcome.ToString());
        members = await exchange.GetMembersAsync(GroupAddress);
        Assert.Equal(2, members!.Count);
    }

    [Fact]
    public async Task GetDistributionGroupMember_MoreThanOnePage_FollowsNextLink()
    {
        using var tenant = TenantHarness.Create();
        var group = await CreateGroupAsync(tenant);
        var ids = tenant.State.AddBulkMailboxUsers(2_500);
        tenant.State.ReplaceGroupMembers(Guid.Parse(group.ExternalDirectoryObjectId!), ids);

        var result = await tenant.Exchange.InvokeAsync(ExchangeCommands.GetDistributionGroupMember(GroupAddress));

        Assert.True(result.IsSuccess, result.Outcome.ToString());
        Assert.Equal(2_500, result.Rows.Count);
        Assert.Equal(2_500, result.Rows.Select(r => r.GetText("ExternalDirectoryObjectId")).Distinct().Count());
    }

    [Fact]
    public async Task SetAndRemoveDistributionGroup_Owners_AreRewrittenThenGroupGone()
    {
        using var tenant = TenantHarness.Create();
        await CreateGroupAsync(tenant);

        var set = await tenant.Exchange.InvokeAsync(ExchangeCommands.SetDistributionGroup(GroupAddress, managedBy: [DemoTenant.OwnerUpn, DemoTenant.AdminUpn], description: "changed"));
        var read = await tenant.Exchange.InvokeAsync(ExchangeCommands.GetDistributionGroup(GroupAddress));
        var removed = await tenant.Exchange.InvokeAsync(ExchangeCommands.RemoveDistributionGroup(GroupAddress));
        var after = await tenant.Exchange.InvokeAsync(ExchangeCommands.GetDistributionGroup(GroupAddress));

        Assert.True(set.IsSuccess, set.Outcome.ToString());
        Assert.Equal(2, DistributionGroupInfo.From(read.Rows.Single()).ManagedBy.Count);
        Assert.True(removed.IsSuccess, removed.Outcome.ToString());
        Assert.IsType<ExchangeOutcome.NotFound>(after.Outcome);
    }

    [Fact]
    public async Task GetRecipientAndMailbox_DemoMailbox_AreFound()
    {
        using var tenant = TenantHarness.Create();

        var recipient = await tenant.Exchange.InvokeAsync(ExchangeCommands.GetRecipient(DemoTenant.PhishingReportMailbox));
        var mailbox = await tenant.Exchange.InvokeAsync(ExchangeCommands.GetMailbox(DemoTenant.AdminUpn));
        var noMailbox = await tenant.Exchange.InvokeAsync(ExchangeCommands.GetMailbox(DemoTenant.UnlicensedUserUpn));

        Assert.Equal(DemoTenant.PhishingReportMailbox, RecipientInfo.From(recipient.Rows.Single()).PrimarySmtpAddress, ignoreCase: true);
        Assert.Equal(DemoTenant.AdminUpn, RecipientInfo.From(mailbox.Rows.Single()).PrimarySmtpAddress, ignoreCase: true);
        Assert.IsType<ExchangeOutcome.NotFound>(noMailbox.Outcome);
    }

    [Fact]
    public async Task FindMailboxes_SharedMailboxes_ListsThePhishingMailbox()
    {
        using var tenant = TenantHarness.Create();

        var shared = await tenant.Exchange.InvokeAsync(ExchangeCommands.FindMailboxes(recipientTypeDetails: "SharedMailbox", unlimited: true));
        var byAnr = await tenant.Exchange.InvokeAsync(ExchangeCommands.FindRecipients(anr: "phishing"));

        Assert.Contains(shared.Rows.Select(RecipientInfo.From), r => string.Equals(r.PrimarySmtpAddress, DemoTenant.PhishingReportMailbox, StringComparison.OrdinalIgnoreCase));
        Assert.Contains(byAnr.Rows.Select(RecipientInfo.From), r => string.Equals(r.PrimarySmtpAddress, DemoTenant.PhishingReportMailbox, StringComparison.OrdinalIgnoreCase));
    }

    [Fact]
    public async Task ApplicationAccessPolicy_Lifecycle_RestrictsToGroupMembers()
    {
        using var tenant = TenantHarness.Create();
        await CreateGroupAsync(tenant, DemoTenant.PhishingReportMailbox);
        var exchange = tenant.Exchange;

        var created = await exchange.InvokeAsync(ExchangeCommands.NewApplicationAccessPolicy(DemoTenant.RestrictedAppId, GroupAddress, ApplicationAccessRight.RestrictAccess, "Dropzone"));
        var policy = ApplicationAccessPolicyInfo.From(created.Rows.Single());
        var listed = await exchange.InvokeAsync(ExchangeCommands.GetApplicationAccessPolicy());
        var described = await exchange.InvokeAsync(ExchangeCommands.SetApplicationAccessPolicy(policy.Identity!, "Dropzone (changed)"));
        var inScope = await exchange.InvokeAsync(ExchangeCommands.TestApplicationAccessPolicy(DemoTenant.PhishingReportMailbox, DemoTenant.RestrictedAppId));
        var outOfScope = await exchange.InvokeAsync(ExchangeCommands.TestApplicationAccessPolicy(DemoTenant.AdminUpn, DemoTenant.RestrictedAppId));
        var removed = await exchange.InvokeAsync(ExchangeCommands.RemoveApplicationAccessPolicy(policy.Identity!));

        Assert.True(created.IsSuccess, created.Outcome.ToString());
        Assert.Equal("RestrictAccess", policy.AccessRight);
        Assert.Single(listed.Rows);
        Assert.True(described.IsSuccess, described.Outcome.ToString());
        Assert.True(AccessCheckInfo.From(inScope.Rows.Single()).IsGranted);
        Assert.False(AccessCheckInfo.From(outOfScope.Rows.Single()).IsGranted);
        Assert.True(removed.IsSuccess, removed.Outcome.ToString());
    }

    [Fact]
    public async Task RbacForApplications_Lifecycle_ScopesTheAppToTheGroup()
    {
        using var tenant = TenantHarness.Create();
        var group = await CreateGroupAsync(tenant, DemoTenant.PhishingReportMailbox);
        var exchange = tenant.Exchange;

        var sp = await exchange.InvokeAsync(ExchangeCommands.NewServicePrincipal(DemoTenant.RestrictedAppId, DemoTenant.RestrictedServicePrincipalId, "Dropzone AI"));
        var spRead = await exchange.InvokeAsync(ExchangeCommands.GetServicePrincipal(DemoTenant.RestrictedAppId));
        var scope = await exchange.InvokeAsync(ExchangeCommands.NewManagementScope("Dropzone scope", ExchangeCommands.MemberOfGroupFilter(group.DistinguishedName!)));
        var scopeRead = await exchange.InvokeAsync(ExchangeCommands.GetManagementScope("Dropzone scope"));
        var assignment = await exchange.InvokeAsync(ExchangeCommands.NewManagementRoleAssignment("Dropzone Mail.Read", "Application Mail.Read", DemoTenant.RestrictedServicePrincipalId, "Dropzone scope"));
        var assignmentRead = await exchange.InvokeAsync(ExchangeCommands.GetManagementRoleAssignment("Dropzone Mail.Read"));
        var inScope = await exchange.InvokeAsync(ExchangeCommands.TestServicePrincipalAuthorization(DemoTenant.RestrictedAppId, DemoTenant.PhishingReportMailbox));
        var outOfScope = await exchange.InvokeAsync(ExchangeCommands.TestServicePrincipalAuthorization(DemoTenant.RestrictedAppId, DemoTenant.AdminUpn));

        foreach (var result in new[] { sp, spRead, scope, scopeRead, assignment, assignmentRead, inScope, outOfScope })
        {
            Assert.True(result.IsSuccess, $"{result.Command.CmdletName}: {result.Outcome}");
        }

        Assert.Equal(DemoTenant.RestrictedAppId, ExchangeServicePrincipalInfo.From(spRead.Rows.Single()).AppId, ignoreCase: true);
        Assert.Equal("Dropzone scope", ManagementScopeInfo.From(scopeRead.Rows.Single()).Name);
        Assert.Equal("Dropzone Mail.Read", ManagementRoleAssignmentInfo.From(assignmentRead.Rows.Single()).Name);
        Assert.Contains(inScope.Rows.Select(ServicePrincipalAuthorizationInfo.From), r => r.InScope == true);
        Assert.DoesNotContain(outOfScope.Rows.Select(ServicePrincipalAuthorizationInfo.From), r => r.InScope == true);

        var removeAssignment = await exchange.InvokeAsync(ExchangeCommands.RemoveManagementRoleAssignment("Dropzone Mail.Read"));
        var removeScope = await exchange.InvokeAsync(ExchangeCommands.RemoveManagementScope("Dropzone scope"));
        var removeSp = await exchange.InvokeAsync(ExchangeCommands.RemoveServicePrincipal(DemoTenant.RestrictedAppId));
        Assert.True(removeAssignment.IsSuccess && removeScope.IsSuccess && removeSp.IsSuccess);
    }

    [Fact]
    public async Task InvokeBatchAsync_ElevenTestCommands_AnswersEachInOrderWithTwoBatches()
    {
        using var tenant = TenantHarness.Create();
        string[] mailboxes = [.. Enumerable.Repeat(DemoTenant.PhishingReportMailbox, 6), .. Enumerable.Repeat(DemoTenant.AdminUpn, 5)];
        var callsBefore = tenant.State.Calls.Count(c => c.Service == "outlook");

        var results = await tenant.Exchange.InvokeBatchAsync([.. mailboxes.Select(m => ExchangeCommands.GetMailbox(m))]);

        Assert.Equal(11, results.Count);
        Assert.All(results, r => Assert.True(r.IsSuccess, r.Outcome.ToString()));
        Assert.Equal(mailboxes, results.Select(r => RecipientInfo.From(r.Rows.Single()).PrimarySmtpAddress!.ToLowerInvariant()));
        Assert.Equal(2, tenant.State.Calls.Count(c => c.Service == "outlook") - callsBefore);
    }

    [Fact]
    public async Task InvokeBatchAsync_PartWithMorePages_ContinuesFromItsNextLinkWithoutReadingItsFirstPageAgain()
    {
        using var tenant = TenantHarness.Create();
        tenant.State.AddBulkMailboxUsers(2_500);
        var callsBefore = tenant.State.Calls.Count(c => c.Service == "outlook");

        var results = await tenant.Exchange.InvokeBatchAsync([ExchangeCommands.FindMailboxes(unlimited: true), ExchangeCommands.GetAcceptedDomain()]);

        var mailboxes = results[0];
        Assert.True(mailboxes.IsSuccess, mailboxes.Outcome.ToString());
        Assert.Equal(mailboxes.Rows.Count, mailboxes.Rows.Select(r => RecipientInfo.From(r).PrimarySmtpAddress).Distinct(StringComparer.OrdinalIgnoreCase).Count());
        Assert.True(mailboxes.Rows.Count >= 2_500, $"{mailboxes.Rows.Count} rows");
        // One batch, then pages 2 and 3 alone: 1,000 rows a page.
        var pages = (mailboxes.Rows.Count + 999) / 1000;
        Assert.Equal(pages - 1, mailboxes.FollowUpCalls);
        Assert.Equal(0, results[1].FollowUpCalls);
        Assert.Equal(pages, tenant.State.Calls.Count(c => c.Service == "outlook") - callsBefore);
    }

    [Fact]
    public async Task AddMembersAsync_SomeAlreadyPresent_AllSucceed()
    {
        using var tenant = TenantHarness.Create();
        await CreateGroupAsync(tenant, DemoTenant.PhishingReportMailbox);

        var results = await tenant.Exchange.AddMembersAsync(GroupAddress, [DemoTenant.PhishingReportMailbox, DemoTenant.SecurityTeamMailbox, DemoTenant.AdminUpn]);

        Assert.All(results, r => Assert.True(r.IsSuccess, r.Outcome.ToString()));
        Assert.IsType<ExchangeOutcome.MemberAlreadyPresent>(results[0].Outcome);
        Assert.Equal(3, (await tenant.Exchange.GetMembersAsync(GroupAddress))!.Count);
    }

    [Fact]
    public async Task InvokeAsync_AppWithoutExchangeRole_IsPermissionMissingWithRemedy()
    {
        using var tenant = TenantHarness.Create();
        tenant.State.SetExchangeAdministrator(DemoTenant.PortalClientId, false);

        var result = await tenant.Exchange.InvokeAsync(ExchangeCommands.GetAcceptedDomain());

        var missing = Assert.IsType<ExchangeOutcome.PermissionMissing>(result.Outcome);
        Assert.Equal(MissingPermission.ExchangeAdministratorRole, missing.Which);
        Assert.Contains("Exchange Administrator", missing.Remedy, StringComparison.Ordinal);
    }

    [Fact]
    public async Task InvokeAsync_UnknownParameter_IsInvalidInputWithExchangesMessage()
    {
        using var tenant = TenantHarness.Create();

        var result = await tenant.Exchange.InvokeAsync(ExchangeCommand.Create("Get-Mailbox").With("Bogus", "x"));

        var invalid = Assert.IsType<ExchangeOutcome.InvalidInput>(result.Outcome);
        Assert.Contains("Bogus", invalid.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task CreateIfAbsentAsync_SecondRun_FindsTheExistingGroup()
    {
        using var tenant = TenantHarness.Create();
        var get = ExchangeCommands.GetDistributionGroup(GroupAddress);

        var first = await tenant.Exchange.CreateIfAbsentAsync(get, NewGroup());
        var second = await tenant.Exchange.CreateIfAbsentAsync(get, NewGroup());

        Assert.Equal(CreateDisposition.Created, first.Disposition);
        Assert.Equal(CreateDisposition.AlreadyPresent, second.Disposition);
    }
}
