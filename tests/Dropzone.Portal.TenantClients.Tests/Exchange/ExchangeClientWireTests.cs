using System.Net.Http.Headers;

namespace Dropzone.Portal.TenantClients.Tests.Exchange;

/// <summary>Wire behaviour of the Exchange client against a scripted handler: headers, retries, Retry-After, paging, timeouts.</summary>
public class ExchangeClientWireTests
{
    private const string InvokeUrl = "https://outlook.office365.com/adminapi/beta/" + StubTenant.TenantId + "/InvokeCommand";

    private static HttpResponseMessage Status(int status) => StubTenant.Json((HttpStatusCode)status, """{"error":{"code":"x","message":"fault"}}""");

    /// <summary>Answers the first call 429 with the Retry-After given (read when it is sent), every later call 200.</summary>
    private static Func<SeenRequest, int, HttpResponseMessage> ThrottledOnceThenOk(Func<RetryConditionHeaderValue> retryAfter) => (_, n) =>
    {
        if (n > 1)
        {
            return StubTenant.Ok();
        }

        var throttled = Status(429);
        throttled.Headers.RetryAfter = retryAfter();
        return throttled;
    };

    [Fact]
    public async Task InvokeAsync_AnyCommand_SendsTheModulesHeadersAndBody()
    {
        using var tenant = StubTenant.Create((_, _) => StubTenant.Ok("""[{"Name":"contoso.com"}]"""));

        var result = await tenant.Exchange.InvokeAsync(ExchangeCommands.GetAcceptedDomain());

        var request = Assert.Single(tenant.Handler.Requests);
        Assert.Equal(HttpMethod.Post, request.Method);
        Assert.Equal(InvokeUrl, request.Uri.AbsoluteUri);
        Assert.Equal("Bearer test-token-for-https://outlook.office365.com/.default", request.Headers["Authorization"]);
        Assert.Equal("APP:SystemMailbox{bb558c35-97f1-4cb9-8ff7-d53741dc928c}@" + StubTenant.TenantId, request.Headers["X-AnchorMailbox"]);
        Assert.Equal("odata.maxpagesize=1000", request.Headers["Prefer"]);
        Assert.Equal("Get-AcceptedDomain", request.Headers["X-CmdletName"]);
        Assert.True(Guid.TryParse(request.Headers["client-request-id"], out _));
        Assert.Equal("application/json; charset=utf-8", request.Headers["Content-Type"]);
        Assert.Equal("""{"CmdletInput":{"CmdletName":"Get-AcceptedDomain","Parameters":{}}}""", request.Body);
        Assert.Equal("contoso.com", result.Rows.Single().GetText("Name"));
    }

    [Fact]
    public async Task InvokeAsync_200WithHtml_IsOtherNotSuccess()
    {
        using var tenant = StubTenant.Create((_, _) => new HttpResponseMessage(HttpStatusCode.OK) { Content = new StringContent("<html>sign in</html>") });

        var result = await tenant.Exchange.InvokeAsync(ExchangeCommands.GetAcceptedDomain());

        Assert.IsType<ExchangeOutcome.Other>(result.Outcome);
    }

    [Fact]
    public async Task InvokeAsync_200WithEmptyBody_IsSuccessWithoutRows()
    {
        using var tenant = StubTenant.Create((_, _) => new HttpResponseMessage(HttpStatusCode.OK) { Content = new ByteArrayContent([]) });

        var result = await tenant.Exchange.InvokeAsync(ExchangeCommands.SetApplicationAccessPolicy("p", "d"));

        Assert.True(result.IsSuccess);
        Assert.Empty(result.Rows);
    }

    [Fact]
    public async Task InvokeAsync_ConfiguredBaseUrl_IsUsed()
    {
        using var tenant = StubTenant.Create((_, _) => StubTenant.Ok(), new Dictionary<string, string?> { ["TenantClients:ExchangeBaseUrl"] = "https://outlook.emulator.test" });

        await tenant.Exchange.InvokeAsync(ExchangeCommands.GetAcceptedDomain());

        Assert.StartsWith("https://outlook.emulator.test/adminapi/beta/", tenant.Handler.Requests.Single().Uri.AbsoluteUri, StringComparison.Ordinal);
    }

    [Fact]
    public async Task InvokeAsync_NextLink_PostsSameBodyAndHeadersUntilLastPage()
    {
        var next = InvokeUrl + "?$skiptoken=2";
        using var tenant = StubTenant.Create((r, n) => n == 1
            ? StubTenant.Json(HttpStatusCode.OK, $$"""{"value":[{"Name":"a"},{"Name":"b"}],"@odata.nextLink":"{{next}}"}""")
            : StubTenant.Json(HttpStatusCode.OK, """{"value":[{"Name":"c"}],"@adminapi.warnings":["careful"]}"""));

        var result = await tenant.Exchange.InvokeAsync(ExchangeCommands.GetDistributionGroupMember("g"));

        var requests = tenant.Handler.Requests.ToArray();
        Assert.Equal(2, requests.Length);
        Assert.Equal(next, requests[1].Uri.AbsoluteUri);
        Assert.Equal(requests[0].Body, requests[1].Body);
        Assert.Equal(requests[0].Headers["X-AnchorMailbox"], requests[1].Headers["X-AnchorMailbox"]);
        Assert.Equal(["a", "b", "c"], result.Rows.Select(r => r.GetText("Name")));
        Assert.Equal(["careful"], result.Warnings);
    }

    [Fact]
    public async Task InvokeAsync_429WithRetryAfterSeconds_WaitsThatLongThenSucceeds()
    {
        using var tenant = StubTenant.Create(ThrottledOnceThenOk(() => new(TimeSpan.FromSeconds(7))));

        var result = await tenant.Exchange.InvokeAsync(ExchangeCommands.GetMailbox("m"));

        Assert.True(result.IsSuccess);
        Assert.Equal(1, result.Retries);
        Assert.Equal(TimeSpan.FromSeconds(7), tenant.Time.AutoAdvanced);
    }

    [Fact]
    public async Task InvokeAsync_429WithRetryAfterDate_WaitsUntilThatTime()
    {
        StubTenant? self = null;
        using var tenant = StubTenant.Create(ThrottledOnceThenOk(() => new(self!.Time.GetUtcNow().AddSeconds(20))));
        self = tenant;

        var result = await tenant.Exchange.InvokeAsync(ExchangeCommands.GetMailbox("m"));

        Assert.True(result.IsSuccess);
        Assert.InRange(tenant.Time.AutoAdvanced, TimeSpan.FromSeconds(19), TimeSpan.FromSeconds(20));
    }

    [Fact]
    public async Task InvokeAsync_RetryAfterBeyondCap_IsCut()
    {
        using var tenant = StubTenant.Create(ThrottledOnceThenOk(() => new(TimeSpan.FromHours(3))), new Dictionary<string, string?> { ["TenantClients:MaxRetryAfter"] = "00:00:25" });

        await tenant.Exchange.InvokeAsync(ExchangeCommands.GetMailbox("m"));

        Assert.Equal(TimeSpan.FromSeconds(25), tenant.Time.AutoAdvanced);
    }

    [Theory]
    [InlineData(503)]
    [InlineData(504)]
    [InlineData(502)]
    public async Task InvokeAsync_TransientStatusOnRead_IsRetriedWithBackoff(int status)
    {
        using var tenant = StubTenant.Create((_, n) => n <= 2 ? Status(status) : StubTenant.Ok());
        var meters = tenant.Services.GetRequiredService<System.Diagnostics.Metrics.IMeterFactory>();
        using var retries = new MetricCollector<long>(meters, "Dropzone.Portal.TenantClients", "dropzone.tenant.retries");

        var result = await tenant.Exchange.InvokeAsync(ExchangeCommands.GetMailbox("m"));

        Assert.True(result.IsSuccess);
        Assert.Equal(2, result.Retries);
        Assert.Equal(2, retries.GetMeasurementSnapshot().Sum(m => m.Value));
        Assert.Contains(tenant.Logs.GetSnapshot(), r => r.Message.Contains("Get-Mailbox", StringComparison.Ordinal) && r.Message.Contains("2 retries", StringComparison.Ordinal));
    }

    [Fact]
    public async Task InvokeAsync_AlwaysUnavailable_GivesUpAfterMaxRetries()
    {
        using var tenant = StubTenant.Create((_, _) => Status(503), new Dictionary<string, string?> { ["TenantClients:MaxRetries"] = "3" });

        var result = await tenant.Exchange.InvokeAsync(ExchangeCommands.GetMailbox("m"));

        Assert.IsType<ExchangeOutcome.Transient>(result.Outcome);
        Assert.Equal(4, tenant.Handler.Requests.Count);
        Assert.Equal(3, result.Retries);
    }

    [Theory]
    [InlineData(503)]
    [InlineData(504)]
    public async Task InvokeAsync_NewCommandAmbiguousFailure_IsNotReplayed(int status)
    {
        using var tenant = StubTenant.Create((_, n) => n == 1 ? Status(status) : StubTenant.Ok());

        var result = await tenant.Exchange.InvokeAsync(ExchangeCommands.NewDistributionGroup("g", ["o"]));

        Assert.Single(tenant.Handler.Requests);
        Assert.True(result.Outcome.IsTransient);
    }

    [Fact]
    public async Task InvokeAsync_BulkUpdateGatewayTimeout_IsNotReplayed()
    {
        using var tenant = StubTenant.Create((_, n) => n == 1 ? Status(504) : StubTenant.Ok());

        var result = await tenant.Exchange.InvokeAsync(ExchangeCommands.UpdateDistributionGroupMember("g", ["a", "b"]));

        Assert.Single(tenant.Handler.Requests);
        Assert.IsType<ExchangeOutcome.Timeout>(result.Outcome);
    }

    [Fact]
    public async Task InvokeAsync_NewCommandThrottled_IsReplayedBecauseItDidNotRun()
    {
        using var tenant = StubTenant.Create((_, n) => n == 1 ? Status(429) : StubTenant.Ok("""[{"Name":"g"}]"""));

        var result = await tenant.Exchange.InvokeAsync(ExchangeCommands.NewDistributionGroup("g", ["o"]));

        Assert.Equal(2, tenant.Handler.Requests.Count);
        Assert.True(result.IsSuccess);
    }

    [Fact]
    public async Task InvokeAsync_TransientExceptionNameIn400_IsRetriedForIdempotentCommands()
    {
        const string overloaded = """{"error":{"code":"BadRequest","message":"Error executing cmdlet","details":[{"message":"|Microsoft.Exchange.Data.Directory.DCOverloadedException|busy"}]}}""";
        using var tenant = StubTenant.Create((_, n) => n == 1 ? StubTenant.Json(HttpStatusCode.BadRequest, overloaded) : StubTenant.Ok());

        var result = await tenant.Exchange.InvokeAsync(ExchangeCommands.AddDistributionGroupMember("g", "m"));

        Assert.True(result.IsSuccess);
        Assert.Equal(2, tenant.Handler.Requests.Count);
    }

    [Fact]
    public async Task InvokeAsync_NonTransient400_IsNotRetried()
    {
        using var tenant = StubTenant.Create((_, _) => Status(400));

        var result = await tenant.Exchange.InvokeAsync(ExchangeCommands.GetMailbox("m"));

        Assert.IsType<ExchangeOutcome.InvalidInput>(result.Outcome);
        Assert.Single(tenant.Handler.Requests);
    }

    [Fact]
    public async Task InvokeAsync_AttemptTimesOutOnRead_IsRetried()
    {
        var firstArrived = new TaskCompletionSource();
        using var tenant = StubTenant.Create(async (_, n, ct) =>
        {
            if (n > 1)
            {
                return StubTenant.Ok();
            }

            firstArrived.SetResult();
            await Task.Delay(Timeout.Infinite, ct);
            return StubTenant.Ok();
        }, new Dictionary<string, string?> { ["TenantClients:AttemptTimeout"] = "00:01:00" });

        var call = tenant.Exchange.InvokeAsync(ExchangeCommands.GetMailbox("m"));
        await firstArrived.Task;
        tenant.Time.Advance(TimeSpan.FromSeconds(61));
        var result = await call;

        Assert.True(result.IsSuccess);
        Assert.Equal(2, tenant.Handler.Requests.Count);
    }

    [Fact]
    public async Task InvokeAsync_AttemptTimesOutOnCreate_IsReportedAsTimeoutNotReplayed()
    {
        var firstArrived = new TaskCompletionSource();
        using var tenant = StubTenant.Create(async (_, _, ct) =>
        {
            firstArrived.TrySetResult();
            await Task.Delay(Timeout.Infinite, ct);
            return StubTenant.Ok();
        }, new Dictionary<string, string?> { ["TenantClients:AttemptTimeout"] = "00:01:00" });

        var call = tenant.Exchange.InvokeAsync(ExchangeCommands.NewApplicationAccessPolicy("app", "g", ApplicationAccessRight.RestrictAccess));
        await firstArrived.Task;
        tenant.Time.Advance(TimeSpan.FromSeconds(61));
        var result = await call;

        Assert.IsType<ExchangeOutcome.Timeout>(result.Outcome);
        Assert.Single(tenant.Handler.Requests);
    }

    [Fact]
    public async Task InvokeAsync_CallerCancels_Throws()
    {
        using var tenant = StubTenant.Create(async (_, _, ct) =>
        {
            await Task.Delay(Timeout.Infinite, ct);
            return StubTenant.Ok();
        });
        using var cancel = new CancellationTokenSource();

        var call = tenant.Exchange.InvokeAsync(ExchangeCommands.GetMailbox("m"), cancel.Token);
        await cancel.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => call);
    }

    [Fact]
    public async Task InvokeAsync_ManyAtOnce_RespectsPerTenantConcurrencyLimit()
    {
        var release = new TaskCompletionSource();
        var arrived = 0;
        var twoArrived = new TaskCompletionSource();
        using var tenant = StubTenant.Create(async (_, _, _) =>
        {
            if (Interlocked.Increment(ref arrived) == 2)
            {
                twoArrived.SetResult();
            }

            await release.Task;
            return StubTenant.Ok();
        }, new Dictionary<string, string?> { ["TenantClients:MaxConcurrencyPerTenant"] = "2" });

        var calls = Enumerable.Range(0, 6).Select(i => tenant.Exchange.InvokeAsync(ExchangeCommands.GetMailbox($"m{i}"))).ToList();
        await twoArrived.Task;
        Assert.Equal(2, Volatile.Read(ref arrived));
        release.SetResult();
        await Task.WhenAll(calls);

        Assert.Equal(2, tenant.Handler.MaxInFlight);
        Assert.Equal(6, tenant.Handler.Requests.Count);
    }

    [Fact]
    public async Task InvokeBatchAsync_ThrottledPart_IsRetriedAlone()
    {
        using var tenant = StubTenant.Create((r, _) =>
        {
            if (r.Uri.AbsolutePath.EndsWith("$batch", StringComparison.Ordinal))
            {
                using var doc = JsonDocument.Parse(r.Body);
                Assert.Equal(3, doc.RootElement.GetProperty("requests").GetArrayLength());
                return StubTenant.Json(HttpStatusCode.OK, """
                    {"responses":[
                      {"id":"1","status":200,"body":{"value":[{"Name":"one"}]}},
                      {"id":"2","status":429,"body":{"error":{"code":"TooManyRequests","message":"slow down"}}},
                      {"id":"3","status":404,"body":{"error":{"code":"NotFound","message":"x","details":[{"message":"|Microsoft.Exchange.Configuration.Tasks.ManagementObjectNotFoundException|gone"}]}}}]}
                    """);
            }

            return StubTenant.Ok("""[{"Name":"two"}]""");
        });

        var results = await tenant.Exchange.InvokeBatchAsync([ExchangeCommands.GetMailbox("1"), ExchangeCommands.GetMailbox("2"), ExchangeCommands.GetMailbox("3")]);

        Assert.Equal("one", results[0].Rows.Single().GetText("Name"));
        Assert.Equal("two", results[1].Rows.Single().GetText("Name"));
        Assert.IsType<ExchangeOutcome.NotFound>(results[2].Outcome);
        Assert.Equal(2, tenant.Handler.Requests.Count);
        Assert.Contains("InvokeCommand", tenant.Handler.Requests.First().Body, StringComparison.Ordinal);
    }

    [Fact]
    public async Task InvokeBatchAsync_PartsCarryTheirOwnHeadersAndTheBatchContinuesOnError()
    {
        using var tenant = StubTenant.Create((r, _) => StubTenant.Json(HttpStatusCode.OK, """
            {"responses":[{"id":"1","status":200,"body":{"value":[]}},{"id":"2","status":200,"body":{"value":[]}}]}
            """));

        await tenant.Exchange.InvokeBatchAsync([ExchangeCommands.GetMailbox("1"), ExchangeCommands.GetRecipient("2")]);

        var batch = tenant.Handler.Requests.Single();
        Assert.Contains("odata.continue-on-error", batch.Headers["Prefer"], StringComparison.Ordinal);
        using var doc = JsonDocument.Parse(batch.Body);
        foreach (var part in doc.RootElement.GetProperty("requests").EnumerateArray())
        {
            var headers = part.GetProperty("headers");
            Assert.StartsWith("Bearer ", headers.GetProperty("Authorization").GetString(), StringComparison.Ordinal);
            Assert.EndsWith("@" + StubTenant.TenantId, headers.GetProperty("X-AnchorMailbox").GetString(), StringComparison.Ordinal);
            Assert.False(string.IsNullOrEmpty(headers.GetProperty("X-CmdletName").GetString()));
        }
    }

    [Fact]
    public async Task InvokeBatchAsync_AgainstTheEmulator_AnUnknownCmdletDoesNotLoseTheOtherResults()
    {
        using var tenant = TenantHarness.Create();

        var results = await tenant.Exchange.InvokeBatchAsync(
            [ExchangeCommand.Create("Get-MailboxFolderPermission").With("Identity", "x"), ExchangeCommands.GetAcceptedDomain(), ExchangeCommands.GetRecipient(DemoTenant.OwnerUpn)]);

        Assert.IsType<ExchangeOutcome.PermissionMissing>(results[0].Outcome);
        Assert.True(results[1].IsSuccess, results[1].Outcome.ToString());
        Assert.True(results[2].IsSuccess, results[2].Outcome.ToString());
    }

    [Fact]
    public async Task InvokeAsync_TokenRefused_IsPermissionMissingAppCredentials()
    {
        using var tenant = StubTenant.Create((_, _, _) => Task.FromResult(StubTenant.Ok()), tokens: new RefusingTokens());

        var result = await tenant.Exchange.InvokeAsync(ExchangeCommands.GetAcceptedDomain());

        var missing = Assert.IsType<ExchangeOutcome.PermissionMissing>(result.Outcome);
        Assert.Equal(MissingPermission.AppCredentials, missing.Which);
        Assert.Empty(tenant.Handler.Requests);
    }

    private sealed class RefusingTokens : ITenantTokenProvider
    {
        public Task<string> GetAuthorizationHeaderAsync(string scope, CancellationToken cancellationToken) =>
            throw new TenantTokenException("AADSTS7000215: invalid client secret", Remedies.AppCredentials);
    }
}
