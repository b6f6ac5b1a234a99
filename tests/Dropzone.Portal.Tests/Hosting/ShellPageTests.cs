using System.Net;
using Dropzone.Portal.Testing;

namespace Dropzone.Portal.Tests.Hosting;

public sealed class ShellPageTests : IClassFixture<PortalApplicationFactory>
{
    private readonly PortalApplicationFactory _factory;

    public ShellPageTests(PortalApplicationFactory factory) => _factory = factory;

    [Fact]
    public async Task UnknownAddress_Returns404WithFriendlyPage()
    {
        using var client = _factory.CreateClient();

        using var response = await client.GetAsync("/no-such-page");

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Contains("Page not found", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task ErrorPage_RendersStaticallyWithReference()
    {
        using var client = _factory.CreateClient();

        var html = await client.GetStringAsync("/Error");

        Assert.Contains("Something went wrong", html, StringComparison.Ordinal);
        Assert.Contains("data-testid=\"request-id\"", html, StringComparison.Ordinal);
    }
}
