namespace Dropzone.Portal.Features.Audit;

public static class AuditViewerRegistration
{
    /// <summary>
    /// Who reads which audit entries (<see cref="AuditViewerScope"/>), the handler of the ReadAudit policy, and the
    /// chain's verification at start-up (<see cref="AuditStartupVerification"/>). Needs the portal database (who
    /// owns which group) and the audit services (AddAudit).
    /// </summary>
    public static IHostApplicationBuilder AddAuditViewer(this IHostApplicationBuilder builder)
    {
        builder.Services.AddSingleton<AuditViewerScope>().AddSingleton<IAuthorizationHandler, AuditReaderHandler>();
        builder.Services.AddHostedService<AuditStartupVerification>();
        return builder;
    }
}
