using Microsoft.AspNetCore.Authorization;

namespace Dropzone.Portal.Features.Audit;

public static class AuditViewerRegistration
{
    /// <summary>
    /// Who reads which audit entries (<see cref="AuditViewerScope"/>) and the handler of the ReadAudit policy.
    /// Needs the portal database (who owns which group) and the audit services (AddAudit).
    /// </summary>
    public static IHostApplicationBuilder AddAuditViewer(this IHostApplicationBuilder builder)
    {
        builder.Services.AddSingleton<AuditViewerScope>();
        builder.Services.AddSingleton<IAuthorizationHandler, AuditReaderHandler>();
        return builder;
    }
}
