using Dropzone.Portal.Components.Pages.Home;
using Dropzone.Portal.Features.Home;
using Dropzone.Portal.Tenant;

namespace Dropzone.Portal.Tests.Components;

public sealed class HomePageTests : PortalComponentContext
{
    [Fact]
    public void Home_EmulatedTenantWithNothingYet_SaysEmulatedAndShowsZeros()
    {
        AddAuthorization().SetAuthorized("Pat Plain");
        Services.AddSingleton(new TenantConnection(IsEmulated: true, TenantId: null, Domain: null));
        Services.AddSingleton<PortalOverviewService>();

        var page = Render<Home>();

        page.WaitForAssertion(() => Assert.Contains("Emulated tenant", page.Find("[data-testid=tenant-status]").TextContent, StringComparison.Ordinal));
        Assert.Equal("0", page.Find("[data-testid=count-groups]").TextContent.Trim());
        Assert.Equal("0", page.Find("[data-testid=count-requests]").TextContent.Trim());
        Assert.Equal("0", page.Find("[data-testid=count-runs]").TextContent.Trim());
        Assert.Empty(page.FindAll("[data-testid=connection-check]")); // the connection check is for admins only
    }

    [Fact]
    public void Home_ConnectedTenantWithFigures_ShowsTenantAndContributedCounts()
    {
        AddAuthorization().SetAuthorized("Pat Plain");
        Services.AddSingleton(new TenantConnection(IsEmulated: false, TenantId: "7f0c5b8e-1111-2222-3333-444455556666", Domain: null));
        Services.AddSingleton<IOverviewContributor>(new FixedFigures(groups: 3, requests: 2));
        Services.AddSingleton<PortalOverviewService>();

        var page = Render<Home>();

        page.WaitForAssertion(() => Assert.Contains("7f0c5b8e-1111-2222-3333-444455556666", page.Find("[data-testid=tenant-status]").TextContent, StringComparison.Ordinal));
        Assert.Equal("3", page.Find("[data-testid=count-groups]").TextContent.Trim());
        Assert.Equal("2", page.Find("[data-testid=count-requests]").TextContent.Trim());
    }

    private sealed class FixedFigures(int groups, int requests) : IOverviewContributor
    {
        public Task<PortalOverview> ContributeAsync(PortalOverview overview, CancellationToken cancellationToken) =>
            Task.FromResult(overview with { ManagedGroups = groups, PendingRequests = requests });
    }
}
