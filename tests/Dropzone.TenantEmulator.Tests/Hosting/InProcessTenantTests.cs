namespace Dropzone.TenantEmulator.Tests.Hosting;

/// <summary>The host-less emulator other projects' client tests use, and its behaviour under concurrent calls.</summary>
public sealed class InProcessTenantTests : IDisposable
{
    private readonly InProcessTenant _tenant = InProcessTenant.Create(new FakeTimeProvider(new DateTimeOffset(2026, 11, 27, 9, 0, 0, TimeSpan.Zero)));

    public void Dispose() => _tenant.Dispose();

    [Fact]
    public async Task Create_WithoutWebHost_ServesTokensAndExchange()
    {
        using var http = await RealHostCalls.ExchangeClientAsync(_tenant);

        using var response = await RealHostCalls.InvokeCommandAsync(http, "New-DistributionGroup", new JsonObject
        {
            ["Name"] = "Hostless",
            ["Type"] = "Security",
            ["ManagedBy"] = new JsonArray(DemoTenant.OwnerUpn),
            ["Members"] = new JsonArray(DemoTenant.PhishingReportMailbox),
        });

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var group = _tenant.State.FindGroup("Hostless")!;
        Assert.Equal([DemoTenant.OwnerUpn], group.Owners);
        Assert.Equal([DemoTenant.PhishingReportMailbox], group.Members);
    }

    [Fact]
    public async Task AddDistributionGroupMember_FiftyConcurrentCalls_AllApplied()
    {
        using var http = await RealHostCalls.ExchangeClientAsync(_tenant);
        using (await RealHostCalls.InvokeCommandAsync(http, "New-DistributionGroup", new JsonObject { ["Name"] = "Busy", ["Type"] = "Security", ["ManagedBy"] = new JsonArray(DemoTenant.OwnerUpn) }))
        {
        }
        var users = _tenant.State.AddBulkMailboxUsers(50);

        var responses = await Task.WhenAll(users.Select(id =>
            RealHostCalls.InvokeCommandAsync(http, "Add-DistributionGroupMember", new JsonObject { ["Identity"] = "Busy", ["Member"] = id.ToString(), ["BypassSecurityGroupManagerCheck"] = true })));

        Assert.All(responses, r => Assert.Equal(HttpStatusCode.OK, r.StatusCode));
        Assert.Equal(50, _tenant.State.FindGroup("Busy")!.Members.Count);
        foreach (var r in responses)
        {
            r.Dispose();
        }
    }

    [Fact]
    public void FindUserId_DemoAdmin_FixedId()
    {
        Assert.Equal(DemoTenant.UserId(1), _tenant.State.FindUserId(DemoTenant.AdminUpn));
    }

    [Fact]
    public async Task Reset_ClearsGroupsAndKeepsSeed()
    {
        using var http = await RealHostCalls.ExchangeClientAsync(_tenant);
        using (await RealHostCalls.InvokeCommandAsync(http, "New-DistributionGroup", new JsonObject { ["Name"] = "Gone", ["Type"] = "Security", ["ManagedBy"] = new JsonArray(DemoTenant.OwnerUpn) }))
        {
        }

        _tenant.State.Reset();

        Assert.Null(_tenant.State.FindGroup("Gone"));
        Assert.NotNull(_tenant.State.FindGroup(DemoTenant.AllStaffDistributionList));
    }
}
