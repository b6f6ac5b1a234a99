namespace Dropzone.Portal.Features.Access;

public static class EffectiveAccessRegistration
{
    /// <summary>The effective access page's services (the evaluator and the grant removal come with the setup steps).</summary>
    public static IHostApplicationBuilder AddEffectiveAccess(this IHostApplicationBuilder builder)
    {
        builder.Services.AddScoped<EffectiveAccessViews>();
        return builder;
    }
}
