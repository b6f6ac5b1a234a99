using static Dropzone.Portal.Core.Tests.Requests.RequestsHarness;

namespace Dropzone.Portal.Core.Tests.Requests;

/// <summary>The request workflow end to end against the emulated tenant: Exchange is the source of truth.</summary>
public sealed class MemberRequestWorkflowTests
{
    [Theory, OnSqlite, OnPostgreSql]
    public async Task DecideAsync_OwnerApprovesOwnMailboxRequest_MemberPresentInEmulatorAndVerified(PortalDatabaseProvider provider)
    {
        await using var h = await CreateAsync(provider: provider);
        var group = await h.CreateGroupAsync();

        var request = await h.Requests.SubmitAsync(As(Plain), AskToJoin(group.Id));
        var queue = await h.Requests.GetApprovalQueueAsync(As(Owner));
        var results = await h.Requests.DecideAsync(As(Owner), [request.Id], RequestDecision.Approve, "Welcome aboard");
        await h.ApplyQueuedAsync();

        Assert.Equal(request.Id, Assert.Single(queue).Request.Id);
        Assert.True(Assert.Single(results).Succeeded);
        var applied = await h.ReloadAsync(request.Id);
        Assert.Equal(MemberRequestState.Applied, applied.State);
        Assert.Equal("Granted", applied.VerificationResult);
        Assert.Equal(Owner.ObjectId, applied.DecidedByObjectId);
        Assert.Contains(Plain.UserPrincipalName, await h.EmulatorMembersAsync());
        var actions = (await h.AuditAsync(request.Id)).Select(e => e.Action).ToList();
        Assert.Equal([AuditActions.RequestSubmitted, AuditActions.RequestApproved, AuditActions.MemberAdded, AuditActions.VerificationCompleted, AuditActions.RequestApplied], actions);
        var memberAdded = (await h.AuditAsync(request.Id)).Single(e => e.Action == AuditActions.MemberAdded);
        Assert.Contains("-BypassSecurityGroupManagerCheck", memberAdded.Command, StringComparison.Ordinal);
    }

    [Theory, OnSqlite, OnPostgreSql]
    public async Task DecideAsync_Approved_EmulatorRecordsMailToOwnersAndRequester(PortalDatabaseProvider provider)
    {
        await using var h = await CreateAsync(provider: provider);
        var group = await h.CreateGroupAsync();

        var request = await h.Requests.SubmitAsync(As(Plain), AskToJoin(group.Id));
        await h.Requests.DecideAsync(As(Owner), [request.Id], RequestDecision.Approve, null);
        await h.ApplyQueuedAsync();

        var mail = h.Tenant.SentMail;
        Assert.All(mail, m => Assert.Equal(SenderMailbox, m.From, ignoreCase: true));
        Assert.Contains(mail, m => m.To.Contains(Owner.UserPrincipalName, StringComparer.OrdinalIgnoreCase) && m.Subject.StartsWith("Approval needed", StringComparison.Ordinal));
        Assert.Contains(mail, m => m.To.Contains(Plain.UserPrincipalName, StringComparer.OrdinalIgnoreCase) && m.Subject.StartsWith("Request approved", StringComparison.Ordinal));
        Assert.Contains(mail, m => m.To.Contains(Plain.UserPrincipalName, StringComparer.OrdinalIgnoreCase) && m.Subject.StartsWith("Done:", StringComparison.Ordinal));
        Assert.DoesNotContain(mail, m => m.Body.Contains(DemoTenant.PortalClientSecret, StringComparison.Ordinal));
    }

    [Theory, OnSqlite, OnPostgreSql]
    public async Task DecideAsync_OwnerRejects_NothingChangesInExchange(PortalDatabaseProvider provider)
    {
        await using var h = await CreateAsync(provider: provider);
        var group = await h.CreateGroupAsync();
        var before = await h.EmulatorMembersAsync();
        var request = await h.Requests.SubmitAsync(As(Plain), AskToJoin(group.Id));

        var results = await h.Requests.DecideAsync(As(Owner), [request.Id], RequestDecision.Reject, "Not your team's mailbox");
        await h.ApplyQueuedAsync();

        Assert.True(Assert.Single(results).Succeeded);
        Assert.Equal(0, h.Queue.Count);
        var rejected = await h.ReloadAsync(request.Id);
        Assert.Equal(MemberRequestState.Rejected, rejected.State);
        Assert.Equal("Not your team's mailbox", rejected.DecisionComment);
        Assert.Equal(before, await h.EmulatorMembersAsync());
        Assert.DoesNotContain(h.Tenant.Calls, c => c.Operation?.Contains("Add-DistributionGroupMember", StringComparison.Ordinal) == true);
        Assert.Contains(h.Tenant.SentMail, m => m.Subject.StartsWith("Request rejected", StringComparison.Ordinal));
    }

    [Theory, OnSqlite, OnPostgreSql]
    public async Task DecideAsync_NonOwnerCallsServiceDirectly_RefusedAndAudited(PortalDatabaseProvider provider)
    {
        await using var h = await CreateAsync(provider: provider);
        var group = await h.CreateGroupAsync();
        var request = await h.Requests.SubmitAsync(As(Plain), AskToJoin(group.Id));

        var result = Assert.Single(await h.Requests.DecideAsync(As(Sam), [request.Id], RequestDecision.Approve, null));

        Assert.False(result.Succeeded);
        Assert.Contains("current owners", result.Message, StringComparison.Ordinal);
        Assert.Equal(MemberRequestState.Pending, (await h.ReloadAsync(request.Id)).State);
        Assert.Equal(0, h.Queue.Count);
        var denied = (await h.AuditAsync(request.Id)).Last();
        Assert.Equal((AuditActions.RequestApproved, AuditOutcome.Denied, Sam.ObjectId), (denied.Action, denied.Outcome, denied.ActorId));
        Assert.Empty(await h.Requests.GetApprovalQueueAsync(As(Sam)));
    }

    [Theory, OnSqlite, OnPostgreSql]
    public async Task DecideAsync_RequesterIsOwner_CannotApproveOwnRequest(PortalDatabaseProvider provider)
    {
        await using var h = await CreateAsync(provider: provider);
        var group = await h.CreateGroupAsync();
        var request = await h.Requests.SubmitAsync(As(Owner), AskToJoin(group.Id));

        var result = Assert.Single(await h.Requests.DecideAsync(As(Owner), [request.Id], RequestDecision.Approve, null));

        Assert.False(result.Succeeded);
        Assert.Contains("You asked for this yourself", result.Message, StringComparison.Ordinal);
        Assert.Equal(MemberRequestState.Pending, (await h.ReloadAsync(request.Id)).State);
        Assert.Empty(await h.Requests.GetApprovalQueueAsync(As(Owner)));
    }

    [Theory, OnSqlite, OnPostgreSql]
    public async Task DecideAsync_RequesterIsAdmin_CannotApproveOwnRequestButAnotherAdminCan(PortalDatabaseProvider provider)
    {
        await using var h = await CreateAsync(provider: provider);
        var group = await h.CreateGroupAsync();
        var request = await h.Requests.SubmitAsync(As(Admin, isAdmin: true), AskToJoin(group.Id));

        var own = Assert.Single(await h.Requests.DecideAsync(As(Admin, isAdmin: true), [request.Id], RequestDecision.Approve, null));
        var other = Assert.Single(await h.Requests.DecideAsync(As(Sam, isAdmin: true), [request.Id], RequestDecision.Approve, null));

        Assert.False(own.Succeeded);
        Assert.True(other.Succeeded);
    }

    [Theory, OnSqlite, OnPostgreSql]
    public async Task DecideAsync_OwnerRemovedInExchange_LosesTheRightAtOnce(PortalDatabaseProvider provider)
    {
        await using var h = await CreateAsync(provider: provider);
        var group = await h.CreateGroupAsync(storedOwners: [Owner]);
        var request = await h.Requests.SubmitAsync(As(Plain), AskToJoin(group.Id));
        await h.ReplaceOwnersInExchangeAsync(Riley);

        var removedOwner = Assert.Single(await h.Requests.DecideAsync(As(Owner), [request.Id], RequestDecision.Approve, null));
        var newOwner = Assert.Single(await h.Requests.DecideAsync(As(Riley), [request.Id], RequestDecision.Approve, null));

        Assert.False(removedOwner.Succeeded);
        Assert.True(newOwner.Succeeded, newOwner.Message);
        Assert.Equal(Riley.ObjectId, (await h.ReloadAsync(request.Id)).DecidedByObjectId);
        Assert.Empty(await h.Requests.GetApprovalQueueAsync(As(Owner)));
    }

    [Theory, OnSqlite, OnPostgreSql]
    public async Task DecideAsync_SeveralAtOnce_EachDecidedAndApplied(PortalDatabaseProvider provider)
    {
        await using var h = await CreateAsync(provider: provider);
        var group = await h.CreateGroupAsync();
        var first = await h.Requests.SubmitAsync(As(Plain), AskToJoin(group.Id));
        var second = await h.Requests.SubmitAsync(As(Sam), AskToJoin(group.Id));
        var third = await h.Requests.SubmitAsync(As(Plain), AskToJoin(group.Id, DemoTenant.SecurityTeamMailbox));

        var results = await h.Requests.DecideAsync(As(Owner), [first.Id, second.Id, third.Id], RequestDecision.Approve, "Batch approval");
        await h.ApplyQueuedAsync();

        Assert.All(results, r => Assert.True(r.Succeeded, r.Message));
        var members = await h.EmulatorMembersAsync();
        Assert.Contains(Plain.UserPrincipalName, members);
        Assert.Contains(Sam.UserPrincipalName, members);
        Assert.Contains(DemoTenant.SecurityTeamMailbox, members);
    }

    [Theory, OnSqlite, OnPostgreSql]
    public async Task SubmitAsync_DuplicatePending_RefusedAndNothingChanges(PortalDatabaseProvider provider)
    {
        await using var h = await CreateAsync(provider: provider);
        var group = await h.CreateGroupAsync();
        await h.Requests.SubmitAsync(As(Plain), AskToJoin(group.Id));

        var ex = await Assert.ThrowsAsync<MemberRequestRuleException>(() => h.Requests.SubmitAsync(As(Sam), AskToJoin(group.Id, Plain.UserPrincipalName)));

        Assert.Contains("already has a pending request", ex.Message, StringComparison.Ordinal);
        await using var db = await h.CreateDbContextAsync();
        Assert.Single(db.MemberRequests);
    }

    [Theory, OnSqlite, OnPostgreSql]
    public async Task SubmitAsync_MailboxAlreadyMember_Refused(PortalDatabaseProvider provider)
    {
        await using var h = await CreateAsync(provider: provider);
        var group = await h.CreateGroupAsync();

        var ex = await Assert.ThrowsAsync<MemberRequestRuleException>(() => h.Requests.SubmitAsync(As(Plain), AskToJoin(group.Id, DemoTenant.PhishingReportMailbox)));

        Assert.Contains("is already a member", ex.Message, StringComparison.Ordinal);
    }

    [Theory, OnSqlite, OnPostgreSql]
    public async Task SubmitAsync_RemoveMailboxNotMember_Refused(PortalDatabaseProvider provider)
    {
        await using var h = await CreateAsync(provider: provider);
        var group = await h.CreateGroupAsync();

        var ex = await Assert.ThrowsAsync<MemberRequestRuleException>(() =>
            h.Requests.SubmitAsync(As(Plain), new SubmitMemberRequest(group.Id, MembershipChange.Remove, null, "I moved teams.")));

        Assert.Contains("nothing to remove", ex.Message, StringComparison.Ordinal);
    }

    [Theory, OnSqlite, OnPostgreSql]
    public async Task SubmitAsync_GroupWithoutOwnerApprovals_Refused(PortalDatabaseProvider provider)
    {
        await using var h = await CreateAsync(provider: provider);
        var group = await h.CreateGroupAsync(ownersApprove: false);

        var ex = await Assert.ThrowsAsync<MemberRequestRuleException>(() => h.Requests.SubmitAsync(As(Plain), AskToJoin(group.Id)));

        Assert.Contains("does not take membership requests", ex.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("nobody@contoso.example", "has no mailbox")]
    [InlineData("uma.unlicensed@contoso.example", "has no mailbox")]
    [InlineData("all-staff@contoso.example", "is a group, not a mailbox")]
    public async Task SubmitAsync_UnknownOrMailboxlessMailbox_RefusedWithReason(string mailbox, string expected)
    {
        await using var h = await CreateAsync();
        var group = await h.CreateGroupAsync();

        var ex = await Assert.ThrowsAsync<MemberRequestRuleException>(() => h.Requests.SubmitAsync(As(Plain), AskToJoin(group.Id, mailbox)));

        Assert.Contains(expected, ex.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("")]
    [InlineData("   ")]
    public async Task SubmitAsync_NoJustification_RefusedBeforeAskingExchange(string justification)
    {
        await using var h = await CreateAsync();
        var group = await h.CreateGroupAsync();
        var calls = h.Tenant.Calls.Count;

        var ex = await Assert.ThrowsAsync<MemberRequestRuleException>(() =>
            h.Requests.SubmitAsync(As(Plain), new SubmitMemberRequest(group.Id, MembershipChange.Add, null, justification)));

        Assert.Contains("Say why", ex.Message, StringComparison.Ordinal);
        Assert.Equal(calls, h.Tenant.Calls.Count);
    }

    [Theory, OnSqlite, OnPostgreSql]
    public async Task SubmitAsync_SharedMailboxNamed_RequestCarriesTheResolvedMailbox(PortalDatabaseProvider provider)
    {
        await using var h = await CreateAsync(provider: provider);
        var group = await h.CreateGroupAsync();

        var request = await h.Requests.SubmitAsync(As(Plain), AskToJoin(group.Id, "SECURITY-TEAM@contoso.example"));

        Assert.Equal(DemoTenant.SecurityTeamMailbox, request.MailboxAddress, ignoreCase: true);
        Assert.Equal("Security Team", request.MailboxDisplayName);
        Assert.Equal(Plain.ObjectId, request.RequestedByObjectId);
    }

    [Theory, OnSqlite, OnPostgreSql]
    public async Task CancelAsync_OwnPending_CancelledAndAudited(PortalDatabaseProvider provider)
    {
        await using var h = await CreateAsync(provider: provider);
        var group = await h.CreateGroupAsync();
        var request = await h.Requests.SubmitAsync(As(Plain), AskToJoin(group.Id));

        await h.Requests.CancelAsync(As(Plain), request.Id);

        Assert.Equal(MemberRequestState.Cancelled, (await h.ReloadAsync(request.Id)).State);
        Assert.Equal(AuditActions.RequestCancelled, (await h.AuditAsync(request.Id)).Last().Action);
        Assert.Empty(await h.Requests.GetApprovalQueueAsync(As(Owner)));
    }

    [Theory, OnSqlite, OnPostgreSql]
    public async Task CancelAsync_SomeoneElsesRequest_NotFoundAndUnchanged(PortalDatabaseProvider provider)
    {
        await using var h = await CreateAsync(provider: provider);
        var group = await h.CreateGroupAsync();
        var request = await h.Requests.SubmitAsync(As(Plain), AskToJoin(group.Id));

        await Assert.ThrowsAsync<MemberRequestNotFoundException>(() => h.Requests.CancelAsync(As(Owner), request.Id));

        Assert.Equal(MemberRequestState.Pending, (await h.ReloadAsync(request.Id)).State);
    }

    [Theory, OnSqlite, OnPostgreSql]
    public async Task ListMineAsync_TwoRequesters_EachSeesOnlyTheirOwn(PortalDatabaseProvider provider)
    {
        await using var h = await CreateAsync(provider: provider);
        var group = await h.CreateGroupAsync();
        var mine = await h.Requests.SubmitAsync(As(Plain), AskToJoin(group.Id));
        await h.Requests.SubmitAsync(As(Sam), AskToJoin(group.Id));

        var list = await h.Requests.ListMineAsync(As(Plain));

        Assert.Equal(mine.Id, Assert.Single(list).Request.Id);
        Assert.Equal("Dropzone Mailboxes", list[0].GroupName);
    }

    [Fact]
    public async Task SweepAsync_PendingOlderThanConfiguredDays_Expired()
    {
        await using var h = await CreateAsync(new Dictionary<string, string?> { ["Requests:ExpireAfterDays"] = "3" }, freshTokens: true);
        var group = await h.CreateGroupAsync();
        var old = await h.Requests.SubmitAsync(As(Plain), AskToJoin(group.Id));
        h.Time.Advance(TimeSpan.FromDays(2));
        var recent = await h.Requests.SubmitAsync(As(Sam), AskToJoin(group.Id));
        h.Time.Advance(TimeSpan.FromDays(1) + TimeSpan.FromMinutes(1));

        var expired = await h.Sweep.RunAsync();

        Assert.Equal(1, expired);
        Assert.Equal(MemberRequestState.Expired, (await h.ReloadAsync(old.Id)).State);
        Assert.Equal(MemberRequestState.Pending, (await h.ReloadAsync(recent.Id)).State);
        Assert.Equal(AuditActions.RequestExpired, (await h.AuditAsync(old.Id)).Last().Action);
        Assert.Contains(h.Tenant.SentMail, m => m.Subject.StartsWith("Request expired", StringComparison.Ordinal));
    }

    [Fact]
    public async Task SweepAsync_DefaultSettings_ExpiresAfterFourteenDays()
    {
        await using var h = await CreateAsync(freshTokens: true);
        var group = await h.CreateGroupAsync();
        var request = await h.Requests.SubmitAsync(As(Plain), AskToJoin(group.Id));

        h.Time.Advance(TimeSpan.FromDays(13));
        var early = await h.Sweep.RunAsync();
        h.Time.Advance(TimeSpan.FromDays(1));
        var due = await h.Sweep.RunAsync();

        Assert.Equal((0, 1), (early, due));
        Assert.Equal(MemberRequestState.Expired, (await h.ReloadAsync(request.Id)).State);
    }

    [Fact]
    public async Task SweepAsync_ApprovedButNeverApplied_QueuedAgain()
    {
        await using var h = await CreateAsync(freshTokens: true);
        var request = await h.ApprovedRequestToJoinAsync();
        h.Queue.TryTake(out _); // the enqueue was lost (process stopped)
        h.Time.Advance(TimeSpan.FromMinutes(11));

        await h.Sweep.RunAsync();
        await h.ApplyQueuedAsync();

        Assert.Equal(MemberRequestState.Applied, (await h.ReloadAsync(request.Id)).State);
    }
}
