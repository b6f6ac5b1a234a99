using Dropzone.Portal.Features.Runs;

namespace Dropzone.Portal.Tests.Security;

/// <summary>The run actions behind the progress page's buttons refuse everyone but admins, even when called directly.</summary>
public sealed class RunActionAuthorizationTests(PortalApplicationFactory factory) : IClassFixture<PortalApplicationFactory>
{
    [Theory]
    [InlineData(null)]
    [InlineData(PortalRoles.Auditor)]
    public async Task RunActions_NonAdmin_AreRefusedNamingTheRole(string? role)
    {
        using var scope = factory.Services.CreateScope();
        var actions = scope.ServiceProvider.GetRequiredService<SetupRunActions>();
        var user = TestPrincipals.Someone(role);

        var cancel = await actions.CancelAsync(user, Guid.NewGuid());
        var retry = await actions.RetryFromStepAsync(user, Guid.NewGuid(), 0);
        var correct = await actions.CorrectGroupAsync(user, Guid.NewGuid(), "Another name", "another-alias");
        var abandon = await actions.AbandonAsync(user, Guid.NewGuid());

        Assert.All([cancel, retry, correct, abandon], result =>
        {
            Assert.False(result.Succeeded);
            Assert.Contains(PortalRoles.Admin, result.Message, StringComparison.Ordinal);
        });
    }

    [Fact]
    public async Task Cancel_AdminOnUnknownRun_PassesAuthorizationAndSaysNothingToCancel()
    {
        using var scope = factory.Services.CreateScope();
        var actions = scope.ServiceProvider.GetRequiredService<SetupRunActions>();

        var result = await actions.CancelAsync(TestPrincipals.Someone(PortalRoles.Admin), Guid.NewGuid());

        Assert.False(result.Succeeded);
        Assert.DoesNotContain(PortalRoles.Admin, result.Message, StringComparison.Ordinal);
    }
}
