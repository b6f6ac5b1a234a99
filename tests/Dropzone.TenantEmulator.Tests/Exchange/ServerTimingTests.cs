namespace Dropzone.TenantEmulator.Tests.Exchange;

/// <summary>
/// Timing a real tenant shows: operations that outlive the caller's patience and finish later, and throttling by a
/// per-tenant budget that answers 429 with the time until the budget is back.
/// </summary>
public sealed class ServerTimingTests : EmulatorHostTest
{

    protected override async Task ArrangeAsync()
    {
        await Host.NewSecurityGroupAsync("Scope", DemoTenant.PhishingReportMailbox);
    }

    private async Task<int> MemberCountAsync()
    {
        var body = await Host.InvokeOkAsync("Get-DistributionGroupMember", new { Identity = "Scope", ResultSize = "Unlimited" });
        return body["value"]!.AsArray().Count;
    }

    private static async Task UntilAsync(Func<bool> condition)
    {
        using var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        while (!condition())
        {
            await Task.Delay(10, deadline.Token);
        }
    }

    [Fact]
    public async Task UpdateDistributionGroupMember_CallerGivesUpBeforeTheLongOperationEnds_ChangeAppearsWhenItEnds()
    {
        Host.State.SetFaults(Host.State.Faults with { LongOperationDuration = TimeSpan.FromMinutes(10), LongOperationMemberThreshold = 20 });
        var users = Host.State.AddBulkMailboxUsers(30).Select(id => id.ToString()).ToArray();
        using var giveUp = new CancellationTokenSource();

        var call = Host.InvokeAsync("Update-DistributionGroupMember", new { Identity = "Scope", Members = users, BypassSecurityGroupManagerCheck = true },
            cancellationToken: giveUp.Token);
        await UntilAsync(() => Host.State.LongOperationsRunning == 1);
        await giveUp.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => call);
        Assert.Equal(1, await MemberCountAsync());
        Assert.Contains(Host.State.Calls, c => c.Operation == "Update-DistributionGroupMember" && c.Status == 499);

        Host.Time.Advance(TimeSpan.FromMinutes(10));

        Assert.Equal(0, Host.State.LongOperationsRunning);
        Assert.Equal(30, await MemberCountAsync());
    }

    [Fact]
    public async Task UpdateDistributionGroupMember_CallerWaitsForTheLongOperation_AnsweredWhenItEnds()
    {
        Host.State.SetFaults(Host.State.Faults with { LongOperationDuration = TimeSpan.FromMinutes(3), LongOperationMemberThreshold = 20 });
        var users = Host.State.AddBulkMailboxUsers(25).Select(id => id.ToString()).ToArray();

        var call = Host.InvokeAsync("Update-DistributionGroupMember", new { Identity = "Scope", Members = users, BypassSecurityGroupManagerCheck = true });
        await UntilAsync(() => Host.State.LongOperationsRunning == 1);
        Assert.False(call.IsCompleted);
        Host.Time.Advance(TimeSpan.FromMinutes(3));
        using var response = await call;

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(25, await MemberCountAsync());
    }

    [Fact]
    public async Task UpdateDistributionGroupMember_ArrayAtTheThreshold_FinishesAtOnce()
    {
        Host.State.SetFaults(Host.State.Faults with { LongOperationDuration = TimeSpan.FromMinutes(3), LongOperationMemberThreshold = 20 });
        var users = Host.State.AddBulkMailboxUsers(20).Select(id => id.ToString()).ToArray();

        await Host.InvokeOkAsync("Update-DistributionGroupMember", new { Identity = "Scope", Members = users, BypassSecurityGroupManagerCheck = true });

        Assert.Equal(20, await MemberCountAsync());
    }

    [Fact]
    public async Task InvokeCommand_BudgetSpent_429WithRetryAfterUntilTheWindowEnds()
    {
        Host.State.SetFaults(Host.State.Faults with { ThrottleBudget = 3, ThrottleBudgetWindow = TimeSpan.FromSeconds(60) });
        for (var i = 0; i < 3; i++)
        {
            await Host.InvokeOkAsync("Get-AcceptedDomain");
        }

        using var spent = await Host.InvokeAsync("Get-AcceptedDomain");
        Host.Time.Advance(TimeSpan.FromSeconds(45));
        using var stillSpent = await Host.InvokeAsync("Get-AcceptedDomain");
        Host.Time.Advance(TimeSpan.FromSeconds(15));
        using var renewed = await Host.InvokeAsync("Get-AcceptedDomain");

        Assert.Equal(HttpStatusCode.TooManyRequests, spent.StatusCode);
        Assert.Equal(TimeSpan.FromSeconds(60), spent.Headers.RetryAfter?.Delta);
        Assert.Equal(TimeSpan.FromSeconds(15), stillSpent.Headers.RetryAfter?.Delta);
        Assert.Equal(HttpStatusCode.OK, renewed.StatusCode);
    }

    [Fact]
    public async Task Graph_ExchangeBudgetSpent_GraphHasItsOwn()
    {
        Host.State.SetFaults(Host.State.Faults with { ThrottleBudget = 1 });
        await Host.InvokeOkAsync("Get-AcceptedDomain");
        using var exchange = await Host.InvokeAsync("Get-AcceptedDomain");
        using var request = new HttpRequestMessage(HttpMethod.Get, "/_emulator/graph/v1.0/users?$top=1");
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", await Host.AppTokenAsync("https://graph.microsoft.com/.default"));

        using var graph = await Host.Client.SendAsync(request);

        Assert.Equal(HttpStatusCode.TooManyRequests, exchange.StatusCode);
        Assert.Equal(HttpStatusCode.OK, graph.StatusCode);
    }

    [Fact]
    public async Task ControlSurface_LongOperationAndBudgetFields_SetAndReported()
    {
        using var response = await Host.Client.PostAsJsonAsync("/_emulator/_control/faults",
            new { longOperationSeconds = 600, longOperationMemberThreshold = 2000, throttleBudget = 100, throttleBudgetWindowSeconds = 10 });
        using var bad = await Host.Client.PostAsJsonAsync("/_emulator/_control/faults", new { throttleBudgetWindowSeconds = 0 });

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal((TimeSpan.FromMinutes(10), 2000, 100, TimeSpan.FromSeconds(10)),
            (Host.State.Faults.LongOperationDuration, Host.State.Faults.LongOperationMemberThreshold, Host.State.Faults.ThrottleBudget, Host.State.Faults.ThrottleBudgetWindow));
        Assert.Equal(HttpStatusCode.BadRequest, bad.StatusCode);
        Assert.Contains("throttleBudgetWindowSeconds", await bad.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task GetRecipient_AmbiguousIdentitiesOn_DemoNameMatchesTwo()
    {
        var name = (await Host.InvokeOkAsync("Get-Recipient", new { Identity = DemoTenant.PlainUserUpn }))["value"]![0]!["Name"]!.GetValue<string>();
        using var before = await Host.InvokeAsync("Get-Recipient", new { Identity = name });
        Host.State.SetFaults(Host.State.Faults with { AmbiguousIdentities = true });
        Host.State.SetFaults(Host.State.Faults with { Seed = 2 });

        using var after = await Host.InvokeAsync("Get-Recipient", new { Identity = name });
        var byAddress = await Host.InvokeOkAsync("Get-Recipient", new { Identity = DemoTenant.PlainUserUpn });

        Assert.Equal(HttpStatusCode.OK, before.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, after.StatusCode);
        Assert.Contains($"'{name}' matches multiple entries", await after.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Single(byAddress["value"]!.AsArray());
        // Setting the faults again does not add a third.
        Assert.Equal(2, Host.State.ResolveAllVisible(name).Count);
    }
}
