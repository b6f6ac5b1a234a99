namespace Dropzone.Portal.Tests.Setup.Wizard;

/// <summary>The .ps1 download: admin-only, rendered from the admin's own draft on the server.</summary>
public sealed class SetupScriptEndpointTests
{
    [Fact]
    public async Task Script_AdminWithDraft_Ps1_AdminWithout_404_OthersRefused()
    {
        await using var factory = new PortalApplicationFactory();
        var admin = await factory.SignInAsync(DemoTenant.AdminUpn);

        var none = await admin.GetAsync(new Uri("/setup/script.ps1", UriKind.Relative));
        Assert.Equal(HttpStatusCode.NotFound, none.StatusCode);

        var drafts = factory.Services.GetRequiredService<SetupDraftStore>();
        await drafts.SaveAsync(DemoTenant.UserId(1).ToString(), 0, SetupWizardSteps.Review, SetupWizardSteps.Review, new SetupWizardState
        {
            AppClientId = DemoTenant.RestrictedAppId,
            GroupDisplayName = "Dropzone scope",
            GroupAlias = "dropzone-scope",
            GroupDomain = DemoTenant.Domain,
        });
        var script = await admin.GetAsync(new Uri("/setup/script.ps1", UriKind.Relative));
        Assert.Equal(HttpStatusCode.OK, script.StatusCode);
        Assert.Equal("dropzone-setup-dropzone-scope.ps1", script.Content.Headers.ContentDisposition?.FileNameStar ?? script.Content.Headers.ContentDisposition?.FileName?.Trim('"'));
        Assert.Contains("dropzone-scope@contoso.example", await script.Content.ReadAsStringAsync(), StringComparison.Ordinal);

        var plain = await factory.SignInAsync(DemoTenant.PlainUserUpn);
        var refused = await plain.GetAsync(new Uri("/setup/script.ps1", UriKind.Relative));
        Assert.NotEqual(HttpStatusCode.OK, refused.StatusCode);

        var anonymous = factory.CreateAnonymousClient();
        Assert.NotEqual(HttpStatusCode.OK, (await anonymous.GetAsync(new Uri("/setup/script.ps1", UriKind.Relative))).StatusCode);
    }
}
