using Dropzone.Portal.Security;
using Microsoft.AspNetCore.DataProtection;

namespace Dropzone.Portal.Tests.Security;

public sealed class HostHardeningTests(PortalApplicationFactory factory) : IClassFixture<PortalApplicationFactory>
{
    [Fact]
    public async Task PortalPage_Response_CarriesStrictSecurityHeaders()
    {
        using var client = factory.CreateClient();

        using var response = await client.GetAsync("/not-found");

        var csp = response.Headers.GetValues("Content-Security-Policy").Single();
        Assert.Contains("script-src 'self';", csp, StringComparison.Ordinal);
        Assert.Contains("frame-ancestors 'none'", csp, StringComparison.Ordinal);
        Assert.DoesNotContain("unsafe-eval", csp, StringComparison.Ordinal);
        Assert.Equal("nosniff", response.Headers.GetValues("X-Content-Type-Options").Single());
        Assert.Equal("strict-origin-when-cross-origin", response.Headers.GetValues("Referrer-Policy").Single());
        Assert.Equal("DENY", response.Headers.GetValues("X-Frame-Options").Single());
    }

    [Fact]
    public async Task DefaultIcon_AskedForRightAfterSignIn_ServedAsAnIconWithoutAPageOrAnAntiforgeryCookie()
    {
        // Chromium asks for /favicon.ico for a page that names no icon (the sign-in pages) while the sign-in lands.
        // Answered with the not-found page, that request set a fresh antiforgery cookie beside the one of the page
        // being signed in to, and the sign-out form's token then matched a cookie the browser no longer held.
        using var client = await factory.SignInAsync(DemoTenant.AdminUpn);

        using var response = await client.GetAsync("/favicon.ico");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("image/x-icon", response.Content.Headers.ContentType?.MediaType);
        var cookies = response.Headers.TryGetValues("Set-Cookie", out var values) ? values.ToList() : [];
        Assert.DoesNotContain(cookies, c => c.StartsWith("portal-af", StringComparison.Ordinal));
    }

    [Fact]
    public async Task DataProtection_KeyCreated_IsStoredInPortalDatabase()
    {
        var protector = factory.Services.GetRequiredService<IDataProtectionProvider>().CreateProtector("test");

        var protectedText = protector.Protect("survives a restart");

        Assert.Equal("survives a restart", protector.Unprotect(protectedText));
        await using var db = await factory.Services.GetRequiredService<IDbContextFactory<PortalDbContext>>().CreateDbContextAsync();
        Assert.True(await db.DataProtectionKeys.AnyAsync());
    }
}

public sealed class StartupValidationTests
{
    [Fact]
    public void Production_WithoutAzureAdSettings_RefusesToStartNamingTheSettings()
    {
        using var factory = PortalApplicationFactory.ForEnvironment("Production");

        var error = Assert.ThrowsAny<Exception>(() => factory.Services);

        var message = error is InvalidOperationException ? error.Message : error.InnerException?.Message ?? error.Message;
        Assert.Contains("AzureAd:TenantId", message, StringComparison.Ordinal);
        Assert.Contains("AzureAd:ClientId", message, StringComparison.Ordinal);
        Assert.Contains("AzureAd:ClientCredentials", message, StringComparison.Ordinal);
    }

    [Fact]
    public void Production_WithHttpInstance_RefusesToStart()
    {
        using var factory = PortalApplicationFactory.ForEnvironment("Production")
            .WithSetting("AzureAd:Instance", "http://login.example.test/")
            .WithSetting("AzureAd:TenantId", "11111111-2222-3333-4444-555555555555")
            .WithSetting("AzureAd:ClientId", "66666666-7777-8888-9999-000000000000")
            .WithSetting("AzureAd:ClientCredentials:0:SourceType", "ClientSecret")
            .WithSetting("AzureAd:ClientCredentials:0:ClientSecret", "not-logged");

        var error = Assert.ThrowsAny<Exception>(() => factory.Services);

        Assert.Contains("must be an https URL", error.ToString(), StringComparison.Ordinal);
    }

    [Theory, OnSqlite, OnPostgreSql]
    public async Task Production_WithoutDataProtectionCertificate_RefusesOnEitherDatabaseNamingTheSettingAndTheCommand(PortalDatabaseProvider provider)
    {
        await using var database = await TempDatabase.CreateAsync("dropzone-host-tests", provider: provider);
        using var factory = ProductionWithTenant().WithDatabase(database);

        var error = Assert.ThrowsAny<Exception>(() => factory.Services);

        var message = error is InvalidOperationException ? error.Message : error.InnerException?.Message ?? error.Message;
        Assert.Contains("DataProtection:Certificate:Path", message, StringComparison.Ordinal);
        Assert.Contains(DataProtectionCertificateCommand.Name, message, StringComparison.Ordinal);
        Assert.False(File.Exists(Path.Combine(factory.DataDirectory, PortalDataProtection.DefaultCertificateFile)));
    }

    [Fact]
    public void Production_WithDataProtectionCertificate_Starts()
    {
        using var factory = ProductionWithTenant();
        factory.WithSetting("DataProtection:Certificate:Path", Path.Combine(factory.DataDirectory, "keys", "dataprotection.pfx"));

        var protector = factory.Services.GetRequiredService<IDataProtectionProvider>().CreateProtector("test");

        Assert.Equal("signed in", protector.Unprotect(protector.Protect("signed in")));
        Assert.True(File.Exists(Path.Combine(factory.DataDirectory, "keys", "dataprotection.pfx")));
    }

    private static PortalApplicationFactory ProductionWithTenant() => PortalApplicationFactory.ForEnvironment("Production")
        .WithSetting("AzureAd:Instance", "https://login.microsoftonline.com/")
        .WithSetting("AzureAd:TenantId", "11111111-2222-3333-4444-555555555555")
        .WithSetting("AzureAd:ClientId", "66666666-7777-8888-9999-000000000000")
        .WithSetting("AzureAd:ClientCredentials:0:SourceType", "ClientSecret")
        .WithSetting("AzureAd:ClientCredentials:0:ClientSecret", "not-logged");
}
