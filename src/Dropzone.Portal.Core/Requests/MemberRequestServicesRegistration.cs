namespace Dropzone.Portal.Core.Requests;

public static class MemberRequestServicesRegistration
{
    /// <summary>
    /// The request services and the ownership decision they rest on (<see cref="GroupOwnership"/>), with the
    /// <c>Requests</c> and <c>Notifications</c> settings. Needs the portal database factory, the tenant clients and
    /// <see cref="AuditTrail"/>; the host chooses the <see cref="IMemberRequestQueue"/> (Hangfire by default) and
    /// schedules <see cref="MemberRequestSweep"/>.
    /// </summary>
    public static IHostApplicationBuilder AddMemberRequestServices(this IHostApplicationBuilder builder)
    {
        var services = builder.Services;
        services.AddOptions<MemberRequestOptions>()
            .Bind(builder.Configuration.GetSection(MemberRequestOptions.SectionName))
            .Validate(o => o.ExpireAfterDays >= 1, "Requests:ExpireAfterDays must be at least 1.")
            .Validate(o => o.MembersPageSize is >= 1 and <= 500, "Requests:MembersPageSize must be between 1 and 500.");
        services.AddOptions<NotificationOptions>().Bind(builder.Configuration.GetSection(NotificationOptions.SectionName));
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton<AuditTrail>();
        services.TryAddSingleton<MemberRequestEvents>();
        services.AddRestrictionModes();
        services.TryAddTransient<IMailSender, GraphMailSender>();
        services.TryAddTransient<IMemberRequestQueue, HangfireMemberRequestQueue>();
        services.AddTransient<RequestNotifier>();
        services.AddTransient<GroupTenant>();
        services.AddTransient<GroupOwnership>();
        services.AddTransient<MemberRequestChecks>();
        services.AddTransient<MemberRequestService>();
        services.AddTransient<MemberRequestApplier>();
        services.AddTransient<MemberRequestSweep>();
        return builder;
    }
}
