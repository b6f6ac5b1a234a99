using Dropzone.Portal.Logging;

namespace Dropzone.Portal.Tests.Hosting;

public sealed class CorrelationIdTests(PortalApplicationFactory factory) : IClassFixture<PortalApplicationFactory>
{
    /// <summary>Sends a request with <paramref name="sent"/> as its correlation id (none when null); returns the id the answer carries.</summary>
    private async Task<string> AnsweredCorrelationIdAsync(string? sent)
    {
        using var client = factory.CreateClient();
        using var request = new HttpRequestMessage(HttpMethod.Get, "/healthz");
        if (sent is not null)
        {
            request.Headers.TryAddWithoutValidation(CorrelationIdMiddleware.HeaderName, sent);
        }

        using var response = await client.SendAsync(request);
        return response.Headers.GetValues(CorrelationIdMiddleware.HeaderName).Single();
    }

    [Fact]
    public async Task Request_WithPlainCorrelationHeader_EchoesIt()
    {
        Assert.Equal("support-case-42", await AnsweredCorrelationIdAsync("support-case-42"));
    }

    [Fact]
    public async Task Request_WithHostileCorrelationHeader_ReplacesItWithTraceId()
    {
        Assert.Matches("^[0-9a-f]{32}$", await AnsweredCorrelationIdAsync("x\" injected=1 {Secret}"));
    }

    [Fact]
    public async Task Request_WithoutCorrelationHeader_GetsOne()
    {
        Assert.False(string.IsNullOrWhiteSpace(await AnsweredCorrelationIdAsync(sent: null)));
    }
}
