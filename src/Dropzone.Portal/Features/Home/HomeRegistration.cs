namespace Dropzone.Portal.Features.Home;

public static class HomeRegistration
{
    /// <summary>The home page's overview; each feature adds its own <see cref="IOverviewContributor"/>.</summary>
    public static IHostApplicationBuilder AddHome(this IHostApplicationBuilder builder)
    {
        builder.Services.AddScoped<PortalOverviewService>();
        builder.Services.AddScoped<IOverviewContributor, SetupOverviewContributor>();
        return builder;
    }
}
