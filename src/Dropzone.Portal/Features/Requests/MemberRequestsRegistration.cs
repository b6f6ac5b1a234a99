using Dropzone.Portal.Core.Requests;
using Dropzone.Portal.Core.Requests.Notifications;
using Dropzone.Portal.Features.Home;
using Dropzone.Portal.Security;
using Dropzone.Portal.Tenant;
using Dropzone.Portal.TenantClients;
using Dropzone.Portal.TenantClients.Exchange;
using Dropzone.TenantEmulator.Directory;
using Hangfire;
using Microsoft.AspNetCore.Authorization;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace Dropzone.Portal.Features.Requests;

/// <summary>Delegated member approvals: the Core services, the apply and sweep jobs, the badge and the overview figure.</summary>
public static class MemberRequestsRegistration
{
    public static IHostApplicationBuilder AddMemberRequests(this IHostApplicationBuilder builder)
    {
        var services = builder.Services;
        // The requests need Exchange and Graph; another feature may have registered the clients already.
        if (!services.Any(d => d.ServiceType == typeof(IExchangeClient)))
        {
            builder.AddTenantClients();
        }
        services.AddMemberRequestServices(builder.Configuration);
        services.AddOptions<NotificationOptions>().PostConfigure<TenantConnection>((options, tenant) =>
        {
            // The emulated tenant records sent mail, so it gets a sender by default and the workflow can be watched.
            if (tenant.IsEmulated && string.IsNullOrWhiteSpace(options.SenderMailbox))
            {
                options.SenderMailbox = DemoTenant.SecurityTeamMailbox;
            }
        });
        // Pages check ManageMembers/View with IAuthorizationService; the handler must exist whatever else is wired.
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IAuthorizationHandler, ManagedGroupAuthorizationHandler>());
        services.AddScoped<PendingApprovalsBadge>();
        services.AddHttpContextAccessor();
        services.AddScoped<ClientAddress>();
        services.TryAddEnumerable(ServiceDescriptor.Scoped<Microsoft.AspNetCore.Components.Server.Circuits.CircuitHandler, ClientAddressCircuitHandler>());
        services.AddScoped<IOverviewContributor, PendingRequestsOverview>();
        services.AddHostedService<MemberRequestsSchedule>();
        return builder;
    }
}

/// <summary>Registers the recurring sweep with Hangfire at start-up (AddOrUpdate: a restart keeps one schedule).</summary>
internal sealed class MemberRequestsSchedule(IServiceProvider services, IOptions<MemberRequestOptions> options, ILogger<MemberRequestsSchedule> logger)
    : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken)
    {
        var manager = services.GetService<IRecurringJobManager>();
        if (manager is null)
        {
            logger.LogWarning("Hangfire is not registered: pending requests will not expire on their own.");
            return Task.CompletedTask;
        }
        manager.AddOrUpdate<MemberRequestSweep>(MemberRequestSweep.RecurringJobId, sweep => sweep.RunAsync(CancellationToken.None), options.Value.SweepCron);
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}

/// <summary>The home page's "pending requests" figure.</summary>
internal sealed class PendingRequestsOverview(Microsoft.EntityFrameworkCore.IDbContextFactory<Core.Data.PortalDbContext> dbFactory) : IOverviewContributor
{
    public async Task<PortalOverview> ContributeAsync(PortalOverview overview, CancellationToken cancellationToken)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var pending = await Microsoft.EntityFrameworkCore.EntityFrameworkQueryableExtensions.CountAsync(
            db.MemberRequests, r => r.State == MemberRequestState.Pending, cancellationToken);
        return overview with { PendingRequests = overview.PendingRequests + pending };
    }
}
