namespace Dropzone.Portal.Tests.Tenant;

[Collection(PortalHostCollection.Name)]
public sealed class EmulatorMountingTests
{
    [Fact]
    public async Task Start_DevelopmentWithoutTenant_MountsEmulatorUnderEmulatorPrefix()
    {
        await using var factory = new PortalApplicationFactory();
        using var client = factory.CreateClient();

        var state = await client.GetFromJsonAsync<JsonObject>("/_emulator/_control/state");
        var discovery = await client.GetFromJsonAsync<JsonObject>($"/_emulator/login/{DemoTenant.TenantId}/v2.0/.well-known/openid-configuration");

        Assert.Equal(DemoTenant.TenantId, state!["tenantId"]!.GetValue<string>());
        Assert.Equal($"http://localhost/_emulator/login/{DemoTenant.TenantId}/oauth2/v2.0/authorize", discovery!["authorization_endpoint"]!.GetValue<string>());
    }

    [Fact]
    public async Task Restart_SameDataFolder_ContinuesTheEmulatedTenantKeptBesideTheDatabase()
    {
        var dataDirectory = TestFolder.Create();
        try
        {
            string kept;
            using (var first = PortalApplicationFactory.ForDataDirectory(dataDirectory))
            {
                var before = first.Services.GetRequiredService<TenantState>();
                kept = before.FindUserPrincipalName(before.AddBulkMailboxUsers(1, "kept")[0])!;
            }

            using var second = PortalApplicationFactory.ForDataDirectory(dataDirectory);
            var tenant = second.Services.GetRequiredService<TenantState>();

            Assert.Equal(Path.Combine(dataDirectory, "emulated-tenant.json"), tenant.StateFilePath);
            Assert.StartsWith("kept", kept, StringComparison.Ordinal);
            Assert.NotNull(tenant.FindUserId(kept));
        }
        finally
        {
            TestFolder.TryDelete(dataDirectory);
        }
    }

    [Fact]
    public async Task Mount_EmptyErrorAnswer_NotReplacedByPortalStatusPage()
    {
        await using var factory = new PortalApplicationFactory();
        using var client = factory.CreateClient();

        using var response = await client.PostAsync($"/_emulator/outlook/adminapi/v1.0/{DemoTenant.TenantId}/InvokeCommand", new StringContent("{}"));

        Assert.Equal(HttpStatusCode.MethodNotAllowed, response.StatusCode);
        Assert.Empty(await response.Content.ReadAsByteArrayAsync());
    }

    [Fact]
    public async Task Start_ProductionWithEmulatorForcedOn_RefusesWithClearMessage()
    {
        await using var factory = PortalApplicationFactory.ForEnvironment("Production").WithSetting("TenantEmulator:Enabled", "true");

        var error = Assert.ThrowsAny<Exception>(() => factory.CreateClient());

        var refusal = error as InvalidOperationException ?? error.InnerException as InvalidOperationException;
        Assert.NotNull(refusal);
        Assert.Contains("cannot run in the Production environment", refusal.Message);
    }

    [Fact]
    public async Task Start_ProductionWithRealTenantSettings_DoesNotMountEmulator()
    {
        await using var factory = PortalApplicationFactory.ForEnvironment("Production")
            .WithSetting("AzureAd:Instance", "https://login.microsoftonline.com/")
            .WithSetting("AzureAd:TenantId", "7d1c0a55-0000-4000-8000-000000000042")
            .WithSetting("AzureAd:ClientId", "7d1c0a55-0000-4000-8000-0000000000a2")
            .WithSetting("AzureAd:ClientCredentials:0:SourceType", "ClientSecret")
            .WithSetting("AzureAd:ClientCredentials:0:ClientSecret", "production-secret-never-used-here");
        factory.WithSetting("DataProtection:Certificate:Path", Path.Combine(factory.DataDirectory, "keys", "dataprotection.pfx"));
        using var client = factory.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false });

        using var response = await client.GetAsync("/_emulator/_control/state");

        Assert.NotEqual(HttpStatusCode.OK, response.StatusCode);
        Assert.DoesNotContain("tenantId", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Start_StagingWithoutTenant_RefusesNamingTheEmulatorSwitch()
    {
        await using var factory = PortalApplicationFactory.ForEnvironment("Staging");

        var error = Assert.ThrowsAny<Exception>(() => factory.CreateClient());

        var refusal = error as InvalidOperationException ?? error.InnerException as InvalidOperationException;
        Assert.NotNull(refusal);
        Assert.Contains("'Staging' environment", refusal.Message, StringComparison.Ordinal);
        Assert.Contains("TenantEmulator:Enabled=true", refusal.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void FromConfiguration_StagingWithExplicitSwitch_Emulated()
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?> { ["TenantEmulator:Enabled"] = "true" }).Build();
        var environment = new Microsoft.Extensions.Hosting.Internal.HostingEnvironment { EnvironmentName = Environments.Staging };

        var connection = Dropzone.Portal.Tenant.TenantConnection.FromConfiguration(configuration, environment);

        Assert.True(connection.IsEmulated);
    }

    [Fact]
    public void FromConfiguration_ProductionForced_Throws()
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?> { ["TenantEmulator:Enabled"] = "true" }).Build();
        var environment = new Microsoft.Extensions.Hosting.Internal.HostingEnvironment { EnvironmentName = Environments.Production };

        var error = Assert.Throws<InvalidOperationException>(() => Dropzone.Portal.Tenant.TenantConnection.FromConfiguration(configuration, environment));

        Assert.Contains("signs anyone in as anyone", error.Message);
    }

    [Fact]
    public void FromConfiguration_DevelopmentWithoutClientId_EmulatedDemoTenant()
    {
        var configuration = new ConfigurationBuilder().Build();
        var environment = new Microsoft.Extensions.Hosting.Internal.HostingEnvironment { EnvironmentName = Environments.Development };

        var connection = Dropzone.Portal.Tenant.TenantConnection.FromConfiguration(configuration, environment);

        Assert.True(connection.IsEmulated);
        Assert.Equal(DemoTenant.TenantId, connection.TenantId);
    }
}
