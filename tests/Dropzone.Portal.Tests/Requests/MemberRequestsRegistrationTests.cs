using Dropzone.Portal.Core.Requests.Notifications;

namespace Dropzone.Portal.Tests.Requests;

[Collection(PortalHostCollection.Name)]
public sealed class MemberRequestsRegistrationTests
{
    [Fact]
    public void AddMemberRequests_RealHost_ServicesResolveAndSweepIsScheduled()
    {
        using var factory = new PortalApplicationFactory();
        // Its own job storage, so the schedule found below can only come from this start.
        factory.WithSetting("ConnectionStrings:Jobs", $"Data Source={Path.Combine(factory.DataDirectory, "jobs.db")}");
        using var client = factory.CreateClient(); // starts the host, and with it the schedule
        using var scope = factory.Services.CreateScope();

        Assert.NotNull(scope.ServiceProvider.GetRequiredService<MemberRequestService>());
        Assert.NotNull(scope.ServiceProvider.GetRequiredService<MemberRequestApplier>());
        Assert.NotNull(scope.ServiceProvider.GetRequiredService<MemberRequestSweep>());
        Assert.IsType<HangfireMemberRequestQueue>(scope.ServiceProvider.GetRequiredService<IMemberRequestQueue>());
        Assert.IsType<GraphMailSender>(scope.ServiceProvider.GetRequiredService<IMailSender>());
        using var connection = factory.Services.GetRequiredService<JobStorage>().GetConnection();
        Assert.Contains(connection.GetRecurringJobs(), j => j.Id == MemberRequestSweep.RecurringJobId);
    }

    [Fact]
    public void AddMemberRequests_EmulatedTenantWithoutSender_SendsFromTheDemoSharedMailbox()
    {
        using var factory = new PortalApplicationFactory();
        using var client = factory.CreateClient();

        var notifications = factory.Services.GetRequiredService<IOptions<NotificationOptions>>().Value;
        var requests = factory.Services.GetRequiredService<IOptions<MemberRequestOptions>>().Value;

        Assert.Equal((true, DemoTenant.SecurityTeamMailbox), (notifications.Enabled, notifications.SenderMailbox));
        Assert.Equal(14, requests.ExpireAfterDays);
    }
}
