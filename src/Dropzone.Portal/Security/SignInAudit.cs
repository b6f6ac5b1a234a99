namespace Dropzone.Portal.Security;

/// <summary>Records <c>SignIn.Succeeded</c> in the audit history each time someone signs in.</summary>
public static class SignInAudit
{
    public static IHostApplicationBuilder AddSignInAudit(this IHostApplicationBuilder builder)
    {
        // PostConfigure: runs after Identity.Web has installed its own handlers, which this one wraps.
        builder.Services.PostConfigure<OpenIdConnectOptions>(OpenIdConnectDefaults.AuthenticationScheme, options =>
        {
            var previous = options.Events.OnTokenValidated;
            options.Events.OnTokenValidated = async context =>
            {
                await previous(context);
                if (context.Principal is { Identity.IsAuthenticated: true } principal && context.Result is null)
                {
                    await RecordAsync(context.HttpContext, principal);
                }
            };
        });
        return builder;
    }

    private static async Task RecordAsync(HttpContext http, System.Security.Claims.ClaimsPrincipal principal)
    {
        var services = http.RequestServices;
        await using var db = await services.GetRequiredService<IDbContextFactory<PortalDbContext>>().CreateDbContextAsync(http.RequestAborted);
        var user = principal.ToPortalUser();
        services.GetRequiredService<AuditTrail>().Record(db, new AuditEvent(
            AuditActions.SignInSucceeded,
            AuditActor.User(user.ObjectId, user.UserPrincipalName, user.DisplayName))
        {
            Answer = $"Role: {principal.DescribeRole()}",
            ClientIp = http.Connection.RemoteIpAddress?.ToString(),
            TraceId = System.Diagnostics.Activity.Current?.TraceId.ToString() ?? http.TraceIdentifier,
        });
        await AuditTrail.SaveChangesAsync(db, http.RequestAborted);
    }
}
