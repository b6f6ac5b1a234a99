namespace Dropzone.Portal.Tests.Security;

/// <summary>The client address the audit records comes from X-Forwarded-For only when a known proxy sent it.</summary>
[Collection(PortalHostCollection.Name)]
public sealed class ForwardedHeadersTests
{
    private const string Caller = "203.0.113.7";
    private const string Forged = "198.51.100.66";

    [Fact]
    public async Task SignIn_ForgedForwardedForFromUnknownAddress_AuditRecordsTheRealAddress()
    {
        await using var factory = Portal(knownProxy: null);

        using var client = await factory.SignInAsync(DemoTenant.AdminUpn);

        Assert.Equal(Caller, await SignInClientIpAsync(factory));
    }

    [Fact]
    public async Task SignIn_ForwardedForFromConfiguredProxy_AuditRecordsTheForwardedAddress()
    {
        await using var factory = Portal(knownProxy: Caller);

        using var client = await factory.SignInAsync(DemoTenant.AdminUpn);

        Assert.Equal(Forged, await SignInClientIpAsync(factory));
    }

    [Fact]
    public void Start_KnownProxyNotAnAddress_FailsNamingTheSetting()
    {
        using var factory = new PortalApplicationFactory().WithSetting("ForwardedHeaders:KnownProxies:0", "proxy.example");

        var error = Assert.ThrowsAny<Exception>(() => factory.CreateClient());

        Assert.Contains("ForwardedHeaders:KnownProxies:0", error.ToString(), StringComparison.Ordinal);
    }

    private static PortalApplicationFactory Portal(string? knownProxy)
    {
        var factory = new PortalApplicationFactory()
            .WithSetting("ForwardedHeaders:Enabled", "true")
            .WithTestServices(RemoteClient.From(Caller, new Dictionary<string, string> { ["X-Forwarded-For"] = Forged }));
        return knownProxy is null ? factory : factory.WithSetting("ForwardedHeaders:KnownProxies:0", knownProxy);
    }

    private static async Task<string?> SignInClientIpAsync(PortalApplicationFactory factory)
    {
        await using var db = await factory.Services.GetRequiredService<IDbContextFactory<PortalDbContext>>().CreateDbContextAsync();
        return await db.AuditEntries.Where(e => e.Action == AuditActions.SignInSucceeded).Select(e => e.ClientIp).SingleAsync();
    }
}
