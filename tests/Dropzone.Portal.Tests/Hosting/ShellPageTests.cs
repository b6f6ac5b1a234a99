namespace Dropzone.Portal.Tests.Hosting;

public sealed class ShellPageTests(PortalApplicationFactory factory) : IClassFixture<PortalApplicationFactory>
{
    [Fact]
    public async Task NotFoundPage_Anonymous_RendersFriendlyPage()
    {
        using var client = factory.CreateClient();

        var html = await client.GetStringAsync("/not-found");

        Assert.Contains("Page not found", html, StringComparison.Ordinal);
    }

    [Fact]
    public async Task UnknownAddress_Anonymous_IsSentToSignIn()
    {
        using var client = factory.CreateClient(new Microsoft.AspNetCore.Mvc.Testing.WebApplicationFactoryClientOptions { AllowAutoRedirect = false });

        using var response = await client.GetAsync("/no-such-page");

        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        Assert.Contains("/oauth2/v2.0/authorize", response.Headers.Location?.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task ErrorPage_RendersStaticallyWithReference()
    {
        using var client = factory.CreateClient();

        var html = await client.GetStringAsync("/Error");

        Assert.Contains("Something went wrong", html, StringComparison.Ordinal);
        Assert.Contains("data-testid=\"request-id\"", html, StringComparison.Ordinal);
    }
}
