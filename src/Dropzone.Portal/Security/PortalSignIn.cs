using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.Components.Endpoints;

namespace Dropzone.Portal.Security;

/// <summary>
/// The portal's side of sign-in: the session cookie's settings and what a forbidden request gets back.
/// A page load that is forbidden goes to the access-denied page (which names the role needed and answers
/// 403); any other endpoint (exports, the job dashboard) answers a bare 403 instead of a redirect.
/// </summary>
public static class PortalSignIn
{
    public const string AccessDeniedPath = "/access-denied";

    public static IHostApplicationBuilder AddPortalSignIn(this IHostApplicationBuilder builder)
    {
        var isDevelopment = builder.Environment.IsDevelopment();
        builder.Services.AddCascadingAuthenticationState();
        builder.Services.Configure<CookieAuthenticationOptions>(CookieAuthenticationDefaults.AuthenticationScheme, options =>
        {
            options.Cookie.Name = isDevelopment ? "portal-session" : "__Host-portal-session";
            options.Cookie.HttpOnly = true;
            options.Cookie.SameSite = SameSiteMode.Lax;
            options.Cookie.SecurePolicy = isDevelopment ? CookieSecurePolicy.SameAsRequest : CookieSecurePolicy.Always;
            options.ExpireTimeSpan = TimeSpan.FromHours(8);
            options.SlidingExpiration = true;
            options.AccessDeniedPath = AccessDeniedPath;
            options.Events.OnRedirectToAccessDenied = context =>
            {
                // Pages (Blazor's, and the job dashboard, which is a page of its own) get the access-denied page;
                // API and file endpoints a plain 403.
                if (context.HttpContext.GetEndpoint()?.Metadata.GetMetadata<ComponentTypeMetadata>() is not null
                    || context.Request.Path.StartsWithSegments(Jobs.PortalJobs.DashboardPath, StringComparison.OrdinalIgnoreCase))
                {
                    var returnUrl = context.Request.Path + context.Request.QueryString;
                    context.Response.Redirect($"{AccessDeniedPath}?returnUrl={Uri.EscapeDataString(returnUrl)}");
                }
                else
                {
                    context.Response.StatusCode = StatusCodes.Status403Forbidden;
                }
                return Task.CompletedTask;
            };
        });
        return builder;
    }
}
