using Microsoft.AspNetCore.HttpOverrides;

namespace Dropzone.Portal.Security;

/// <summary>
/// Transport and browser hardening: HSTS and HTTPS redirection outside Development, secure cookies,
/// security headers, forwarded headers behind a reverse proxy, and data protection keys kept in the
/// portal database, encrypted, so cookies survive restarts (<see cref="PortalDataProtection"/>).
/// </summary>
public static class HostHardening
{
    public static IHostApplicationBuilder AddPortalHardening(this IHostApplicationBuilder builder)
    {
        var isDevelopment = builder.Environment.IsDevelopment();
        // Over plain http (Development only) a Secure cookie would be dropped by the browser.
        var securePolicy = isDevelopment ? CookieSecurePolicy.SameAsRequest : CookieSecurePolicy.Always;

        builder.Services.Configure<CookiePolicyOptions>(options =>
        {
            options.Secure = securePolicy;
            options.HttpOnly = Microsoft.AspNetCore.CookiePolicy.HttpOnlyPolicy.Always;
            options.MinimumSameSitePolicy = SameSiteMode.Lax;
        });
        builder.Services.AddAntiforgery(options =>
        {
            options.Cookie.SecurePolicy = securePolicy;
            options.Cookie.Name = "__Host-portal-af";
            if (isDevelopment)
            {
                // The __Host- prefix requires Secure; plain-http development uses an unprefixed name.
                options.Cookie.Name = "portal-af";
            }
        });

        builder.AddPortalDataProtection();

        builder.Services.AddHsts(options =>
        {
            options.MaxAge = TimeSpan.FromDays(365);
            options.IncludeSubDomains = true;
        });

        builder.Services.Configure<ForwardedHeadersOptions>(options =>
        {
            options.ForwardedHeaders = ForwardedHeaders.XForwardedFor | ForwardedHeaders.XForwardedProto | ForwardedHeaders.XForwardedHost;
            // The proxy is whatever sits in front of the container; restrict with KnownProxies in config if needed.
            options.KnownIPNetworks.Clear();
            options.KnownProxies.Clear();
            var allowedHosts = builder.Configuration["ForwardedHeaders:AllowedHosts"];
            if (!string.IsNullOrWhiteSpace(allowedHosts))
            {
                foreach (var host in allowedHosts.Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
                {
                    options.AllowedHosts.Add(host);
                }
            }
        });
        return builder;
    }

    public static WebApplication UsePortalHardening(this WebApplication app)
    {
        if (app.Configuration.GetValue("ForwardedHeaders:Enabled", false))
        {
            app.UseForwardedHeaders();
        }
        if (!app.Environment.IsDevelopment())
        {
            app.UseHsts();
            app.UseHttpsRedirection();
        }
        var signInOrigin = Uri.TryCreate(app.Configuration["AzureAd:Instance"], UriKind.Absolute, out var instance)
            ? instance.GetLeftPart(UriPartial.Authority)
            : null;
        var (portalPolicy, legacyPolicy) = SecurityHeadersMiddleware.BuildPolicies(signInOrigin);
        app.UseMiddleware<SecurityHeadersMiddleware>(portalPolicy, legacyPolicy);
        app.UseCookiePolicy();
        return app;
    }
}
