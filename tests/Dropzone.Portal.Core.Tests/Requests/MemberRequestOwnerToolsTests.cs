using static Dropzone.Portal.Core.Tests.Requests.RequestsHarness;

namespace Dropzone.Portal.Core.Tests.Requests;

/// <summary>Direct member changes, removal, failure and retry, members paging and mail settings.</summary>
public sealed class MemberRequestOwnerToolsTests
{
    [Theory, OnSqlite, OnPostgreSql]
    public async Task ChangeMemberDirectlyAsync_OwnerAdds_RecordedAsDecidedByOwnerAndApplied(PortalDatabaseProvider provider)
    {
        await using var h = await CreateAsync(provider: provider);
        var group = await h.CreateGroupAsync();

        var request = await h.Requests.ChangeMemberDirectlyAsync(As(Owner), group.Id, MembershipChange.Add, DemoTenant.SecurityTeamMailbox, null);
        await h.ApplyQueuedAsync();

        var applied = await h.ReloadAsync(request.Id);
        Assert.Equal(MemberRequestState.Applied, applied.State);
        Assert.Equal((Owner.ObjectId, Owner.ObjectId), (applied.RequestedByObjectId, applied.DecidedByObjectId));
        Assert.Contains(DemoTenant.SecurityTeamMailbox, await h.EmulatorMembersAsync());
        var actions = (await h.AuditAsync(request.Id)).Select(e => e.Action).ToList();
        Assert.Equal([AuditActions.RequestSubmitted, AuditActions.RequestApproved], actions.Take(2));
    }

    [Theory, OnSqlite, OnPostgreSql]
    public async Task ChangeMemberDirectlyAsync_OwnerRemoves_MemberGoneAndAccessDenied(PortalDatabaseProvider provider)
    {
        await using var h = await CreateAsync(provider: provider);
        var group = await h.CreateGroupAsync(members: [DemoTenant.PhishingReportMailbox, DemoTenant.SecurityTeamMailbox]);

        var request = await h.Requests.ChangeMemberDirectlyAsync(As(Owner), group.Id, MembershipChange.Remove, DemoTenant.SecurityTeamMailbox, "Team disbanded");
        await h.ApplyQueuedAsync();

        var applied = await h.ReloadAsync(request.Id);
        Assert.Equal(MemberRequestState.Applied, applied.State);
        Assert.Equal("Denied", applied.VerificationResult);
        Assert.DoesNotContain(DemoTenant.SecurityTeamMailbox, await h.EmulatorMembersAsync());
    }

    [Theory, OnSqlite, OnPostgreSql]
    public async Task ChangeMemberDirectlyAsync_PlainUser_RefusedAndNothingRecorded(PortalDatabaseProvider provider)
    {
        await using var h = await CreateAsync(provider: provider);
        var group = await h.CreateGroupAsync();

        await Assert.ThrowsAsync<MemberRequestDeniedException>(() =>
            h.Requests.ChangeMemberDirectlyAsync(As(Plain), group.Id, MembershipChange.Add, DemoTenant.SecurityTeamMailbox, null));

        await using var db = await h.CreateDbContextAsync();
        Assert.Empty(db.MemberRequests);
        Assert.Equal(0, h.Queue.Count);
    }

    [Theory, OnSqlite, OnPostgreSql]
    public async Task ChangeMemberDirectlyAsync_AdminOnGroupWithoutApprovals_Allowed(PortalDatabaseProvider provider)
    {
        await using var h = await CreateAsync(provider: provider);
        var group = await h.CreateGroupAsync(ownersApprove: false);

        var request = await h.Requests.ChangeMemberDirectlyAsync(As(Admin, isAdmin: true), group.Id, MembershipChange.Add, Plain.UserPrincipalName, null);
        await h.ApplyQueuedAsync();

        Assert.Equal(MemberRequestState.Applied, (await h.ReloadAsync(request.Id)).State);
    }

    [Theory, OnSqlite, OnPostgreSql]
    public async Task ApplyAsync_AccessStillDenied_FailedWithPlainReasonThenRetryApplies(PortalDatabaseProvider provider)
    {
        await using var h = await CreateAsync(provider: provider);
        var group = await h.CreateGroupAsync();
        // A DenyAccess policy on Pat's mailbox beats the group's RestrictAccess: membership alone will not grant access.
        var deny = await h.Exchange.InvokeAsync(ExchangeCommands.NewApplicationAccessPolicy(DemoTenant.RestrictedAppId, Plain.UserPrincipalName, ApplicationAccessRight.DenyAccess));
        Assert.True(deny.IsSuccess, deny.Outcome.ToString());
        var request = await h.Requests.SubmitAsync(As(Plain), AskToJoin(group.Id));
        await h.Requests.DecideAsync(As(Owner), [request.Id], RequestDecision.Approve, null);

        await h.ApplyQueuedAsync();
        var failed = await h.ReloadAsync(request.Id);
        var policies = await h.Exchange.InvokeAsync(ExchangeCommands.GetApplicationAccessPolicy());
        var denyIdentity = policies.Rows.Select(TenantClients.Exchange.ApplicationAccessPolicyInfo.From).Single(p => p.AccessRight == "DenyAccess").Identity!;
        await h.Exchange.InvokeAsync(ExchangeCommands.RemoveApplicationAccessPolicy(denyIdentity));
        var refused = await Assert.ThrowsAsync<MemberRequestDeniedException>(() => h.Requests.RetryAsync(As(Sam), request.Id));
        await h.Requests.RetryAsync(As(Owner), request.Id);
        await h.ApplyQueuedAsync();

        Assert.Equal(MemberRequestState.Failed, failed.State);
        Assert.Contains("Test-ApplicationAccessPolicy", failed.FailureReason, StringComparison.Ordinal);
        Assert.Contains("Denied", failed.FailureReason, StringComparison.Ordinal);
        Assert.Contains(h.Tenant.SentMail, m => m.Subject.StartsWith("Not done yet", StringComparison.Ordinal));
        var applied = await h.ReloadAsync(request.Id);
        Assert.Equal((MemberRequestState.Applied, 2), (applied.State, applied.ApplyAttempts));
        Assert.Contains(MemberRequestService.RequestRetriedAction, (await h.AuditAsync(request.Id)).Select(e => e.Action));
    }

    [Theory, OnSqlite, OnPostgreSql]
    public async Task ApplyAsync_RbacForApplicationsGroup_VerifiedWithServicePrincipalAuthorization(PortalDatabaseProvider provider)
    {
        await using var h = await CreateAsync(provider: provider);
        var group = await h.CreateGroupAsync(withPolicy: false);
        await using (var db = await h.CreateDbContextAsync())
        {
            var stored = await db.ManagedGroups.FindAsync(group.Id);
            stored!.RestrictionMode = Groups.RestrictionMode.RbacForApplications;
            await db.SaveChangesAsync();
        }
        foreach (var command in new[]
        {
            ExchangeCommands.NewServicePrincipal(DemoTenant.RestrictedAppId, DemoTenant.RestrictedServicePrincipalId, DemoTenant.RestrictedAppDisplayName),
            ExchangeCommands.NewManagementScope("Dropzone Mailboxes scope", ExchangeCommands.MemberOfGroupFilter(group.DistinguishedName!)),
            ExchangeCommands.NewManagementRoleAssignment("Dropzone Mail.Read", "Application Mail.Read", DemoTenant.RestrictedServicePrincipalId, "Dropzone Mailboxes scope"),
        })
        {
            var result = await h.Exchange.InvokeAsync(command);
            Assert.True(result.IsSuccess, $"{command.CmdletName}: {result.Outcome}");
        }

        var request = await h.Requests.ChangeMemberDirectlyAsync(As(Owner), group.Id, MembershipChange.Add, Plain.UserPrincipalName, null);
        await h.ApplyQueuedAsync();

        var applied = await h.ReloadAsync(request.Id);
        Assert.Equal((MemberRequestState.Applied, "InScope"), (applied.State, applied.VerificationResult));
        Assert.Contains(h.Tenant.Calls, c => c.Operation?.Contains("Test-ServicePrincipalAuthorization", StringComparison.Ordinal) == true);
    }

    [Theory, OnSqlite, OnPostgreSql]
    public async Task ApplyAsync_SameJobTwice_SecondDoesNothing(PortalDatabaseProvider provider)
    {
        await using var h = await CreateAsync(provider: provider);
        var request = await h.ApprovedRequestToJoinAsync();
        var applier = h.Services.GetRequiredService<MemberRequestApplier>();

        await applier.ApplyAsync(request.Id);
        await applier.ApplyAsync(request.Id);

        var applied = await h.ReloadAsync(request.Id);
        Assert.Equal((MemberRequestState.Applied, 1), (applied.State, applied.ApplyAttempts));
        Assert.Single(await h.AuditAsync(request.Id), e => e.Action == AuditActions.RequestApplied);
    }

    [Theory, OnSqlite, OnPostgreSql]
    public async Task ApplyAsync_MemberAddedInExchangeMeanwhile_CountsAsApplied(PortalDatabaseProvider provider)
    {
        await using var h = await CreateAsync(provider: provider);
        var request = await h.ApprovedRequestToJoinAsync();
        await h.Exchange.InvokeAsync(ExchangeCommands.AddDistributionGroupMember(GroupAddress, Plain.UserPrincipalName));

        await h.ApplyQueuedAsync();

        Assert.Equal(MemberRequestState.Applied, (await h.ReloadAsync(request.Id)).State);
    }

    [Theory, OnSqlite, OnPostgreSql]
    public async Task GetMembersAsync_OwnerPagesThroughMembers_PlainUserRefused(PortalDatabaseProvider provider)
    {
        await using var h = await CreateAsync(provider: provider);
        var group = await h.CreateGroupAsync(members: [DemoTenant.PhishingReportMailbox, DemoTenant.SecurityTeamMailbox, Plain.UserPrincipalName]);

        var first = await h.Requests.GetMembersAsync(As(Owner), group.Id, page: 0, pageSize: 2);
        var second = await h.Requests.GetMembersAsync(As(Owner), group.Id, page: 1, pageSize: 2);
        var auditor = await h.Requests.GetMembersAsync(As(Sam) with { IsAuditor = true }, group.Id, page: 0, pageSize: 10);

        Assert.Equal((3, 2, 1), (first.Total, first.Members.Count, second.Members.Count));
        Assert.Equal(3, auditor.Total);
        await Assert.ThrowsAsync<MemberRequestDeniedException>(() => h.Requests.GetMembersAsync(As(Plain), group.Id, 0, 10));
    }

    [Theory, OnSqlite, OnPostgreSql]
    public async Task DecideAsync_MailSenderFails_DecisionStillTaken(PortalDatabaseProvider provider)
    {
        await using var h = await CreateAsync(configure: services => services.AddSingleton<IMailSender, FailingMailSender>(), provider: provider);
        var group = await h.CreateGroupAsync();
        var request = await h.Requests.SubmitAsync(As(Plain), AskToJoin(group.Id));

        var result = Assert.Single(await h.Requests.DecideAsync(As(Owner), [request.Id], RequestDecision.Approve, null));
        await h.ApplyQueuedAsync();

        Assert.True(result.Succeeded);
        Assert.Equal(MemberRequestState.Applied, (await h.ReloadAsync(request.Id)).State);
    }

    [Theory, OnSqlite, OnPostgreSql]
    public async Task SubmitAsync_NotificationsDisabled_NoMailSent(PortalDatabaseProvider provider)
    {
        await using var h = await CreateAsync(new Dictionary<string, string?> { ["Notifications:Enabled"] = "false" }, provider: provider);
        var group = await h.CreateGroupAsync();

        var request = await h.Requests.SubmitAsync(As(Plain), AskToJoin(group.Id));
        await h.Requests.DecideAsync(As(Owner), [request.Id], RequestDecision.Reject, null);

        Assert.Empty(h.Tenant.SentMail);
    }

    [Theory, OnSqlite, OnPostgreSql]
    public async Task Events_SubmitAndDecide_PublishedForTheBadge(PortalDatabaseProvider provider)
    {
        await using var h = await CreateAsync(provider: provider);
        var group = await h.CreateGroupAsync();
        var seen = new List<MemberRequestState>();
        h.Events.Changed += change => seen.Add(change.State);

        var request = await h.Requests.SubmitAsync(As(Plain), AskToJoin(group.Id));
        var before = await h.Requests.CountPendingApprovalsAsync(As(Owner));
        await h.Requests.DecideAsync(As(Owner), [request.Id], RequestDecision.Reject, null);
        var after = await h.Requests.CountPendingApprovalsAsync(As(Owner));

        Assert.Contains(MemberRequestState.Pending, seen);
        Assert.Contains(MemberRequestState.Rejected, seen);
        Assert.Equal((1, 0), (before, after));
    }
}
