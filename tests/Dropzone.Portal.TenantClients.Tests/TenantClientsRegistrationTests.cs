using Microsoft.Extensions.Options;

namespace Dropzone.Portal.TenantClients.Tests;

public class TenantClientsRegistrationTests
{
    private static IHost Build(Dictionary<string, string?> settings)
    {
        var builder = Host.CreateEmptyApplicationBuilder(new HostApplicationBuilderSettings { EnvironmentName = Environments.Development });
        builder.Configuration.AddInMemoryCollection(settings);
        // As strict as the portal in Development: scoped services must not leak into singletons.
        builder.ConfigureContainer(new DefaultServiceProviderFactory(new ServiceProviderOptions { ValidateScopes = true }));
        builder.AddTenantClients();
        return builder.Build();
    }

    [Fact]
    public void AddTenantClients_ConfigurationOnly_ResolvesEveryPublicService()
    {
        using var host = Build(new Dictionary<string, string?>
        {
            ["AzureAd:Instance"] = "https://login.microsoftonline.com/",
            ["AzureAd:TenantId"] = "11111111-2222-3333-4444-555555555555",
            ["AzureAd:ClientId"] = "22222222-3333-4444-5555-666666666666",
        });
        using var scope = host.Services.CreateScope();

        Assert.NotNull(scope.ServiceProvider.GetRequiredService<IExchangeClient>());
        Assert.NotNull(scope.ServiceProvider.GetRequiredService<IDirectoryClient>());
        Assert.NotNull(scope.ServiceProvider.GetRequiredService<TenantConnectionCheck>());
    }

    [Fact]
    public void AddTenantClients_NoTenantInSection_FallsBackToAzureAdTenant()
    {
        using var host = Build(new Dictionary<string, string?> { ["AzureAd:TenantId"] = "33333333-2222-3333-4444-555555555555" });

        var options = host.Services.GetRequiredService<IOptions<TenantClientsOptions>>().Value;

        Assert.Equal("33333333-2222-3333-4444-555555555555", options.TenantId);
        Assert.Equal(4, options.MaxConcurrencyPerTenant);
        Assert.Equal(new Uri("https://outlook.office365.com"), options.ExchangeBaseUrl);
    }

    [Fact]
    public void AddTenantClients_SectionValues_OverrideDefaults()
    {
        using var host = Build(new Dictionary<string, string?>
        {
            ["AzureAd:TenantId"] = "33333333-2222-3333-4444-555555555555",
            ["TenantClients:TenantId"] = "44444444-2222-3333-4444-555555555555",
            ["TenantClients:MaxConcurrencyPerTenant"] = "2",
            ["TenantClients:GraphBaseUrl"] = "https://graph.emulator.test/v1.0",
        });

        var options = host.Services.GetRequiredService<IOptions<TenantClientsOptions>>().Value;

        Assert.Equal("44444444-2222-3333-4444-555555555555", options.TenantId);
        Assert.Equal(2, options.MaxConcurrencyPerTenant);
        Assert.Equal("graph.emulator.test", options.GraphBaseUrl.Host);
    }
}
