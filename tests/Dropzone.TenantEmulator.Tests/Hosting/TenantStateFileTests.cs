using Dropzone.TenantEmulator.State;

namespace Dropzone.TenantEmulator.Tests.Hosting;

/// <summary>An emulated tenant kept in a file continues after a restart; a file it cannot read stops the start with the remedy.</summary>
public sealed class TenantStateFileTests : IDisposable
{
    private static readonly DateTimeOffset Start = new(2026, 11, 27, 9, 0, 0, TimeSpan.Zero);
    private readonly string _folder = System.IO.Directory.CreateTempSubdirectory("dropzone-emulator-state-").FullName;

    private string StatePath => Path.Combine(_folder, "emulated-tenant.json");

    public void Dispose() => System.IO.Directory.Delete(_folder, recursive: true);

    private InProcessTenant StartTenant(FakeTimeProvider? time = null) =>
        InProcessTenant.Create(time ?? new FakeTimeProvider(Start), o => o.StateFile = StatePath);

    private static async Task<JsonObject> InvokeOkAsync(HttpClient http, string cmdlet, JsonObject parameters)
    {
        using var response = await RealHostCalls.InvokeCommandAsync(http, cmdlet, parameters);
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.IsSuccessStatusCode, $"{cmdlet} answered {(int)response.StatusCode}: {text}");
        return JsonNode.Parse(text)!.AsObject();
    }

    [Fact]
    public async Task Restart_ContinuesTheSameTenant()
    {
        GroupView before;
        using (var tenant = StartTenant())
        {
            var bulk = tenant.State.AddBulkMailboxUsers(3);
            using var http = await RealHostCalls.ExchangeClientAsync(tenant);
            await InvokeOkAsync(http, "New-DistributionGroup", new JsonObject
            {
                ["Name"] = "Kept",
                ["Type"] = "Security",
                ["ManagedBy"] = new JsonArray(DemoTenant.OwnerUpn),
                ["Members"] = new JsonArray(DemoTenant.PhishingReportMailbox),
            });
            await InvokeOkAsync(http, "Add-DistributionGroupMember", new JsonObject { ["Identity"] = "Kept", ["Member"] = bulk[0].ToString(), ["BypassSecurityGroupManagerCheck"] = true });
            await InvokeOkAsync(http, "New-ApplicationAccessPolicy", new JsonObject
            {
                ["AppId"] = DemoTenant.RestrictedAppId,
                ["PolicyScopeGroupId"] = "Kept",
                ["AccessRight"] = "RestrictAccess",
                ["Description"] = "kept",
            });
            tenant.State.SetFaults(EmulatorFaults.None with { RetryAfterSeconds = 7, Seed = 42 });
            before = tenant.State.FindGroup("Kept")!;
            Assert.Equal(2, before.Members.Count);
        }

        using var restarted = StartTenant();

        var after = restarted.State.FindGroup("Kept");
        Assert.NotNull(after);
        Assert.Equal((before.Id, before.Name, before.PrimarySmtpAddress, before.Kind, before.Visible), (after.Id, after.Name, after.PrimarySmtpAddress, after.Kind, after.Visible));
        Assert.Equal(before.Owners, after.Owners);
        Assert.Equal(before.Members, after.Members);
        Assert.Contains(restarted.State.AccessPolicies, p => p.AppId == DemoTenant.RestrictedAppId && p.Description == "kept");
        Assert.Equal((7, 42), (restarted.State.Faults.RetryAfterSeconds, restarted.State.Faults.Seed));

        // Ids keep counting where they stopped: a new object never takes a kept one's id.
        using var http2 = await RealHostCalls.ExchangeClientAsync(restarted);
        await InvokeOkAsync(http2, "New-DistributionGroup", new JsonObject { ["Name"] = "After restart", ["Type"] = "Security", ["ManagedBy"] = new JsonArray(DemoTenant.OwnerUpn) });
        Assert.NotEqual(after.Id, restarted.State.FindGroup("After restart")!.Id);
        Assert.Equal(after.Members, restarted.State.FindGroup("Kept")!.Members);
    }

    [Fact]
    public void Start_WithoutFile_SeedsTheDemoTenantAndWritesIt()
    {
        using var tenant = StartTenant();

        Assert.True(File.Exists(StatePath));
        Assert.Equal(StatePath, tenant.State.StateFilePath);
        Assert.NotNull(tenant.State.FindUserId(DemoTenant.AdminUpn));
        Assert.NotNull(tenant.State.FindGroup(DemoTenant.AllStaffDistributionList));
    }

    [Fact]
    public void Reset_IsKeptToo()
    {
        string gone;
        using (var tenant = StartTenant())
        {
            gone = tenant.State.FindUserPrincipalName(tenant.State.AddBulkMailboxUsers(1, "gone")[0])!;
            Assert.NotNull(tenant.State.FindUserId(gone));
            tenant.State.Reset();
        }

        using var restarted = StartTenant();

        Assert.Null(restarted.State.FindUserId(gone));
        Assert.NotNull(restarted.State.FindUserId(DemoTenant.AdminUpn));
    }

    [Fact]
    public async Task ConcurrentChanges_AllKept()
    {
        IReadOnlyList<Guid> users;
        using (var tenant = StartTenant())
        {
            users = tenant.State.AddBulkMailboxUsers(40);
            using var http = await RealHostCalls.ExchangeClientAsync(tenant);
            await InvokeOkAsync(http, "New-DistributionGroup", new JsonObject { ["Name"] = "Busy", ["Type"] = "Security", ["ManagedBy"] = new JsonArray(DemoTenant.OwnerUpn) });

            await Task.WhenAll(users.Select(id => InvokeOkAsync(http, "Add-DistributionGroupMember",
                new JsonObject { ["Identity"] = "Busy", ["Member"] = id.ToString(), ["BypassSecurityGroupManagerCheck"] = true })));
        }

        using var restarted = StartTenant();

        Assert.Equal(40, restarted.State.FindGroup("Busy")!.Members.Count);
    }

    [Fact]
    public void Start_CorruptFile_RefusesWithPathAndRemedy()
    {
        File.WriteAllText(StatePath, "{\"formatVersion\":1,\"objects\":[{\"id\":");

        var ex = Assert.Throws<InvalidOperationException>(() => StartTenant());

        Assert.Contains(StatePath, ex.Message, StringComparison.Ordinal);
        Assert.Contains("is not valid", ex.Message, StringComparison.Ordinal);
        Assert.Contains("Delete it to start again from the seeded demo tenant", ex.Message, StringComparison.Ordinal);
        // Nothing was overwritten: the operator can still inspect or repair the file.
        Assert.Equal("{\"formatVersion\":1,\"objects\":[{\"id\":", File.ReadAllText(StatePath));
    }

    [Fact]
    public void Start_FileOfAnotherFormat_RefusesWithPathAndRemedy()
    {
        File.WriteAllText(StatePath, "{\"formatVersion\":99,\"tenantId\":\"" + DemoTenant.TenantId + "\"}");

        var ex = Assert.Throws<InvalidOperationException>(() => StartTenant());

        Assert.Contains(StatePath, ex.Message, StringComparison.Ordinal);
        Assert.Contains("is not a version 1 state", ex.Message, StringComparison.Ordinal);
        Assert.Contains("Delete it", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Start_SecondEmulatorOnTheSameFile_Refused()
    {
        using var first = StartTenant();

        var ex = Assert.Throws<InvalidOperationException>(() => StartTenant());

        Assert.Contains("in use by another emulator", ex.Message, StringComparison.Ordinal);
        Assert.Contains(StatePath, ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Disposed_KeepsAnsweringFromMemory_AndLeavesTheFileToItsSuccessor()
    {
        // A token validator cached across hosts can still call a tenant whose host has shut down.
        var first = StartTenant();
        using var http = await RealHostCalls.ExchangeClientAsync(first);
        var firstState = first.State;
        first.Dispose();
        using var successor = StartTenant();
        var successorsFile = File.ReadAllBytes(StatePath);

        await InvokeOkAsync(http, "New-DistributionGroup", new JsonObject { ["Name"] = "After shutdown", ["Type"] = "Security", ["ManagedBy"] = new JsonArray(DemoTenant.OwnerUpn) });

        Assert.NotNull(firstState.FindGroup("After shutdown"));
        Assert.Equal(successorsFile, File.ReadAllBytes(StatePath));
        Assert.Null(successor.State.FindGroup("After shutdown"));
    }

    [Fact]
    public void Start_EmptyStateFileSetting_KeepsNothing()
    {
        using var tenant = InProcessTenant.Create(new FakeTimeProvider(Start), o => o.StateFile = "");

        Assert.Null(tenant.State.StateFilePath);
        Assert.Empty(System.IO.Directory.GetFiles(_folder));
    }
}
