using Dropzone.Portal.TenantClients.Connection;
using Dropzone.Portal.TenantClients.Graph;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Hosting;
using Microsoft.Identity.Abstractions;
using Microsoft.Identity.Client;
using Microsoft.Identity.Web;
using Microsoft.Identity.Web.TokenCacheProviders;
using Microsoft.Identity.Web.TokenCacheProviders.InMemory;

namespace Dropzone.Portal.TenantClients;

public static class TenantClientsHostExtensions
{
    /// <summary>
    /// Registers <see cref="IExchangeClient"/>, <see cref="IDirectoryClient"/>, <see cref="TenantConnectionCheck"/>,
    /// the "tenant" health check and app-only token acquisition from the <c>AzureAd</c> section.
    /// <paramref name="primaryHandler"/> (optional) carries every outgoing call — Exchange, Graph and the token
    /// endpoint — e.g. into the in-process tenant emulator; it is shared and never disposed by handler rotation.
    /// </summary>
    public static IHostApplicationBuilder AddTenantClients(
        this IHostApplicationBuilder builder,
        Func<IServiceProvider, HttpMessageHandler>? primaryHandler = null)
    {
        var services = builder.Services;
        var configuration = builder.Configuration;
        var section = configuration.GetSection(TenantClientsOptions.SectionName);
        var azureAdSection = section[nameof(TenantClientsOptions.AzureAdSection)] ?? "AzureAd";
        var optionsName = section[nameof(TenantClientsOptions.AuthenticationOptionsName)] ?? "TenantClients";

        services.AddOptions<TenantClientsOptions>()
            .Bind(section)
            .PostConfigure(o =>
            {
                if (string.IsNullOrWhiteSpace(o.TenantId))
                {
                    o.TenantId = configuration[$"{o.AzureAdSection}:TenantId"];
                }
            })
            .Validate(o => o.MaxConcurrencyPerTenant >= 1, "TenantClients:MaxConcurrencyPerTenant must be at least 1.")
            .Validate(o => o.MaxRetries >= 0, "TenantClients:MaxRetries must not be negative.")
            .Validate(o => o.RetryBaseDelay >= TimeSpan.Zero, "TenantClients:RetryBaseDelay must not be negative.")
            .Validate(o => o.MaxRetryAfter > TimeSpan.Zero, "TenantClients:MaxRetryAfter must be a positive duration such as 00:02:00.")
            .Validate(o => o.AttemptTimeout > TimeSpan.Zero, "TenantClients:AttemptTimeout must be a positive duration such as 00:02:30.")
            .Validate(o => o.TotalTimeout >= o.AttemptTimeout, "TenantClients:TotalTimeout must not be shorter than TenantClients:AttemptTimeout.")
            .Validate(o => o.HealthCacheDuration >= TimeSpan.Zero, "TenantClients:HealthCacheDuration must not be negative.")
            .ValidateOnStart();

        services.TryAddSingleton(TimeProvider.System);
        services.AddMetrics();
        // Polly reports every attempt and every pipeline run at Information; the clients log each call once
        // themselves, so those lines are Debug. Retries, timeouts and failures keep their own severity.
        services.Configure<Polly.Telemetry.TelemetryOptions>(o => o.SeverityProvider = TenantResilience.Severity);
        services.TryAddSingleton<TenantClientMetrics>();
        services.TryAddSingleton<TenantConcurrencyGate>();
        // A host with several instances registers its shared limiter first.
        services.TryAddSingleton<ITenantConcurrencyLimiter>(sp => sp.GetRequiredService<TenantConcurrencyGate>());
        services.TryAddTransient<TenantAttemptHandler>();
        services.TryAddTransient<GraphCallHandler>();

        AddTokenAcquisition(services, configuration.GetSection(azureAdSection), optionsName, primaryHandler);

        var exchange = services.AddHttpClient<IExchangeClient, ExchangeClient>(ExchangeClient.HttpClientName)
            // The resilience pipeline owns timeouts; HttpClient's own 100 s would cut across them.
            .ConfigureHttpClient(c => c.Timeout = Timeout.InfiniteTimeSpan);
        exchange.AddResilienceHandler("exchange", (pipeline, context) => TenantResilience.Configure(pipeline, context.ServiceProvider));
        exchange.AddHttpMessageHandler<TenantAttemptHandler>();

        var graph = services.AddHttpClient(DirectoryClient.HttpClientName)
            .ConfigureHttpClient(c => c.Timeout = Timeout.InfiniteTimeSpan)
            .AddHttpMessageHandler<GraphCallHandler>();
        graph.AddResilienceHandler("graph", (pipeline, context) => TenantResilience.Configure(pipeline, context.ServiceProvider));
        graph.AddHttpMessageHandler<TenantAttemptHandler>();

        if (primaryHandler is not null)
        {
            exchange.ConfigurePrimaryHttpMessageHandler(sp => new SharedHandler(primaryHandler(sp)));
            graph.ConfigurePrimaryHttpMessageHandler(sp => new SharedHandler(primaryHandler(sp)));
        }

        services.TryAddTransient<IDirectoryClient, DirectoryClient>();
        services.TryAddTransient<TenantConnectionCheck>();
        services.TryAddTransient<ExchangeModuleManifestClient>();
        services.TryAddTransient<ExchangePermissionPreflight>();
        services.TryAddSingleton<TenantHealthCache>();
        services.AddHealthChecks().AddCheck<TenantHealthCheck>(TenantHealthCheck.Name, HealthStatus.Degraded, [TenantHealthCheck.Tag]);
        return builder;
    }

    private static void AddTokenAcquisition(
        IServiceCollection services, IConfigurationSection azureAd, string optionsName, Func<IServiceProvider, HttpMessageHandler>? primaryHandler)
    {
        // Bound under our own name: background jobs get app tokens whatever the sign-in scheme is called.
        services.Configure<MicrosoftIdentityApplicationOptions>(optionsName, azureAd);
        services.Configure<ConfidentialClientApplicationOptions>(optionsName, azureAd);

        // The portal's sign-in may already have registered token acquisition (scoped); keep its choice.
        if (!services.Any(d => d.ServiceType == typeof(ITokenAcquisition)))
        {
            services.AddTokenAcquisition(isTokenAcquisitionSingleton: true);
        }

        if (!services.Any(d => d.ServiceType == typeof(IMsalTokenCacheProvider)))
        {
            services.AddInMemoryTokenCaches();
        }

        if (primaryHandler is not null)
        {
            services.RemoveAll<IMsalHttpClientFactory>();
            services.AddSingleton<IMsalHttpClientFactory>(sp => new SharedMsalHttpClientFactory(new SharedHandler(primaryHandler(sp))));
        }

        services.TryAddTransient<ITenantTokenProvider, IdentityWebTokenProvider>();
    }

    /// <summary>Wraps a handler owned elsewhere so that IHttpClientFactory's rotation cannot dispose it.</summary>
    private sealed class SharedHandler(HttpMessageHandler inner) : HttpMessageHandler
    {
        // disposeHandler: false is the point: the inner handler is shared with other clients.
        private readonly HttpMessageInvoker _invoker = new(inner, disposeHandler: false);

        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken) =>
            _invoker.SendAsync(request, cancellationToken);

        protected override void Dispose(bool disposing)
        {
            if (disposing)
            {
                _invoker.Dispose();
            }

            base.Dispose(disposing);
        }
    }

    private sealed class SharedMsalHttpClientFactory(HttpMessageHandler handler) : IMsalHttpClientFactory, IDisposable
    {
        private readonly HttpClient _client = new(handler, disposeHandler: true);

        public HttpClient GetHttpClient() => _client;

        public void Dispose() => _client.Dispose();
    }
}
