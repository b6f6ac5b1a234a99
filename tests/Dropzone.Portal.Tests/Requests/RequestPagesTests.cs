using Dropzone.Portal.Components.Layout;
using Dropzone.Portal.Components.Pages.Groups.Members;
using ApprovalsPage = Dropzone.Portal.Components.Pages.Requests.Approvals;
using RequestsPage = Dropzone.Portal.Components.Pages.Requests.Requests;

namespace Dropzone.Portal.Tests.Requests;

public sealed class RequestPagesTests : RequestPagesContext
{
    [Fact]
    public async Task Requests_NothingAskedYet_ShowsFormAndEmptyList()
    {
        await CreateGroupAsync();
        SignIn(Plain);

        var page = Render<RequestsPage>();

        page.WaitForAssertion(() => Assert.NotNull(page.Find("[data-testid=no-requests]")));
        Assert.NotNull(page.Find("[data-testid=request-submit]"));
    }

    [Fact]
    public void Requests_NoGroupTakesRequests_SaysSo()
    {
        SignIn(Plain);

        var page = Render<RequestsPage>();

        page.WaitForAssertion(() => Assert.Contains("No group takes membership requests", page.Find("[data-testid=no-groups]").TextContent, StringComparison.Ordinal));
    }

    [Fact]
    public async Task Requests_SubmitWithoutJustification_ShowsTheRuleAndSavesNothing()
    {
        await CreateGroupAsync();
        SignIn(Plain);
        var page = Render<RequestsPage>();
        page.WaitForAssertion(() => page.Find("[data-testid=request-submit]"));

        await page.Find("[data-testid=request-submit]").ClickAsync(new());

        page.WaitForAssertion(() => Assert.Contains("Say why", page.Find("[data-testid=request-error]").TextContent, StringComparison.Ordinal));
        Assert.Empty(await Requests.ListMineAsync(As(Plain)));
    }

    [Fact]
    public async Task Requests_SubmitOwnMailbox_ListedAsPendingWithCancel()
    {
        await CreateGroupAsync();
        SignIn(Plain);
        var page = Render<RequestsPage>();
        page.WaitForAssertion(() => page.Find("#request-justification"));

        await page.Find("#request-justification").ChangeAsync(new() { Value = "I triage phishing reports." });
        await page.Find("[data-testid=request-submit]").ClickAsync(new());

        page.WaitForAssertion(() => Assert.Equal("Pending", page.Find("[data-testid=request-state]").GetAttribute("data-state")), TimeSpan.FromSeconds(10));
        Assert.NotNull(page.Find("[data-testid=cancel-request]"));
        Assert.Contains(Plain.UserPrincipalName, page.Find("[data-testid=request-confirmation]").TextContent, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public async Task Requests_CancelPending_ShowsCancelled()
    {
        var group = await CreateGroupAsync();
        await Requests.SubmitAsync(As(Plain), new SubmitMemberRequest(group.Id, MembershipChange.Add, null, "Phishing triage"));
        SignIn(Plain);
        var page = Render<RequestsPage>();
        page.WaitForAssertion(() => page.Find("[data-testid=cancel-request]"));

        await page.Find("[data-testid=cancel-request]").ClickAsync(new());

        page.WaitForAssertion(() => Assert.Equal("Cancelled", page.Find("[data-testid=request-state]").GetAttribute("data-state")));
        Assert.Empty(page.FindAll("[data-testid=cancel-request]"));
    }

    [Fact]
    public async Task Requests_OwnerApprovesAndJobApplies_RequesterSeesAppliedWithoutReload()
    {
        var group = await CreateGroupAsync();
        var request = await Requests.SubmitAsync(As(Plain), new SubmitMemberRequest(group.Id, MembershipChange.Add, null, "Phishing triage"));
        SignIn(Plain);
        var page = Render<RequestsPage>();
        page.WaitForAssertion(() => Assert.Equal("Pending", page.Find("[data-testid=request-state]").GetAttribute("data-state")));

        await Requests.DecideAsync(As(Owner), [request.Id], RequestDecision.Approve, null);
        await ApplyQueuedAsync();

        page.WaitForAssertion(() => Assert.Equal("Applied", page.Find("[data-testid=request-state]").GetAttribute("data-state")));
    }

    [Fact]
    public async Task Approvals_OwnerWithPendingRequest_ListsItWithWhoAndWhy()
    {
        var group = await CreateGroupAsync();
        await Requests.SubmitAsync(As(Plain), new SubmitMemberRequest(group.Id, MembershipChange.Add, DemoTenant.SecurityTeamMailbox, "SOC shared inbox"));
        SignIn(Owner);

        var page = Render<ApprovalsPage>();

        page.WaitForAssertion(() => Assert.Contains(DemoTenant.SecurityTeamMailbox, page.Find("[data-testid=approval-queue]").TextContent, StringComparison.OrdinalIgnoreCase));
        Assert.Contains("Pat Plain", page.Markup, StringComparison.Ordinal);
        Assert.Contains("SOC shared inbox", page.Markup, StringComparison.Ordinal);
        Assert.True(page.Find("[data-testid=approve-selected]").HasAttribute("disabled"));
    }

    [Fact]
    public async Task Approvals_ExchangeNotAnswering_PlaceholderAtOnce_ThenTheReasonAndTheStoredOwnersQueue()
    {
        var group = await CreateGroupAsync();
        await Requests.SubmitAsync(As(Plain), new SubmitMemberRequest(group.Id, MembershipChange.Add, DemoTenant.SecurityTeamMailbox, "SOC shared inbox"));
        SignIn(Owner);
        Tenant.SetFaults(Tenant.Faults with { Latency = TimeSpan.FromHours(1) }); // on the emulator's clock, which stands still

        var page = Render<ApprovalsPage>();

        page.WaitForAssertion(() => Assert.NotNull(page.Find("[data-testid=queue-loading]")));
        Assert.Contains("My approvals", page.Find("h1").TextContent, StringComparison.Ordinal);
        Assert.Empty(page.FindAll("[data-testid=approval-queue]"));

        WaitClock.Advance(Dropzone.Portal.Tenant.TenantWait.Limit);

        page.WaitForAssertion(() => Assert.Contains("did not answer within 15 s", page.Find("[data-testid=queue-problem]").TextContent, StringComparison.Ordinal),
            TimeSpan.FromSeconds(30));
        page.WaitForAssertion(() => Assert.Contains(DemoTenant.SecurityTeamMailbox, page.Find("[data-testid=approval-queue]").TextContent, StringComparison.OrdinalIgnoreCase));
        Assert.Empty(page.FindAll("[data-testid=queue-loading]"));
    }

    [Fact]
    public async Task Approvals_ExchangeFailing_TheGroupWhoseOwnersWereNotConfirmedIsNamed()
    {
        var group = await CreateGroupAsync();
        await Requests.SubmitAsync(As(Plain), new SubmitMemberRequest(group.Id, MembershipChange.Add, DemoTenant.SecurityTeamMailbox, "SOC shared inbox"));
        SignIn(Owner);
        await using (var db = await Backend.GetRequiredService<IDbContextFactory<PortalDbContext>>().CreateDbContextAsync())
        {
            // Exchange no longer knows the group under its address: the owners cannot be confirmed.
            var stored = await db.ManagedGroups.SingleAsync(g => g.Id == group.Id);
            stored.DirectoryObjectId = Guid.NewGuid().ToString();
            stored.PrimarySmtpAddress = "gone@" + DemoTenant.Domain;
            await db.SaveChangesAsync();
        }

        var page = Render<ApprovalsPage>();

        page.WaitForAssertion(() => Assert.Contains("could not confirm the current owners of Dropzone Mailboxes", page.Find("[data-testid=queue-problem]").TextContent, StringComparison.Ordinal),
            TimeSpan.FromSeconds(30));
        Assert.DoesNotContain("no decision was taken", page.Find("[data-testid=queue-problem]").TextContent, StringComparison.Ordinal);
        Assert.NotNull(page.Find("[data-testid=approval-queue]"));
    }

    [Fact]
    public async Task Approvals_PlainUser_NothingWaiting()
    {
        var group = await CreateGroupAsync();
        await Requests.SubmitAsync(As(Plain), new SubmitMemberRequest(group.Id, MembershipChange.Add, null, "Phishing triage"));
        SignIn(Sam);

        var page = Render<ApprovalsPage>();

        page.WaitForAssertion(() => Assert.NotNull(page.Find("[data-testid=queue-empty]")));
    }

    [Fact]
    public async Task Approvals_OwnerSelectsAllAndApproves_DecidedAndQueueEmpties()
    {
        var group = await CreateGroupAsync();
        var request = await Requests.SubmitAsync(As(Plain), new SubmitMemberRequest(group.Id, MembershipChange.Add, null, "Phishing triage"));
        SignIn(Owner);
        var page = Render<ApprovalsPage>();
        page.WaitForAssertion(() => page.Find("[data-testid=approval-queue]"));

        await page.Find("[data-testid=approval-queue] thead input[type=checkbox]").ChangeAsync(new() { Value = true });
        await page.Find("#decision-comment").ChangeAsync(new() { Value = "Welcome" });
        await page.Find("[data-testid=approve-selected]").ClickAsync(new());

        page.WaitForAssertion(() => Assert.Contains("Approved", page.Find("[data-testid=decision-results]").TextContent, StringComparison.Ordinal), TimeSpan.FromSeconds(10));
        Assert.NotNull(page.Find("[data-testid=queue-empty]"));
        var decided = Assert.Single(await Requests.ListMineAsync(As(Plain))).Request;
        Assert.Equal((MemberRequestState.Approved, "Welcome"), (decided.State, decided.DecisionComment));
        Assert.True(Queue.TryTake(out var queued));
        Assert.Equal(request.Id, queued);
    }

    [Fact]
    public async Task Badge_RequestArrivesWhileRendered_CountAppearsWithoutReload()
    {
        var group = await CreateGroupAsync();
        SignIn(Owner);
        var badge = Render<PendingApprovalsCount>();
        Assert.Empty(badge.FindAll("[data-testid=approvals-badge]"));

        await Requests.SubmitAsync(As(Plain), new SubmitMemberRequest(group.Id, MembershipChange.Add, null, "Phishing triage"));

        badge.WaitForAssertion(() => Assert.Equal("1", badge.Find("[data-testid=approvals-badge]").TextContent.Trim()));
    }

    [Fact]
    public async Task GroupMembers_PlainUser_RefusedWithReason()
    {
        var group = await CreateGroupAsync();
        SignIn(Plain);

        var page = Render<GroupMembers>(p => p.Add(x => x.GroupId, group.Id));

        page.WaitForAssertion(() => Assert.Contains("Only the group's owners", page.Find("[data-testid=members-denied]").TextContent, StringComparison.Ordinal));
        Assert.Empty(page.FindAll("[data-testid=member-add]"));
        // The group page hides the name from a non-owner; the members page must too (heading and refusal).
        Assert.DoesNotContain(group.DisplayName, page.Markup, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public async Task GroupMembers_Owner_SeesMembersFromExchangeAndAddForm()
    {
        var group = await CreateGroupAsync();
        SignIn(Owner);

        var page = Render<GroupMembers>(p => p.Add(x => x.GroupId, group.Id));

        page.WaitForAssertion(() => Assert.Contains(DemoTenant.PhishingReportMailbox, page.Find("[data-testid=members]").TextContent, StringComparison.OrdinalIgnoreCase), TimeSpan.FromSeconds(10));
        Assert.NotNull(page.Find("[data-testid=member-add]"));
        Assert.NotNull(page.Find("[data-testid=member-remove]"));
    }

    [Fact]
    public void GroupMembers_UnknownGroup_SaysNotManaged()
    {
        SignIn(Owner);

        var page = Render<GroupMembers>(p => p.Add(x => x.GroupId, Guid.NewGuid()));

        page.WaitForAssertion(() => Assert.NotNull(page.Find("[data-testid=group-not-found]")));
    }
}
