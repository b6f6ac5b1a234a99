using Microsoft.Data.Sqlite;

namespace Dropzone.Portal.Tests.Health;

public sealed class HealthEndpointTests
{
    [Fact]
    public async Task Healthz_DatabaseReachable_Returns200NamingTheDatabaseCheck()
    {
        using var factory = new PortalApplicationFactory();
        using var client = factory.CreateClient();

        using var response = await client.GetAsync("/healthz");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("application/json", response.Content.Headers.ContentType?.MediaType);
        using var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        Assert.Equal("Healthy", body.RootElement.GetProperty("status").GetString());
        var database = body.RootElement.GetProperty("checks").EnumerateArray()
            .Single(c => c.GetProperty("name").GetString() == "database");
        Assert.Equal("Healthy", database.GetProperty("status").GetString());
        var jobs = body.RootElement.GetProperty("checks").EnumerateArray()
            .Single(c => c.GetProperty("name").GetString() == "jobs");
        Assert.Equal("Healthy", jobs.GetProperty("status").GetString());
    }

    [Fact]
    public async Task Healthz_DatabaseFileCorrupted_Returns503()
    {
        using var factory = new PortalApplicationFactory();
        using var client = factory.CreateClient();
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/healthz")).StatusCode);

        // Replace the database with bytes that are not SQLite: the check must notice, not the next user.
        SqliteConnection.ClearAllPools();
        foreach (var sidecar in new[] { "-wal", "-shm" })
        {
            File.Delete(factory.DatabasePath + sidecar);
        }
        await File.WriteAllBytesAsync(factory.DatabasePath, new byte[8192].Select((_, i) => (byte)(i % 251)).ToArray());

        using var response = await client.GetAsync("/healthz");

        Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
        using var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        Assert.Equal("Unhealthy", body.RootElement.GetProperty("status").GetString());
    }
}
