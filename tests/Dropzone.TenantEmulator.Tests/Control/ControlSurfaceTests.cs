namespace Dropzone.TenantEmulator.Tests.Control;

public sealed class ControlSurfaceTests : EmulatorHostTest
{
    private const string Control = "/_emulator/_control";

    private Task<HttpResponseMessage> SetFaultsAsync(object faults) => Host.Client.PostAsJsonAsync(Control + "/faults", faults);

    [Fact]
    public async Task State_SeededTenant_HasDocumentedFields()
    {
        var state = await Host.Client.GetFromJsonAsync<JsonObject>(Control + "/state");

        Assert.Equal(DemoTenant.TenantId, state!["tenantId"]!.GetValue<string>());
        Assert.Equal(DemoTenant.PortalClientId, state["portalApp"]!["clientId"]!.GetValue<string>());
        Assert.Equal(DemoTenant.PortalClientSecret, state["portalApp"]!["clientSecret"]!.GetValue<string>());
        Assert.Equal(DemoTenant.RestrictedAppId, state["restrictedApp"]!["appId"]!.GetValue<string>());
        Assert.Equal(DemoTenant.RestrictedServicePrincipalId, state["restrictedApp"]!["servicePrincipalId"]!.GetValue<string>());
        var users = state["users"]!.AsArray();
        Assert.True(users.Count(u => u!["recipientTypeDetails"]!.GetValue<string>() == "UserMailbox") >= 60);
        var admin = users.Single(u => u!["userPrincipalName"]!.GetValue<string>() == DemoTenant.AdminUpn)!;
        Assert.Equal(["Portal.Admin"], admin["roles"]!.AsArray().Select(r => r!.GetValue<string>()));
        Assert.Contains(users, u => u!["roles"]!.AsArray().Any(r => r!.GetValue<string>() == "Portal.Auditor"));
        Assert.Contains(users, u => u!["userPrincipalName"]!.GetValue<string>() == DemoTenant.PhishingReportMailbox && u["recipientTypeDetails"]!.GetValue<string>() == "SharedMailbox");
        foreach (var key in new[] { "groups", "policies", "assignments", "sentMail", "calls", "faults" })
        {
            Assert.NotNull(state[key]);
        }
    }

    [Fact]
    public async Task State_AfterExchangeCalls_ShowsGroupAndCallLog()
    {
        await Host.NewSecurityGroupAsync("Logged", DemoTenant.PhishingReportMailbox);

        var state = await Host.Client.GetFromJsonAsync<JsonObject>(Control + "/state");

        var group = state!["groups"]!.AsArray().Single(g => g!["name"]!.GetValue<string>() == "Logged")!;
        Assert.Equal(1, group["memberCount"]!.GetValue<int>());
        Assert.Equal([DemoTenant.OwnerUpn], group["managedBy"]!.AsArray().Select(x => x!.GetValue<string>()));
        Assert.Contains(state["calls"]!.AsArray(), c => c!["operation"]?.GetValue<string>() == "New-DistributionGroup" && c["status"]!.GetValue<int>() == 200);
        Assert.Contains(state["calls"]!.AsArray(), c => c!["operation"]?.GetValue<string>() == "token:client_credentials");
    }

    [Fact]
    public async Task Reset_RemovesCreatedObjects()
    {
        await Host.NewSecurityGroupAsync("Temporary");

        using var reset = await Host.Client.PostAsync(Control + "/reset", null);
        using var lookup = await Host.InvokeAsync("Get-DistributionGroup", new { Identity = "Temporary" });

        Assert.Equal(HttpStatusCode.OK, reset.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, lookup.StatusCode);
    }

    [Fact]
    public async Task Faults_ThrottleRateOne_429WithRetryAfter()
    {
        var token = await Host.AppTokenAsync();
        using var set = await SetFaultsAsync(new { throttleRate = 1.0, retryAfterSeconds = 7 });

        using var response = await Host.InvokeAsync("Get-AcceptedDomain", token: token);

        Assert.Equal(HttpStatusCode.OK, set.StatusCode);
        Assert.Equal(HttpStatusCode.TooManyRequests, response.StatusCode);
        Assert.Equal(TimeSpan.FromSeconds(7), response.Headers.RetryAfter!.Delta);
    }

    [Fact]
    public async Task Faults_RetryAfterAsHttpDate_DateForm()
    {
        var token = await Host.AppTokenAsync();
        await SetFaultsAsync(new { throttleRate = 1.0, retryAfterSeconds = 30, retryAfterAsHttpDate = true });

        using var response = await Host.InvokeAsync("Get-AcceptedDomain", token: token);

        Assert.Equal(Host.Time.GetUtcNow().AddSeconds(30), response.Headers.RetryAfter!.Date);
    }

    [Fact]
    public async Task Faults_TransientErrorRateOne_500NamingATransientException()
    {
        var token = await Host.AppTokenAsync();
        await SetFaultsAsync(new { transientErrorRate = 1.0 });

        using var response = await Host.InvokeAsync("Get-AcceptedDomain", token: token);
        var type = await ExchangeErrorBody.ExceptionTypeAsync(response);

        Assert.Equal(HttpStatusCode.InternalServerError, response.StatusCode);
        Assert.Matches("(DCOverloaded|ServerInMM|SuitabilityDirectory|ADServerSettingsChanged|StorageTransient|ServerBusy|Transient)Exception$", type);
    }

    [Theory]
    [InlineData("unavailableRate", HttpStatusCode.ServiceUnavailable)]
    [InlineData("timeoutRate", HttpStatusCode.GatewayTimeout)]
    public async Task Faults_RateOne_EveryCallAnswersTheFaultsStatus(string rate, HttpStatusCode expected)
    {
        var token = await Host.AppTokenAsync();
        await SetFaultsAsync(new Dictionary<string, double> { [rate] = 1.0 });

        using var response = await Host.InvokeAsync("Get-AcceptedDomain", token: token);

        Assert.Equal(expected, response.StatusCode);
    }

    [Fact]
    public async Task Faults_DoNotAffectTokenEndpoint()
    {
        await SetFaultsAsync(new { throttleRate = 1.0 });

        var token = await Host.AppTokenAsync();

        Assert.False(string.IsNullOrEmpty(token));
    }

    [Fact]
    public async Task Faults_SameSeed_SameSequence()
    {
        var token = await Host.AppTokenAsync();
        async Task<List<HttpStatusCode>> RunAsync()
        {
            await SetFaultsAsync(new { throttleRate = 0.3, unavailableRate = 0.2, seed = 42 });
            var statuses = new List<HttpStatusCode>();
            for (var i = 0; i < 20; i++)
            {
                using var r = await Host.InvokeAsync("Get-AcceptedDomain", token: token);
                statuses.Add(r.StatusCode);
            }
            return statuses;
        }

        var first = await RunAsync();
        var second = await RunAsync();

        Assert.Equal(first, second);
        Assert.Contains(HttpStatusCode.OK, first);
        Assert.Contains(HttpStatusCode.TooManyRequests, first);
    }

    [Fact]
    public async Task Faults_Latency_AnswersOnlyAfterTheInjectedClockMoves()
    {
        Host.State.SetFaults(Host.State.Faults with { Latency = TimeSpan.FromSeconds(5) });

        // A call that needs no token, so that moving the clock cannot expire anything.
        var call = Host.Client.GetAsync($"/_emulator/login/{DemoTenant.TenantId}/discovery/v2.0/keys");
        // Move the fake clock in small steps until the delayed call completes; nothing here waits on real time.
        while (!call.IsCompleted)
        {
            Host.Time.Advance(TimeSpan.FromMilliseconds(500));
            await Task.Yield();
        }
        using var response = await call;

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var logged = Host.State.Calls[^1];
        Assert.True(logged.At - logged.ReceivedAt >= TimeSpan.FromSeconds(5), $"answered after {logged.At - logged.ReceivedAt}");
    }

    [Fact]
    public async Task Faults_InvalidRates_400()
    {
        using var response = await SetFaultsAsync(new { throttleRate = 0.8, unavailableRate = 0.8 });

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
    }

    [Fact]
    public async Task Faults_PartialUpdate_KeepsOtherFields()
    {
        await SetFaultsAsync(new { bulkTimeoutAppliedThreshold = 100 });
        var faults = await (await SetFaultsAsync(new { replicationDelaySeconds = 30 })).Content.ReadFromJsonAsync<JsonObject>();

        Assert.Equal(100, faults!["bulkTimeoutAppliedThreshold"]!.GetValue<int>());
        Assert.Equal(30, faults["replicationDelaySeconds"]!.GetValue<double>());
    }

    [Fact]
    public async Task ExchangeAdministrator_TakenAwayByHttp_403()
    {
        using var set = await Host.Client.PostAsJsonAsync($"{Control}/apps/{DemoTenant.PortalClientId}/exchange-administrator", new { granted = false });

        using var response = await Host.InvokeAsync("Get-AcceptedDomain");

        Assert.Equal(HttpStatusCode.OK, set.StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
    }

    [Fact]
    public async Task UnknownControlPath_404()
    {
        using var response = await Host.Client.GetAsync(Control + "/nothing");

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
    }

    [Fact]
    public async Task UnknownServicePrefix_404()
    {
        using var response = await Host.Client.GetAsync("/_emulator/sharepoint/x");

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
    }
}
