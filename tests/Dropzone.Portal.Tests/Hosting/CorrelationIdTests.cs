using Dropzone.Portal.Logging;

namespace Dropzone.Portal.Tests.Hosting;

public sealed class CorrelationIdTests(PortalApplicationFactory factory) : IClassFixture<PortalApplicationFactory>
{
    [Fact]
    public async Task Request_WithPlainCorrelationHeader_EchoesIt()
    {
        using var client = factory.CreateClient();
        using var request = new HttpRequestMessage(HttpMethod.Get, "/healthz");
        request.Headers.Add(CorrelationIdMiddleware.HeaderName, "support-case-42");

        using var response = await client.SendAsync(request);

        Assert.Equal("support-case-42", response.Headers.GetValues(CorrelationIdMiddleware.HeaderName).Single());
    }

    [Fact]
    public async Task Request_WithHostileCorrelationHeader_ReplacesItWithTraceId()
    {
        using var client = factory.CreateClient();
        using var request = new HttpRequestMessage(HttpMethod.Get, "/healthz");
        request.Headers.TryAddWithoutValidation(CorrelationIdMiddleware.HeaderName, "x\" injected=1 {Secret}");

        using var response = await client.SendAsync(request);

        var echoed = response.Headers.GetValues(CorrelationIdMiddleware.HeaderName).Single();
        Assert.Matches("^[0-9a-f]{32}$", echoed);
    }

    [Fact]
    public async Task Request_WithoutCorrelationHeader_GetsOne()
    {
        using var client = factory.CreateClient();

        using var response = await client.GetAsync("/healthz");

        Assert.False(string.IsNullOrWhiteSpace(response.Headers.GetValues(CorrelationIdMiddleware.HeaderName).Single()));
    }
}
