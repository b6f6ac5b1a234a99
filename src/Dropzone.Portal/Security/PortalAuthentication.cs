using Microsoft.Identity.Web;

namespace Dropzone.Portal.Security;

/// <summary>
/// Entra ID sign-in (OIDC code flow with PKCE) and app-only token acquisition through Microsoft.Identity.Web.
/// The sign-in UI and the authorization policies build on this; here is only what talks to the tenant.
/// </summary>
public static class PortalAuthentication
{
    /// <summary>The named client Identity.Web's issuer validator fetches metadata with (see EMULATOR.md).</summary>
    public const string MetadataHttpClientName = "Dropzone.EntraMetadata";

    /// <summary>Needs <see cref="TenantRegistration.AddTenantConnection"/> first (the emulator's settings and its back channel).</summary>
    public static IHostApplicationBuilder AddPortalAuthentication(this IHostApplicationBuilder builder)
    {
        var connection = TenantConnection.Of(builder);
        if (!connection.IsEmulated && string.IsNullOrWhiteSpace(builder.Configuration["AzureAd:ClientId"]))
        {
            // No tenant configured and no emulator (Production without settings): nothing to sign in against,
            // but the middleware still needs its services.
            builder.Services.AddAuthentication();
            builder.Services.AddAuthorization();
            return builder;
        }
        builder.Services.AddAuthentication(OpenIdConnectDefaults.AuthenticationScheme)
            .AddMicrosoftIdentityWebApp(builder.Configuration.GetSection("AzureAd"))
            .EnableTokenAcquisitionToCallDownstreamApi()
            .AddInMemoryTokenCaches();
        builder.Services.AddAuthorization();
        builder.Services.AddHttpClient(MetadataHttpClientName);
        builder.Services.Configure<AadIssuerValidatorOptions>(options => options.HttpClientName = MetadataHttpClientName);

        if (connection.IsEmulated)
        {
            // Configure, not PostConfigure: Identity.Web's own post-configuration reads the backchannel.
            builder.Services.AddOptions<OpenIdConnectOptions>(OpenIdConnectDefaults.AuthenticationScheme)
                .Configure<EmulatorHttpHandler>((options, handler) => options.BackchannelHttpHandler = handler);
        }
        if (builder.Environment.IsDevelopment())
        {
            // Correlation and nonce cookies are Secure by default; over plain http://localhost a browser drops them.
            builder.Services.Configure<OpenIdConnectOptions>(OpenIdConnectDefaults.AuthenticationScheme, options =>
            {
                options.CorrelationCookie.SecurePolicy = CookieSecurePolicy.SameAsRequest;
                options.NonceCookie.SecurePolicy = CookieSecurePolicy.SameAsRequest;
            });
        }
        return builder;
    }

    public static WebApplication UsePortalAuthentication(this WebApplication app)
    {
        app.UseAuthentication();
        app.UseAuthorization();
        return app;
    }
}
