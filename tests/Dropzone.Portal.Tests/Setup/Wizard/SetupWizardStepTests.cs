namespace Dropzone.Portal.Tests.Setup.Wizard;

public sealed class SetupWizardStepTests : WizardTestContext
{
    private static string Errors(IRenderedComponent<Dropzone.Portal.Components.Pages.Setup.Setup> page) =>
        string.Join(" | ", page.FindAll("[data-testid=step-error]").Select(e => e.TextContent));

    [Fact]
    public async Task Application_NotAGuid_Then_Unknown_Then_Default_MovesOn()
    {
        var page = await OpenWizardAsync();
        Assert.Equal(DemoTenant.RestrictedAppId, page.Find("input[data-testid=app-client-id], [data-testid=app-client-id] input").GetAttribute("value"));

        page.Find("[data-testid=app-client-id] input, input[data-testid=app-client-id]").Change("not-a-guid");
        page.Find("[data-testid=wizard-next]").Click();
        page.WaitForAssertion(() => Assert.Contains("must be a GUID", Errors(page), StringComparison.Ordinal));

        page.Find("[data-testid=app-client-id] input, input[data-testid=app-client-id]").Change("dd0e0000-0000-4000-8000-00000000ffff");
        page.Find("[data-testid=wizard-next]").Click();
        page.WaitForAssertion(() => Assert.Contains("No application with client id", Errors(page), StringComparison.Ordinal));

        page.Find("[data-testid=app-client-id] input, input[data-testid=app-client-id]").Change(DemoTenant.RestrictedAppId);
        page.Find("[data-testid=wizard-next]").Click();
        page.WaitForElement("[data-testid=group-alias]", TimeSpan.FromSeconds(10));
        var draft = await Drafts.LoadAsync(AdminObjectId);
        Assert.Equal(SetupWizardSteps.Group, draft!.Step);
        Assert.Equal(DemoTenant.RestrictedAppDisplayName, draft.State.AppDisplayName);
    }

    [Fact]
    public async Task Group_AliasWithInvalidCharacter_Message_AndNextRefused()
    {
        var state = ValidState();
        state.GroupAlias = "";
        var page = await OpenWizardAsync(SetupWizardSteps.Group, state);

        page.Find("[data-testid=group-alias] input, input[data-testid=group-alias]").Input("dropzone scope");
        page.WaitForAssertion(() => Assert.Contains("cannot contain ' '", page.Markup, StringComparison.Ordinal));
        page.Find("[data-testid=wizard-next]").Click();
        page.WaitForAssertion(() => Assert.Contains("cannot contain ' '", Errors(page), StringComparison.Ordinal));
        Assert.Equal(SetupWizardSteps.Group, (await Drafts.LoadAsync(AdminObjectId))!.Step);
    }

    [Fact]
    public async Task Group_AddressOfASharedMailbox_SpecificError()
    {
        var state = ValidState();
        state.GroupAlias = "phishing-reports";
        var page = await OpenWizardAsync(SetupWizardSteps.Group, state);
        page.Find("[data-testid=wizard-next]").Click();
        page.WaitForAssertion(() => Assert.Contains("belongs to Phishing Reports (a shared mailbox)", Errors(page), StringComparison.Ordinal), TimeSpan.FromSeconds(10));
    }

    [Fact]
    public async Task Group_ExistingSecurityGroup_OfferedForAdoption_WithChanges_NextOnlyOnceTicked()
    {
        var created = await Exchange.InvokeAsync(ExchangeCommands.NewDistributionGroup(
            "Old scope", [DemoTenant.AdminUpn], "Old scope", "dropzone-scope", "dropzone-scope@contoso.example",
            memberJoinRestriction: "ApprovalRequired", requireSenderAuthenticationEnabled: false));
        Assert.True(created.IsSuccess, created.Outcome.Message);
        var page = await OpenWizardAsync(SetupWizardSteps.Group);

        page.Find("[data-testid=wizard-next]").Click();
        page.WaitForAssertion(() => Assert.Contains("already exists. Tick \"Adopt the existing group\"", Errors(page), StringComparison.Ordinal), TimeSpan.FromSeconds(10));
        var offer = page.Find("[data-testid=adopt-offer]").TextContent;
        Assert.Contains("Owners are replaced", offer, StringComparison.Ordinal);
        Assert.Contains("Joining becomes Closed (today: ApprovalRequired", offer, StringComparison.Ordinal);
        Assert.Contains("Only people inside the organization will be able to send", offer, StringComparison.Ordinal);

        page.Find("[data-testid=group-adopt] input, input[data-testid=group-adopt]").Change(true);
        page.Find("[data-testid=wizard-next]").Click();
        page.WaitForElement("[data-testid=owner-picker]", TimeSpan.FromSeconds(10));
        Assert.True((await Drafts.LoadAsync(AdminObjectId))!.State.AdoptExisting);
    }

    [Fact]
    public async Task Owners_None_Message()
    {
        var state = ValidState();
        state.Owners = [];
        var page = await OpenWizardAsync(SetupWizardSteps.Owners, state);
        page.Find("[data-testid=wizard-next]").Click();
        page.WaitForAssertion(() => Assert.Contains("at least one owner", Errors(page), StringComparison.Ordinal), TimeSpan.FromSeconds(10));
    }

    [Fact]
    public async Task Members_CsvWithUnknownAndDuplicateRows_PerRowResults_OnlyValidKept()
    {
        var state = ValidState();
        state.PickedMembers = [];
        var page = await OpenWizardAsync(SetupWizardSteps.Members, state);
        Paste(string.Join('\n',
            "email", "ann.archer@contoso.example", "ann.archer@contoso.example", "nobody@contoso.example", DemoTenant.UnlicensedUserUpn, "nope", DemoTenant.PhishingReportMailbox));
        page.Find("[data-testid=csv-check]").Click();

        page.WaitForAssertion(() => Assert.Equal(4, page.FindAll("[data-testid=csv-problem]").Count), TimeSpan.FromSeconds(10));
        var counts = page.Find("[data-testid=csv-counts]").TextContent;
        Assert.Contains("2 valid, 1 unknown", counts, StringComparison.Ordinal);
        Assert.Contains("1 not mail-enabled, 1 duplicate", counts, StringComparison.Ordinal);
        Assert.Contains("Duplicate", page.FindAll("[data-testid=csv-problem]")[0].TextContent, StringComparison.Ordinal);
        Assert.Contains("2", page.Find("[data-testid=member-total]").TextContent, StringComparison.Ordinal);

        page.Find("[data-testid=wizard-next]").Click();
        page.WaitForElement("[data-testid=restriction-mode]", TimeSpan.FromSeconds(10));
        Assert.Equal(2, (await Drafts.LoadAsync(AdminObjectId))!.State.CsvMembers.Count);
    }

    [Fact]
    public async Task Members_None_Message()
    {
        var state = ValidState();
        state.PickedMembers = [];
        var page = await OpenWizardAsync(SetupWizardSteps.Members, state);
        page.Find("[data-testid=wizard-next]").Click();
        page.WaitForAssertion(() => Assert.Contains("at least one member", Errors(page), StringComparison.Ordinal));
    }

    [Fact]
    public async Task Restriction_RbacWithUnscopedGrant_LoudWarning_AapNone()
    {
        var page = await OpenWizardAsync(SetupWizardSteps.Restriction);
        Assert.Empty(page.FindAll("[data-testid=unscoped-warning]"));

        page.Find("[data-testid=mode-rbac] input, input[data-testid=mode-rbac]").Click();
        page.WaitForAssertion(() => Assert.Contains("restrict nothing", page.Find("[data-testid=unscoped-warning]").TextContent, StringComparison.Ordinal));

        page.Find("[data-testid=wizard-next]").Click();
        page.WaitForElement("[data-testid=script]", TimeSpan.FromSeconds(10));
        Assert.Equal(RestrictionMode.RbacForApplications, (await Drafts.LoadAsync(AdminObjectId))!.State.RestrictionMode);
    }

    [Fact]
    public async Task Draft_TypedFieldsAndTicks_SavedWithoutNext()
    {
        var page = await OpenWizardAsync(SetupWizardSteps.Group);
        page.Find("[data-testid=group-description] textarea, textarea[data-testid=group-description]").Change("typed, then the tab was closed");
        page.Find("[data-testid=group-description] textarea, textarea[data-testid=group-description]").Blur();
        page.Find("[data-testid=group-external] input, input[data-testid=group-external]").Change(true);

        await page.WaitForAssertionAsync(async () =>
        {
            var draft = (await Drafts.LoadAsync(AdminObjectId))!;
            Assert.Equal("typed, then the tab was closed", draft.State.GroupDescription);
            Assert.True(draft.State.AllowExternalSenders);
        });
    }

    [Fact]
    public async Task Draft_ReopenedWhereTheAdminLeft()
    {
        var state = ValidState();
        state.GroupDescription = "kept across tabs";
        var page = await OpenWizardAsync(SetupWizardSteps.Owners, state);
        Assert.NotNull(page.Find("[data-testid=draft-restored]"));
        Assert.Contains("Olivia Owner", page.Find("[data-testid=owners]").TextContent, StringComparison.Ordinal);

        page.Find("[data-testid=wizard-back]").Click();
        page.WaitForElement("[data-testid=group-alias]");
        Assert.Equal(SetupWizardSteps.Group, (await Drafts.LoadAsync(AdminObjectId))!.Step);
    }

    [Fact]
    public async Task Review_ShowsScript_Apply_StartsRun_AndNavigates()
    {
        var page = await OpenWizardAsync(SetupWizardSteps.Review);
        page.WaitForAssertion(() => Assert.Contains("New-DistributionGroup", page.Find("[data-testid=script]").TextContent, StringComparison.Ordinal));

        page.Find("[data-testid=wizard-apply]").Click();
        var navigation = Services.GetRequiredService<NavigationManager>();
        page.WaitForAssertion(() => Assert.EndsWith($"/runs/{Launcher.RunId}", navigation.Uri, StringComparison.Ordinal), TimeSpan.FromSeconds(10));
        Assert.Equal("dropzone-scope@contoso.example", Launcher.Request!.GroupAddress);
        Assert.Null(await Drafts.LoadAsync(AdminObjectId));
    }

    [Fact]
    public async Task Review_AdminRoleGoneSinceTheCircuitOpened_ApplyRefused()
    {
        var page = await OpenWizardAsync(SetupWizardSteps.Review);
        Authorization.SetPolicies();
        page.Find("[data-testid=wizard-apply]").Click();
        page.WaitForAssertion(() => Assert.Contains("Only portal administrators", Errors(page), StringComparison.Ordinal), TimeSpan.FromSeconds(10));
        Assert.Null(Launcher.Request);
    }

    [Fact]
    public async Task Members_CsvUploaded_ResolvedLikeAPaste()
    {
        var state = ValidState();
        state.PickedMembers = [];
        var page = await OpenWizardAsync(SetupWizardSteps.Members, state);
        page.FindComponent<Microsoft.AspNetCore.Components.Forms.InputFile>().UploadFiles(
            InputFileContent.CreateFromText("Email;Name\nann.archer@contoso.example;Ann\nben.archer@contoso.example;Ben\nghost@contoso.example;Nobody\n", "members.csv"));
        page.WaitForAssertion(() => Assert.Contains("2 valid, 1 unknown", page.Find("[data-testid=csv-counts]").TextContent, StringComparison.Ordinal), TimeSpan.FromSeconds(10));
        Assert.Contains("ghost@contoso.example", page.Find("[data-testid=csv-problems] tbody tr").TextContent, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Review_Rejected_ShowsMessage_KeepsDraft()
    {
        Launcher.Reject = "A setup run for dropzone-scope@contoso.example is already in progress.";
        var page = await OpenWizardAsync(SetupWizardSteps.Review);
        page.Find("[data-testid=wizard-apply]").Click();
        page.WaitForAssertion(() => Assert.Contains("already in progress", Errors(page), StringComparison.Ordinal), TimeSpan.FromSeconds(10));
        Assert.NotNull(await Drafts.LoadAsync(AdminObjectId));
    }
}
