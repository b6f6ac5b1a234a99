namespace Dropzone.Portal.Security;

/// <summary>
/// Transport and browser hardening: HSTS and HTTPS redirection outside Development, secure cookies,
/// security headers, forwarded headers from known proxies, and data protection keys kept in the
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

        return builder;
    }

    public static WebApplication UsePortalHardening(this WebApplication app)
    {
        app.UseForwardedHeadersFromKnownProxies();
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
