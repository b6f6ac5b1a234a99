using Dropzone.Portal.Tests.Security;

namespace Dropzone.Portal.Tests.Tenant;

/// <summary>
/// /_emulator/_control shows the demo's secrets and changes the tenant: callers on this machine and the demo's
/// Portal.Admin users only, never another site's page, and a bad value is a 400 naming the field.
/// </summary>
[Collection(PortalHostCollection.Name)]
public sealed class EmulatorControlAccessTests
{
    private const string State = "/_emulator/_control/state";
    private const string Faults = "/_emulator/_control/faults";
    private const string AnotherMachine = "203.0.113.9";
    private const string Loopback = "127.0.0.1";

    private static PortalApplicationFactory PortalCalledFrom(string clientAddress) =>
        new PortalApplicationFactory().WithTestServices(RemoteClient.From(clientAddress));

    /// <summary>The user, signed in from another machine, asks for the tenant's state; returns the answer.</summary>
    private static async Task<(HttpStatusCode Status, string Body)> StateFromAnotherMachineAsync(string userPrincipalName)
    {
        await using var factory = PortalCalledFrom(AnotherMachine);
        using var user = await factory.SignInAsync(userPrincipalName);
        using var state = await user.GetAsync(State);
        return (state.StatusCode, await state.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task State_AnonymousFromAnotherMachine_Refused()
    {
        await using var factory = PortalCalledFrom(AnotherMachine);
        using var client = factory.CreateAnonymousClient();

        using var state = await client.GetAsync(State);
        using var reset = await client.PostAsync("/_emulator/_control/reset", null);

        Assert.Equal(HttpStatusCode.Unauthorized, state.StatusCode);
        Assert.DoesNotContain(DemoTenant.PortalClientSecret, await state.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.Unauthorized, reset.StatusCode);
    }

    [Fact]
    public async Task State_PlainUserFromAnotherMachine_Refused()
    {
        var (status, _) = await StateFromAnotherMachineAsync(DemoTenant.PlainUserUpn);

        Assert.Equal(HttpStatusCode.Forbidden, status);
    }

    [Fact]
    public async Task State_PortalAdminFromAnotherMachine_Answered()
    {
        var (status, body) = await StateFromAnotherMachineAsync(DemoTenant.AdminUpn);

        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal(DemoTenant.TenantId, JsonNode.Parse(body)!["tenantId"]!.GetValue<string>());
    }

    [Fact]
    public async Task State_FromLoopback_Answered()
    {
        await using var factory = PortalCalledFrom(Loopback);
        using var client = factory.CreateAnonymousClient();

        using var state = await client.GetAsync(State);

        Assert.Equal(HttpStatusCode.OK, state.StatusCode);
    }

    [Theory]
    [InlineData("Sec-Fetch-Site", "cross-site")]
    [InlineData("Sec-Fetch-Site", "same-site")]
    [InlineData("Origin", "https://attacker.example")]
    public async Task Post_CrossSiteFromLoopback_RefusedAndNothingChanged(string header, string value)
    {
        await using var factory = PortalCalledFrom(Loopback);
        using var client = factory.CreateAnonymousClient();
        using var request = new HttpRequestMessage(HttpMethod.Post, Faults) { Content = JsonContent.Create(new { throttleRate = 1.0 }) };
        request.Headers.Add(header, value);

        using var response = await client.SendAsync(request);
        var faults = await client.GetFromJsonAsync<JsonObject>(Faults);

        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        Assert.Equal(0, faults!["throttleRate"]!.GetValue<double>());
    }

    [Fact]
    public async Task Post_SameOrigin_Accepted()
    {
        await using var factory = PortalCalledFrom(Loopback);
        using var client = factory.CreateAnonymousClient();
        using var request = new HttpRequestMessage(HttpMethod.Post, Faults) { Content = JsonContent.Create(new { latencyMs = 5 }) };
        request.Headers.Add("Origin", client.BaseAddress!.GetLeftPart(UriPartial.Authority));
        request.Headers.Add("Sec-Fetch-Site", "same-origin");

        using var response = await client.SendAsync(request);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    [Theory]
    [InlineData("""{"latencyMs":-5}""", "latencyMs")]
    [InlineData("""{"throttleRate":1.5}""", "throttleRate")]
    [InlineData("""{"throttleRate":"often"}""", "throttleRate")]
    [InlineData("""{"retryAfterSeconds":-1}""", "retryAfterSeconds")]
    [InlineData("""{"replicationDelaySeconds":1e300}""", "replicationDelaySeconds")]
    [InlineData("""{"bulkTimeoutAppliedThreshold":0}""", "bulkTimeoutAppliedThreshold")]
    [InlineData("""{"throtleRate":1}""", "throtleRate")]
    public async Task Faults_BadValue_400NamingTheFieldAndNothingChanged(string body, string field)
    {
        await using var factory = new PortalApplicationFactory();
        using var client = factory.CreateAnonymousClient();

        using var response = await client.PostAsync(Faults, new StringContent(body, System.Text.Encoding.UTF8, "application/json"));
        var answer = await response.Content.ReadFromJsonAsync<JsonObject>();
        var faults = await client.GetFromJsonAsync<JsonObject>(Faults);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal(field, answer!["field"]!.GetValue<string>());
        Assert.StartsWith(field, answer["error"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.Equal(0, faults!["latencyMs"]!.GetValue<int>());
        Assert.Equal(0, faults["throttleRate"]!.GetValue<double>());
    }
}
