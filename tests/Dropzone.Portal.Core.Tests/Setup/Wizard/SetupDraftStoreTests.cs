namespace Dropzone.Portal.Core.Tests.Setup.Wizard;

public sealed class SetupDraftStoreTests : IAsyncLifetime
{
    private SetupTestBed _bed = null!;

    public async Task InitializeAsync() => _bed = await SetupTestBed.CreateAsync();

    public async Task DisposeAsync() => await _bed.DisposeAsync();

    [Fact]
    public async Task SaveThenLoad_GivesBackStepAndState_PerOwner()
    {
        var store = new SetupDraftStore(_bed, _bed.Clock);
        var state = new SetupWizardState
        {
            AppClientId = "dd0e0000-0000-4000-8000-0000000000b1",
            GroupAlias = "dropzone-scope",
            GroupDomain = "contoso.example",
            RestrictionMode = RestrictionMode.RbacForApplications,
            Owners = [new SetupPerson("o1", "olivia.owner@contoso.example", "Olivia Owner")],
            CsvMembers = [new SetupMember("ann.archer@contoso.example", "m1", "Ann Archer")],
        };

        await store.SaveAsync("admin-1", SetupWizardSteps.Members, state);
        state.GroupAlias = "changed";
        await store.SaveAsync("admin-1", SetupWizardSteps.Restriction, state);

        var loaded = await store.LoadAsync("admin-1");
        Assert.NotNull(loaded);
        Assert.Equal(SetupWizardSteps.Restriction, loaded.Step);
        Assert.Equal("changed", loaded.State.GroupAlias);
        Assert.Equal(RestrictionMode.RbacForApplications, loaded.State.RestrictionMode);
        Assert.Equal("Olivia Owner", Assert.Single(loaded.State.Owners).DisplayName);
        Assert.Equal("ann.archer@contoso.example", Assert.Single(loaded.State.AllMembers()).Address);
        Assert.Null(await store.LoadAsync("admin-2"));

        await store.DiscardAsync("admin-1");
        Assert.Null(await store.LoadAsync("admin-1"));
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
