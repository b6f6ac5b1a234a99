namespace Dropzone.Portal.TenantClients.Tests.Graph;

/// <summary>Each Graph call the portal makes, through the Graph SDK, our auth provider and handlers, against the emulator.</summary>
public class DirectoryEmulatorTests
{
    [Fact]
    public async Task SearchPeopleAsync_PartOfAName_FindsTheDemoUser()
    {
        using var tenant = TenantHarness.Create();

        var people = await tenant.Directory.SearchPeopleAsync("olivia");

        Assert.Contains(people, p => string.Equals(p.UserPrincipalName, DemoTenant.OwnerUpn, StringComparison.OrdinalIgnoreCase));
    }

    [Fact]
    public async Task SearchPeopleAsync_QuotesInInput_DoNotBreakTheQuery()
    {
        using var tenant = TenantHarness.Create();

        var people = await tenant.Directory.SearchPeopleAsync("oli\"via\\");

        Assert.Contains(people, p => string.Equals(p.UserPrincipalName, DemoTenant.OwnerUpn, StringComparison.OrdinalIgnoreCase));
    }

    [Theory]
    [InlineData(DemoTenant.OwnerUpn)]
    [InlineData("dd0e0000-0000-4000-8001-000000000003")]
    public async Task FindUserAsync_UpnOrId_FindsTheUser(string key)
    {
        using var tenant = TenantHarness.Create();

        var user = await tenant.Directory.FindUserAsync(key);

        Assert.NotNull(user);
        Assert.False(string.IsNullOrEmpty(user.Id));
    }

    [Fact]
    public async Task FindUserAsync_Unknown_IsNull()
    {
        using var tenant = TenantHarness.Create();

        Assert.Null(await tenant.Directory.FindUserAsync("nobody@" + DemoTenant.Domain));
    }

    [Fact]
    public async Task ResolveAddressesAsync_KnownAndUnknown_MapsOnlyTheKnown()
    {
        using var tenant = TenantHarness.Create();
        string[] addresses = [DemoTenant.OwnerUpn, DemoTenant.AdminUpn.ToUpperInvariant(), DemoTenant.PhishingReportMailbox, "ghost@" + DemoTenant.Domain];

        var found = await tenant.Directory.ResolveAddressesAsync(addresses);

        Assert.Equal(3, found.Count);
        Assert.True(found.ContainsKey(DemoTenant.AdminUpn));
        Assert.False(found.ContainsKey("ghost@" + DemoTenant.Domain));
    }

    [Fact]
    public async Task ResolveAddressesAsync_ManyAddresses_UsesBatches()
    {
        using var tenant = TenantHarness.Create();
        tenant.State.AddBulkMailboxUsers(100, "resolve");
        var snapshot = await tenant.Directory.SearchPeopleAsync("resolve", 999);
        var before = tenant.State.Calls.Count(c => c.Service == "graph");

        var found = await tenant.Directory.ResolveAddressesAsync(snapshot.Select(u => u.Mail ?? u.UserPrincipalName!));

        Assert.Equal(snapshot.Count, found.Count);
        // 100 addresses: far fewer HTTP calls than addresses, whichever filter form the tenant accepts.
        Assert.True(tenant.State.Calls.Count(c => c.Service == "graph") - before <= 15);
    }

    [Fact]
    public async Task ResolveAddressesAsync_2000Addresses_AtMostOneUsersQueryPer15AndNo400()
    {
        using var tenant = TenantHarness.Create();
        var ids = tenant.State.AddBulkMailboxUsers(2000, "bulk").Select(id => id.ToString()).ToHashSet();
        var users = tenant.Services.GetRequiredService<Dropzone.TenantEmulator.Control.ControlService>().Snapshot()["users"]!.AsArray();
        var addresses = users.Where(u => ids.Contains(u!["id"]!.GetValue<string>())).Select(u => u!["mail"]!.GetValue<string>()).ToList();
        var before = tenant.State.Calls.Count;

        var found = await tenant.Directory.ResolveAddressesAsync(addresses);

        var calls = tenant.State.Calls.Skip(before).Where(c => c.Service == "graph").ToList();
        var queries = calls.Count(c => c.Operation?.StartsWith("$batch part", StringComparison.Ordinal) == true || c.Path.EndsWith("/users", StringComparison.Ordinal));
        Assert.Equal(2000, found.Count);
        Assert.DoesNotContain(calls, c => c.Status == 400);
        Assert.InRange(queries, 1, (int)Math.Ceiling(2000 / 15.0) + 5);
    }

    [Fact]
    public async Task Users_FilterOfThirtyChildClausesWithoutAdvancedQuery_400TooManyChildClauses()
    {
        using var tenant = TenantHarness.Create();
        using var http = new HttpClient(tenant.Services.GetRequiredService<EmulatorHttpHandler>(), disposeHandler: false);
        var token = await tenant.Services.GetRequiredService<ITenantTokenProvider>().GetAuthorizationHeaderAsync("https://graph.microsoft.com/.default", CancellationToken.None);
        var list = string.Join(",", Enumerable.Range(0, 15).Select(i => $"'u{i}@{DemoTenant.Domain}'"));
        using var request = new HttpRequestMessage(HttpMethod.Get, $"https://graph.microsoft.com/v1.0/users?$filter=mail in ({list}) or userPrincipalName in ({list})");
        request.Headers.TryAddWithoutValidation("Authorization", token);

        using var response = await http.SendAsync(request);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains("Too many child clauses specified in search filter expression containing 'OR' operators: 30. Max allowed: 15", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task GetServicePrincipalByAppIdAsync_RestrictedApp_ReturnsItsObjectId()
    {
        using var tenant = TenantHarness.Create();

        var sp = await tenant.Directory.GetServicePrincipalByAppIdAsync(DemoTenant.RestrictedAppId);

        Assert.NotNull(sp);
        Assert.Equal(DemoTenant.RestrictedServicePrincipalId, sp.Id, ignoreCase: true);
        Assert.Null(await tenant.Directory.GetServicePrincipalByAppIdAsync(Guid.NewGuid().ToString()));
    }

    [Fact]
    public async Task GetAppRoleGrantsAsync_RestrictedApp_ReportsItsGrantsWithTheirAssignments()
    {
        using var tenant = TenantHarness.Create();

        var grants = await tenant.Directory.GetAppRoleGrantsAsync(DemoTenant.RestrictedServicePrincipalId);

        Assert.NotEmpty(grants);
        Assert.All(grants, g => Assert.False(string.IsNullOrEmpty(g.AssignmentId) || string.IsNullOrEmpty(g.ResourceId)));
    }

    [Fact]
    public async Task GetAppRoleGrantsAsync_MailReadGrantedThenRevoked_IsListedThenGone()
    {
        // Microsoft Graph's published app role ids (the same in every tenant).
        var mailRead = new Guid("810c84a8-4a9e-49e6-bf7d-12d183f40d01");
        var mailReadWrite = new Guid("e2a3a72e-5f79-4c64-b1b1-878b674786c9");
        using var tenant = TenantHarness.Create();
        tenant.State.SetApplicationPermission(DemoTenant.RestrictedAppId, "Mail.Read", true);

        var granted = await tenant.Directory.GetAppRoleGrantsAsync(DemoTenant.RestrictedServicePrincipalId);
        tenant.State.SetApplicationPermission(DemoTenant.RestrictedAppId, "Mail.Read", false);
        var revoked = await tenant.Directory.GetAppRoleGrantsAsync(DemoTenant.RestrictedServicePrincipalId);

        Assert.Contains(granted, g => g.AppRoleId == mailRead);
        Assert.DoesNotContain(revoked, g => g.AppRoleId == mailRead);
        Assert.DoesNotContain(revoked, g => g.AppRoleId == mailReadWrite);
    }

    [Fact]
    public async Task GetDomainsAsync_DemoTenant_ListsTheDefaultDomain()
    {
        using var tenant = TenantHarness.Create();

        var domains = await tenant.Directory.GetDomainsAsync();

        Assert.Contains(domains, d => d.Id == DemoTenant.Domain);
    }

    [Fact]
    public async Task GetGroupAndMembers_MesgCreatedInExchange_ReadsAsMesg()
    {
        using var tenant = TenantHarness.Create();
        var created = await tenant.Exchange.InvokeAsync(TenantClients.Commands.ExchangeCommands.NewDistributionGroup(
            "Graph Read", [DemoTenant.OwnerUpn], alias: "graph-read", primarySmtpAddress: "graph-read@" + DemoTenant.Domain,
            members: [DemoTenant.PhishingReportMailbox, DemoTenant.AdminUpn]));
        var id = TenantClients.Exchange.DistributionGroupInfo.From(created.Rows.Single()).ExternalDirectoryObjectId!;

        var group = await tenant.Directory.GetGroupAsync(id);
        var members = await tenant.Directory.GetGroupMembersAsync(id);

        Assert.NotNull(group);
        Assert.True(group.IsMailEnabledSecurityGroup);
        Assert.Equal(2, members!.Count);
        Assert.Null(await tenant.Directory.GetGroupAsync(Guid.NewGuid().ToString()));
        Assert.Null(await tenant.Directory.GetGroupMembersAsync(Guid.NewGuid().ToString()));
    }
}

/// <summary>Graph reads under injected throttling and outages: the shared pipeline retries them.</summary>
public class DirectoryFaultTests
{
    [Theory]
    [InlineData(5, false)]
    [InlineData(9, true)]
    public async Task GraphReads_ThirtyPercentFaults_StillAnswer(int seed, bool retryAfterAsDate)
    {
        using var tenant = TenantHarness.Create(new Dictionary<string, string?> { ["TenantClients:MaxRetries"] = "8" });
        var meters = tenant.Services.GetRequiredService<System.Diagnostics.Metrics.IMeterFactory>();
        using var retries = new MetricCollector<long>(meters, "Dropzone.Portal.TenantClients", "dropzone.tenant.retries");
        tenant.State.SetFaults(new EmulatorFaults { ThrottleRate = 0.15, UnavailableRate = 0.15, Seed = seed, RetryAfterAsHttpDate = retryAfterAsDate });

        var people = await tenant.Directory.SearchPeopleAsync("olivia");
        var resolved = await tenant.Directory.ResolveAddressesAsync([DemoTenant.OwnerUpn, DemoTenant.AdminUpn, DemoTenant.PhishingReportMailbox]);
        var sp = await tenant.Directory.GetServicePrincipalByAppIdAsync(DemoTenant.RestrictedAppId);
        var domains = await tenant.Directory.GetDomainsAsync();
        var grants = await tenant.Directory.GetAppRoleGrantsAsync(DemoTenant.RestrictedServicePrincipalId);

        Assert.NotEmpty(people);
        Assert.Equal(3, resolved.Count);
        Assert.NotNull(sp);
        Assert.NotEmpty(domains);
        Assert.NotEmpty(grants);
        Assert.True(retries.GetMeasurementSnapshot().Where(m => (string?)m.Tags["api"] == "graph").Sum(m => m.Value) > 0);
    }
}
