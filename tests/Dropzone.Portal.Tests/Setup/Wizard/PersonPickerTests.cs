namespace Dropzone.Portal.Tests.Setup.Wizard;

public sealed class PersonPickerTests : WizardTestContext
{
    [Fact]
    public async Task Owners_PickedFromTheDirectory_BecomeChips_AndTheDraft()
    {
        var state = ValidState();
        state.Owners = [];
        var page = await OpenWizardAsync(SetupWizardSteps.Owners, state);

        page.Find("input[data-testid=owner-picker]").Input("Olivia Owner");
        Popovers.WaitForElement(".mud-list-item", TimeSpan.FromSeconds(10)).Click();

        page.WaitForAssertion(() => Assert.Contains("Olivia Owner", page.Find("[data-testid=owners]").TextContent, StringComparison.Ordinal), TimeSpan.FromSeconds(5));
        Assert.Equal(DemoTenant.OwnerUpn, Assert.Single((await Drafts.LoadAsync(AdminObjectId))!.State.Owners).UserPrincipalName);
    }
}
