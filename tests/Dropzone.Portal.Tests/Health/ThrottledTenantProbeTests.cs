using System.Diagnostics;

namespace Dropzone.Portal.Tests.Health;

/// <summary>
/// Microsoft throttling must not make the portal look dead: with every tenant call answered 429 and
/// Retry-After 30 s, the probes answer at once and only the admin's tenant check waits (and gives up).
/// </summary>
public sealed class ThrottledTenantProbeTests
{
    [Fact]
    public async Task Probes_TenantAnswers429WithRetryAfter30s_AnswerWithinOneSecond()
    {
        using var factory = new PortalApplicationFactory()
            .WithSetting("Health:ReadyCacheDuration", "00:00:00")
            .WithSetting("Health:TenantCheckTimeout", "00:00:03");
        using var admin = await factory.SignInAsync(DemoTenant.AdminUpn);
        using var probe = factory.CreateAnonymousClient();
        using var faults = await probe.PostAsJsonAsync("/_emulator/_control/faults", new { throttleRate = 1.0, retryAfterSeconds = 30 });
        Assert.Equal(HttpStatusCode.OK, faults.StatusCode);

        // An admin's tenant check is in flight, stuck behind Retry-After, while the probes come in.
        var tenantCheck = admin.GetAsync("/healthz/tenant");
        var timings = new Dictionary<string, (HttpStatusCode Status, TimeSpan Elapsed)>();
        foreach (var path in new[] { "/healthz/live", "/healthz/ready", "/healthz" })
        {
            var started = Stopwatch.GetTimestamp();
            using var response = await probe.GetAsync(path);
            timings[path] = (response.StatusCode, Stopwatch.GetElapsedTime(started));
        }
        using var tenant = await tenantCheck;

        Assert.All(timings, t => Assert.Equal(HttpStatusCode.OK, t.Value.Status));
        Assert.All(timings, t => Assert.True(t.Value.Elapsed < TimeSpan.FromSeconds(1), $"{t.Key} took {t.Value.Elapsed.TotalMilliseconds:F0} ms"));
        Assert.Equal(HttpStatusCode.OK, tenant.StatusCode);
        using var body = JsonDocument.Parse(await tenant.Content.ReadAsStringAsync());
        Assert.Equal("Degraded", body.RootElement.GetProperty("status").GetString());
        var check = body.RootElement.GetProperty("checks").EnumerateArray().Single();
        Assert.Equal("tenant", check.GetProperty("name").GetString());
        Assert.Contains("No answer within 3 s", check.GetProperty("description").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task TenantCheck_Anonymous_IsRefused()
    {
        using var factory = new PortalApplicationFactory();
        using var client = factory.CreateAnonymousClient();

        using var response = await client.GetAsync("/healthz/tenant");

        Assert.NotEqual(HttpStatusCode.OK, response.StatusCode);
        Assert.DoesNotContain("tenant", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }
}
