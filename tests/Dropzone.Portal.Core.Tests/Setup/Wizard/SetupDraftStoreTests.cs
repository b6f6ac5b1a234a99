namespace Dropzone.Portal.Core.Tests.Setup.Wizard;

public sealed class SetupDraftStoreTests : SetupTestBedTest
{
    [Fact]
    public async Task SaveThenLoad_GivesBackStepAndState_PerOwner()
    {
        var store = new SetupDraftStore(Bed, Bed.Clock);
        var state = new SetupWizardState
        {
            AppClientId = "dd0e0000-0000-4000-8000-0000000000b1",
            GroupAlias = "dropzone-scope",
            GroupDomain = "contoso.example",
            RestrictionMode = RestrictionMode.RbacForApplications,
            Owners = [new SetupPerson("o1", "olivia.owner@contoso.example", "Olivia Owner")],
            CsvMembers = [new SetupMember("ann.archer@contoso.example", "m1", "Ann Archer")],
        };

        var first = await store.SaveAsync("admin-1", 0, SetupWizardSteps.Members, SetupWizardSteps.Members, state);
        state.GroupAlias = "changed";
        await store.SaveAsync("admin-1", first.Revision, SetupWizardSteps.Restriction, SetupWizardSteps.Restriction, state);

        var loaded = await store.LoadAsync("admin-1");
        Assert.NotNull(loaded);
        Assert.Equal(SetupWizardSteps.Restriction, loaded.Step);
        Assert.Equal("changed", loaded.State.GroupAlias);
        Assert.Equal(RestrictionMode.RbacForApplications, loaded.State.RestrictionMode);
        Assert.Equal("Olivia Owner", Assert.Single(loaded.State.Owners).DisplayName);
        Assert.Equal("ann.archer@contoso.example", Assert.Single(loaded.State.AllMembers()).Address);
        Assert.Null(await store.LoadAsync("admin-2"));

        await store.CloseAsync("admin-1");
        Assert.Null(await store.LoadAsync("admin-1"));
    }

    [Fact]
    public async Task SaveOverAnOlderRevision_IsRefusedWithTheCurrentOne_NeverThrown()
    {
        var store = new SetupDraftStore(Bed, Bed.Clock);
        var first = await store.SaveAsync("admin-1", 0, SetupWizardSteps.Group, SetupWizardSteps.Group, new SetupWizardState { GroupDisplayName = "Tab A" });
        var tabB = await store.SaveAsync("admin-1", first.Revision, SetupWizardSteps.Group, SetupWizardSteps.Group, new SetupWizardState { GroupDisplayName = "Tab B" });

        var staleA = await store.SaveAsync("admin-1", first.Revision, SetupWizardSteps.Group, SetupWizardSteps.Group, new SetupWizardState { GroupDisplayName = "Tab A again" });
        var secondCreate = await store.SaveAsync("admin-1", 0, SetupWizardSteps.Application, SetupWizardSteps.Application, new SetupWizardState { GroupDisplayName = "Fresh tab" });

        Assert.True(tabB.Saved);
        Assert.False(staleA.Saved);
        Assert.Equal(tabB.Revision, staleA.Revision);
        Assert.False(secondCreate.Saved);
        Assert.Equal("Tab B", (await store.LoadAsync("admin-1"))!.State.GroupDisplayName);
    }

    [Fact]
    public async Task ClosedDraft_IsNotBroughtBackByATabHoldingItsOldRevision_ButANewWizardReopensIt()
    {
        var store = new SetupDraftStore(Bed, Bed.Clock);
        var saved = await store.SaveAsync("admin-1", 0, SetupWizardSteps.Review, SetupWizardSteps.Review, new SetupWizardState { GroupDisplayName = "Applied" });
        var closedAt = await store.CloseAsync("admin-1");

        var stale = await store.SaveAsync("admin-1", saved.Revision, SetupWizardSteps.Review, SetupWizardSteps.Review, new SetupWizardState { GroupDisplayName = "Applied" });
        var staleFresh = await store.SaveAsync("admin-1", 0, SetupWizardSteps.Group, SetupWizardSteps.Group, new SetupWizardState { GroupDisplayName = "Stale fresh tab" });

        Assert.False(stale.Saved);
        Assert.True(stale.Closed);
        Assert.False(staleFresh.Saved);
        Assert.Null(await store.LoadAsync("admin-1"));

        var snapshot = await store.ReadAsync("admin-1");
        Assert.Equal(closedAt, snapshot.Revision);
        Assert.True((await store.SaveAsync("admin-1", snapshot.Revision, SetupWizardSteps.Group, SetupWizardSteps.Owners, new SetupWizardState { GroupDisplayName = "Next setup" })).Saved);
        var reopened = await store.LoadAsync("admin-1");
        Assert.Equal("Next setup", reopened!.State.GroupDisplayName);
        Assert.Equal(SetupWizardSteps.Owners, reopened.Furthest);
    }

    [Fact]
    public void ToRequest_MergesPickedAndCsvMembers_Once()
    {
        var state = new SetupWizardState
        {
            AppClientId = " app ",
            GroupDisplayName = " Dropzone scope ",
            GroupAlias = "dropzone-scope",
            GroupDomain = "contoso.example",
            PickedMembers = [new SetupMember("ann.archer@contoso.example")],
            CsvMembers = [new SetupMember("ANN.ARCHER@contoso.example"), new SetupMember("ben.archer@contoso.example")],
        };
        var request = state.ToRequest();
        Assert.Equal("app", request.RestrictedAppId);
        Assert.Equal("Dropzone scope", request.GroupDisplayName);
        Assert.Equal("dropzone-scope@contoso.example", request.GroupAddress);
        Assert.Equal(2, request.Members.Count);
    }
}
