namespace Dropzone.Portal.Features.Groups;

public static class GroupsRegistration
{
    /// <summary>
    /// The group pages' services and the recurring refresh of owners (scheduled by AddPortalJobs). Ownership
    /// itself (<see cref="Core.Groups.GroupOwnership"/>) comes with the request services (AddMemberRequests).
    /// </summary>
    public static IHostApplicationBuilder AddGroups(this IHostApplicationBuilder builder)
    {
        builder.Services.AddScoped<GroupViews>();
        builder.Services.AddScoped<GroupAdminActions>();
        builder.Services.AddTransient<GroupOwnersRefreshJob>();
        return builder;
    }
}
