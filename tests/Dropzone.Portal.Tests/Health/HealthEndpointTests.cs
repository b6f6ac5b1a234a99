using Microsoft.Data.Sqlite;

namespace Dropzone.Portal.Tests.Health;

public sealed class HealthEndpointTests
{
    [Fact]
    public async Task Ready_SignedInAdmin_Returns200NamingTheDatabaseAndJobsChecks()
    {
        using var factory = new PortalApplicationFactory();
        using var client = await factory.SignInAsync(DemoTenant.AdminUpn);

        using var response = await client.GetAsync("/healthz/ready");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("application/json", response.Content.Headers.ContentType?.MediaType);
        using var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        Assert.Equal("Healthy", body.RootElement.GetProperty("status").GetString());
        var checks = body.RootElement.GetProperty("checks").EnumerateArray().ToList();
        var database = checks.Single(c => c.GetProperty("name").GetString() == "database");
        Assert.Equal("Healthy", database.GetProperty("status").GetString());
        var jobs = checks.Single(c => c.GetProperty("name").GetString() == "jobs");
        Assert.Equal("Healthy", jobs.GetProperty("status").GetString());
        // The tenant is an admin's question (/healthz/tenant), never a probe's.
        Assert.DoesNotContain(checks, c => c.GetProperty("name").GetString() == "tenant");
    }

    [Theory]
    [InlineData("/healthz/ready")]
    [InlineData("/healthz")]
    [InlineData("/healthz/live")]
    public async Task Probe_Anonymous_AnswersTheStatusAlone(string path)
    {
        using var factory = new PortalApplicationFactory();
        using var client = factory.CreateAnonymousClient();

        using var response = await client.GetAsync(path);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("no-store", response.Headers.CacheControl?.ToString());
        using var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        Assert.Equal("Healthy", body.RootElement.GetProperty("status").GetString());
        Assert.Single(body.RootElement.EnumerateObject());
    }

    [Fact]
    public async Task Healthz_DatabaseFileCorrupted_Returns503()
    {
        using var factory = new PortalApplicationFactory().WithSetting("Health:ReadyCacheDuration", "00:00:00");
        using var client = factory.CreateClient();
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/healthz")).StatusCode);

        CorruptDatabase(factory);

        using var response = await client.GetAsync("/healthz");
        using var ready = await client.GetAsync("/healthz/ready");
        using var live = await client.GetAsync("/healthz/live");

        Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
        using var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        Assert.Equal("Unhealthy", body.RootElement.GetProperty("status").GetString());
        Assert.Equal(HttpStatusCode.ServiceUnavailable, ready.StatusCode);
        // Liveness reads nothing: restarting the process would not repair the file.
        Assert.Equal(HttpStatusCode.OK, live.StatusCode);
    }

    [Fact]
    public async Task Ready_WithinCacheDuration_ReusesTheLastAnswer()
    {
        using var factory = new PortalApplicationFactory().WithSetting("Health:ReadyCacheDuration", "01:00:00");
        using var client = factory.CreateClient();
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/healthz/ready")).StatusCode);

        CorruptDatabase(factory);
        using var cached = await client.GetAsync("/healthz/ready");

        Assert.Equal(HttpStatusCode.OK, cached.StatusCode);
    }

    private static void CorruptDatabase(PortalApplicationFactory factory)
    {
        // Replace the database with bytes that are not SQLite: the check must notice, not the next user.
        SqliteConnection.ClearAllPools();
        foreach (var sidecar in new[] { "-wal", "-shm" })
        {
            File.Delete(factory.DatabasePath + sidecar);
        }
        File.WriteAllBytes(factory.DatabasePath, new byte[8192].Select((_, i) => (byte)(i % 251)).ToArray());
    }
}
