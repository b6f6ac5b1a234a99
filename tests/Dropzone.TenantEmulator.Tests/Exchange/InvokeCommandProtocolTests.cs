namespace Dropzone.TenantEmulator.Tests.Exchange;

/// <summary>Authentication, authorization, versions, unknown cmdlets and parameters, batching.</summary>
public sealed class InvokeCommandProtocolTests : EmulatorHostTest
{
    [Fact]
    public async Task InvokeCommand_NoToken_401()
    {
        using var response = await Host.Client.PostAsync(EmulatorHost.Exchange, new StringContent("""{"CmdletInput":{"CmdletName":"Get-AcceptedDomain","Parameters":{}}}""", Encoding.UTF8, "application/json"));

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Equal("Bearer", response.Headers.WwwAuthenticate.Single().Scheme);
    }

    [Fact]
    public async Task InvokeCommand_GraphAudienceToken_401()
    {
        using var response = await Host.InvokeAsync("Get-AcceptedDomain", token: await Host.AppTokenAsync("https://graph.microsoft.com/.default"));

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
    }

    [Fact]
    public async Task InvokeCommand_ExpiredToken_401()
    {
        var token = await Host.AppTokenAsync();
        Host.Time.Advance(TimeSpan.FromMinutes(61));

        using var response = await Host.InvokeAsync("Get-AcceptedDomain", token: token);

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
    }

    [Fact]
    public async Task InvokeCommand_TokenWithoutManageAsApp_401()
    {
        var token = await Host.AppTokenAsync(clientId: DemoTenant.RestrictedAppId, secret: DemoTenant.RestrictedAppClientSecret);

        using var response = await Host.InvokeAsync("Get-AcceptedDomain", token: token);

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
    }

    [Fact]
    public async Task InvokeCommand_AppWithoutExchangeRole_403NulBody()
    {
        Host.State.SetExchangeAdministrator(DemoTenant.PortalClientId, granted: false);

        using var response = await Host.InvokeAsync("Get-AcceptedDomain");
        var bytes = await response.Content.ReadAsByteArrayAsync();

        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        Assert.NotEmpty(bytes);
        Assert.All(bytes, b => Assert.Equal(0, b));
    }

    [Fact]
    public async Task InvokeCommand_UnknownCmdlet_403NulBody()
    {
        using var response = await Host.InvokeAsync("Get-MailboxFolderPermission", new { Identity = "x" });
        var bytes = await response.Content.ReadAsByteArrayAsync();

        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        Assert.All(bytes, b => Assert.Equal(0, b));
    }

    [Fact]
    public async Task InvokeCommand_UnknownParameter_400ParameterBinding()
    {
        var error = await Host.InvokeBadRequestAsync("Get-DistributionGroup", new { Identity = "x", Colour = "blue" });

        Assert.Equal("System.Management.Automation.ParameterBindingException", ExchangeErrorBody.ExceptionType(error));
        Assert.Contains("Colour", error);
    }

    [Fact]
    public async Task InvokeCommand_MissingMandatoryParameter_400()
    {
        await Host.InvokeBadRequestAsync("Add-DistributionGroupMember", new { Identity = "x" });
    }

    [Fact]
    public async Task InvokeCommand_CommonParametersAccepted()
    {
        var body = await Host.InvokeOkAsync("Get-AcceptedDomain", new { ErrorAction = "Stop", WarningAction = "SilentlyContinue" });

        Assert.NotEmpty(body["value"]!.AsArray());
    }

    [Fact]
    public async Task InvokeCommand_V1Path_405()
    {
        using var response = await Host.InvokeAsync("Get-AcceptedDomain", path: $"/_emulator/outlook/adminapi/v1.0/{DemoTenant.TenantId}/InvokeCommand");

        Assert.Equal(HttpStatusCode.MethodNotAllowed, response.StatusCode);
    }

    [Fact]
    public async Task InvokeCommand_OptionalModuleHeaders_Accepted()
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, EmulatorHost.Exchange)
        {
            Content = new StringContent("""{"CmdletInput":{"CmdletName":"Get-AcceptedDomain","Parameters":{}}}""", Encoding.UTF8, "application/json"),
        };
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", await Host.AppTokenAsync());
        request.Headers.Add("X-ResponseFormat", "json");
        request.Headers.Add("X-CmdletName", "Get-AcceptedDomain");
        request.Headers.Add("X-ClientApplication", "ExoManagementModule");
        request.Headers.Add("client-request-id", Guid.NewGuid().ToString());

        using var response = await Host.Client.SendAsync(request);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    private async Task<HttpResponseMessage> BatchAsync(int count, string? prefer = "odata.continue-on-error", string firstCmdlet = "Get-DistributionGroup")
    {
        var requests = new JsonArray();
        for (var i = 0; i < count; i++)
        {
            requests.Add(new JsonObject
            {
                ["id"] = i.ToString(System.Globalization.CultureInfo.InvariantCulture),
                ["method"] = "POST",
                ["url"] = $"/adminapi/beta/{DemoTenant.TenantId}/InvokeCommand",
                ["body"] = JsonNode.Parse(i == 0
                    ? new JsonObject { ["CmdletInput"] = new JsonObject { ["CmdletName"] = firstCmdlet, ["Parameters"] = new JsonObject { ["Identity"] = "missing" } } }.ToJsonString()
                    : """{"CmdletInput":{"CmdletName":"Get-AcceptedDomain","Parameters":{}}}"""),
                ["headers"] = new JsonObject { ["Content-Type"] = "application/json" },
            });
        }
        using var request = new HttpRequestMessage(HttpMethod.Post, $"/_emulator/outlook/adminapi/beta/{DemoTenant.TenantId}/$batch")
        {
            Content = new StringContent(new JsonObject { ["requests"] = requests }.ToJsonString(), Encoding.UTF8, "application/json"),
        };
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", await Host.AppTokenAsync());
        if (prefer is not null)
        {
            request.Headers.TryAddWithoutValidation("Prefer", prefer);
        }
        return await Host.Client.SendAsync(request);
    }

    [Fact]
    public async Task Batch_WithoutContinueOnError_StopsAtTheFirstFailure()
    {
        using var response = await BatchAsync(10, prefer: null);
        var responses = JsonNode.Parse(await response.Content.ReadAsStringAsync())!["responses"]!.AsArray();

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(404, responses.Single()!["status"]!.GetValue<int>());
    }

    [Fact]
    public async Task Batch_UnknownCmdletInside_IsA403PartAndTheRestStillAnswer()
    {
        using var response = await BatchAsync(3, firstCmdlet: "Get-MailboxFolderPermission");
        var responses = JsonNode.Parse(await response.Content.ReadAsStringAsync())!["responses"]!.AsArray();

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(403, responses[0]!["status"]!.GetValue<int>());
        Assert.Equal(2, responses.Count(r => r!["status"]!.GetValue<int>() == 200));
    }

    [Fact]
    public async Task Batch_PreferWithSpacesAsAWidelyUsedClientSendsIt_ContinuesOnError()
    {
        using var response = await BatchAsync(4, prefer: "odata.maxpagesize = 1000; odata.continue-on-error");
        var responses = JsonNode.Parse(await response.Content.ReadAsStringAsync())!["responses"]!.AsArray();

        Assert.Equal(4, responses.Count);
    }

    [Fact]
    public async Task Batch_TenRequests_EachAnsweredWithOwnStatus()
    {
        using var response = await BatchAsync(10);
        var responses = JsonNode.Parse(await response.Content.ReadAsStringAsync())!["responses"]!.AsArray();

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(10, responses.Count);
        Assert.Equal(404, responses.Single(r => r!["id"]!.GetValue<string>() == "0")!["status"]!.GetValue<int>());
        Assert.Equal(9, responses.Count(r => r!["status"]!.GetValue<int>() == 200));
        Assert.Contains("ManagementObjectNotFoundException", responses[0]!["body"]!.ToJsonString());
    }

    [Fact]
    public async Task Batch_ElevenRequests_400()
    {
        using var response = await BatchAsync(11);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
    }
}
