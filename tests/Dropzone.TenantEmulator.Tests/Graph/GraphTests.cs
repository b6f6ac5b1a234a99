namespace Dropzone.TenantEmulator.Tests.Graph;

public sealed class GraphTests : EmulatorHostTest
{
    private const string Graph = "/_emulator/graph/v1.0";

    protected override async Task ArrangeAsync()
    {
        Host.Client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", await Host.AppTokenAsync("https://graph.microsoft.com/.default"));
    }

    private async Task<(HttpStatusCode Status, JsonNode? Body)> GetAsync(string url, string? consistency = null)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, url);
        if (consistency is not null)
        {
            request.Headers.Add("ConsistencyLevel", consistency);
        }
        using var response = await Host.Client.SendAsync(request);
        var text = await response.Content.ReadAsStringAsync();
        return (response.StatusCode, text.Length > 0 ? JsonNode.Parse(text) : null);
    }

    private async Task<string> NewGroupIdAsync() =>
        (await Host.NewSecurityGroupAsync("Graph Group", DemoTenant.PhishingReportMailbox, DemoTenant.PlainUserUpn))["value"]![0]!["ExternalDirectoryObjectId"]!.GetValue<string>();

    [Fact]
    public async Task Users_SearchDisplayNameOrMail_FindsByWordPrefix()
    {
        var (status, body) = await GetAsync($"{Graph}/users?$search=\"displayName:olivia\" OR \"mail:olivia\"&$select=id,displayName,userPrincipalName,mail&$top=20", "eventual");

        Assert.Equal(HttpStatusCode.OK, status);
        var user = body!["value"]!.AsArray().Single()!.AsObject();
        Assert.Equal(DemoTenant.OwnerUpn, user["userPrincipalName"]!.GetValue<string>());
        Assert.Equal(["id", "displayName", "userPrincipalName", "mail"], user.Select(kv => kv.Key));
    }

    [Fact]
    public async Task Users_Top_PagesWithNextLink()
    {
        var (_, first) = await GetAsync($"{Graph}/users?$top=50");
        var next = new Uri(first!["@odata.nextLink"]!.GetValue<string>());
        var (_, second) = await GetAsync(next.PathAndQuery);

        Assert.Equal(50, first["value"]!.AsArray().Count);
        Assert.NotEmpty(second!["value"]!.AsArray());
        Assert.DoesNotContain(second["value"]!.AsArray(), u => first["value"]!.AsArray().Any(f => f!["id"]!.GetValue<string>() == u!["id"]!.GetValue<string>()));
    }

    [Fact]
    public async Task Users_FilterByMail_OneUser()
    {
        var (_, body) = await GetAsync($"{Graph}/users?$filter=mail eq '{DemoTenant.AdminUpn}'");

        Assert.Equal(DemoTenant.UserId(1).ToString(), body!["value"]!.AsArray().Single()!["id"]!.GetValue<string>());
    }

    [Fact]
    public async Task Users_FilterById_OneUser()
    {
        var (_, body) = await GetAsync($"{Graph}/users?$filter=id eq '{DemoTenant.UserId(2)}'");

        Assert.Equal(DemoTenant.AuditorUpn, body!["value"]!.AsArray().Single()!["userPrincipalName"]!.GetValue<string>());
    }

    [Theory]
    [InlineData("/users?$search=\"displayName:ann\"", HttpStatusCode.BadRequest, "Request_UnsupportedQuery")] // $search without ConsistencyLevel
    [InlineData("/users?$filter=startswith(jobTitle,'x')", HttpStatusCode.BadRequest, "Request_UnsupportedQuery")] // a filter Graph does not support
    [InlineData("/users/00000000-0000-0000-0000-000000000000", HttpStatusCode.NotFound, "Request_ResourceNotFound")] // an unknown user
    [InlineData("/servicePrincipals(appId='00000000-0000-0000-0000-000000000000')", HttpStatusCode.NotFound, "Request_ResourceNotFound")] // an unknown app
    public async Task Get_QueryGraphRefuses_AnswersItsStatusAndErrorCode(string query, HttpStatusCode expected, string code)
    {
        var (status, body) = await GetAsync(Graph + query);

        Assert.Equal(expected, status);
        Assert.Equal(code, body!["error"]!["code"]!.GetValue<string>());
    }

    [Fact]
    public async Task UserById_AndByUpn_Found()
    {
        var (s1, byId) = await GetAsync($"{Graph}/users/{DemoTenant.UserId(3)}");
        var (s2, byUpn) = await GetAsync($"{Graph}/users/{DemoTenant.OwnerUpn}");

        Assert.Equal(HttpStatusCode.OK, s1);
        Assert.Equal(HttpStatusCode.OK, s2);
        Assert.Equal(byId!["id"]!.GetValue<string>(), byUpn!["id"]!.GetValue<string>());
    }

    [Fact]
    public async Task ServicePrincipalByAppId_RestrictedApp_IdAndDisplayName()
    {
        var (status, body) = await GetAsync($"{Graph}/servicePrincipals(appId='{DemoTenant.RestrictedAppId}')");

        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal(DemoTenant.RestrictedServicePrincipalId, body!["id"]!.GetValue<string>());
        Assert.Equal("Dropzone AI", body["displayName"]!.GetValue<string>());
        Assert.Equal(DemoTenant.RestrictedAppId, body["appId"]!.GetValue<string>());
    }

    [Fact]
    public async Task AppRoleAssignments_RestrictedApp_HasUnscopedMailRead()
    {
        var (_, body) = await GetAsync($"{Graph}/servicePrincipals/{DemoTenant.RestrictedServicePrincipalId}/appRoleAssignments");
        var grant = body!["value"]!.AsArray().Single()!;

        Assert.Equal("810c84a8-4a9e-49e6-bf7d-12d183f40d01", grant["appRoleId"]!.GetValue<string>());
        Assert.Equal("Microsoft Graph", grant["resourceDisplayName"]!.GetValue<string>());
        Assert.Equal(DemoTenant.RestrictedServicePrincipalId, grant["principalId"]!.GetValue<string>());
    }

    [Fact]
    public async Task Group_Mesg_MailEnabledSecurityEnabledNoGroupTypes()
    {
        var id = await NewGroupIdAsync();

        var (status, body) = await GetAsync($"{Graph}/groups/{id}");

        Assert.Equal(HttpStatusCode.OK, status);
        Assert.True(body!["mailEnabled"]!.GetValue<bool>());
        Assert.True(body["securityEnabled"]!.GetValue<bool>());
        Assert.Empty(body["groupTypes"]!.AsArray());
        Assert.Equal("graphgroup@contoso.example", body["mail"]!.GetValue<string>());
    }

    [Fact]
    public async Task Group_DuringReplicationDelay_404()
    {
        Host.State.SetFaults(Host.State.Faults with { ReplicationDelay = TimeSpan.FromMinutes(1) });
        var id = await NewGroupIdAsync();

        var (status, _) = await GetAsync($"{Graph}/groups/{id}");

        Assert.Equal(HttpStatusCode.NotFound, status);
    }

    [Fact]
    public async Task GroupMembers_ListsUsersWithODataType()
    {
        var id = await NewGroupIdAsync();

        var (_, body) = await GetAsync($"{Graph}/groups/{id}/members");
        var members = body!["value"]!.AsArray();

        Assert.Equal(2, members.Count);
        Assert.All(members, m => Assert.Equal("#microsoft.graph.user", m!["@odata.type"]!.GetValue<string>()));
    }

    [Fact]
    public async Task GroupMembersRef_PostToMesg_400Refused()
    {
        var id = await NewGroupIdAsync();

        using var response = await Host.Client.PostAsync($"{Graph}/groups/{id}/members/$ref",
            JsonContent.Create(new Dictionary<string, string> { ["@odata.id"] = $"https://graph.microsoft.com/v1.0/directoryObjects/{DemoTenant.UserId(1)}" }));
        var body = JsonNode.Parse(await response.Content.ReadAsStringAsync())!;

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains("mail-enabled security groups", body["error"]!["message"]!.GetValue<string>());
    }

    [Fact]
    public async Task GroupMembersRef_DeleteFromMesg_400Refused()
    {
        var id = await NewGroupIdAsync();

        using var response = await Host.Client.DeleteAsync($"{Graph}/groups/{id}/members/{DemoTenant.UserId(4)}/$ref");

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
    }

    [Fact]
    public async Task CreateGroup_MailEnabledSecurity_400Refused()
    {
        using var response = await Host.Client.PostAsync($"{Graph}/groups",
            JsonContent.Create(new { displayName = "x", mailEnabled = true, securityEnabled = true, mailNickname = "x", groupTypes = Array.Empty<string>() }));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains("Cannot Create a mail-enabled security groups", await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task Domains_ListsVerifiedDefault()
    {
        var (_, body) = await GetAsync($"{Graph}/domains");

        Assert.Contains(body!["value"]!.AsArray(), d => d!["id"]!.GetValue<string>() == DemoTenant.Domain && d["isDefault"]!.GetValue<bool>() && d["isVerified"]!.GetValue<bool>());
    }

    [Fact]
    public async Task SendMail_Recorded_202()
    {
        using var response = await Host.Client.PostAsJsonAsync($"{Graph}/users/{DemoTenant.AdminUpn}/sendMail", new
        {
            message = new { subject = "Approve request", body = new { contentType = "Text", content = "Please approve." }, toRecipients = new[] { new { emailAddress = new { address = DemoTenant.OwnerUpn } } } },
            saveToSentItems = false,
        });

        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        var mail = Host.State.SentMail.Single();
        Assert.Equal("Approve request", mail.Subject);
        Assert.Equal([DemoTenant.OwnerUpn], mail.To);
        Assert.Equal(DemoTenant.AdminUpn, mail.From);
    }

    [Fact]
    public async Task SendMail_NoRecipients_400()
    {
        using var response = await Host.Client.PostAsJsonAsync($"{Graph}/users/{DemoTenant.AdminUpn}/sendMail", new { message = new { subject = "x" } });

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Empty(Host.State.SentMail);
    }

    [Fact]
    public async Task Graph_NoToken_401InvalidAuthenticationToken()
    {
        Host.Client.DefaultRequestHeaders.Authorization = null;

        var (status, body) = await GetAsync($"{Graph}/users");

        Assert.Equal(HttpStatusCode.Unauthorized, status);
        Assert.Equal("InvalidAuthenticationToken", body!["error"]!["code"]!.GetValue<string>());
    }

    [Fact]
    public async Task Graph_ExchangeToken_401()
    {
        Host.Client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", await Host.AppTokenAsync());

        var (status, _) = await GetAsync($"{Graph}/users");

        Assert.Equal(HttpStatusCode.Unauthorized, status);
    }

    [Fact]
    public async Task Graph_AppWithoutUserReadAll_403AuthorizationRequestDenied()
    {
        Host.Client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer",
            await Host.AppTokenAsync("https://graph.microsoft.com/.default", DemoTenant.RestrictedAppId, DemoTenant.RestrictedAppClientSecret));

        var (status, body) = await GetAsync($"{Graph}/users");

        Assert.Equal(HttpStatusCode.Forbidden, status);
        Assert.Equal("Authorization_RequestDenied", body!["error"]!["code"]!.GetValue<string>());
    }

    private async Task<HttpResponseMessage> BatchAsync(int count)
    {
        var requests = new JsonArray();
        for (var i = 0; i < count; i++)
        {
            requests.Add(new JsonObject { ["id"] = $"{i}", ["method"] = "GET", ["url"] = i == 0 ? $"/users/{Guid.Empty}" : "/domains" });
        }
        return await Host.Client.PostAsync($"{Graph}/$batch", new StringContent(new JsonObject { ["requests"] = requests }.ToJsonString(), Encoding.UTF8, "application/json"));
    }

    [Fact]
    public async Task Batch_TwentyRequests_EachAnswered()
    {
        using var response = await BatchAsync(20);
        var responses = JsonNode.Parse(await response.Content.ReadAsStringAsync())!["responses"]!.AsArray();

        Assert.Equal(20, responses.Count);
        Assert.Equal(404, responses.Single(r => r!["id"]!.GetValue<string>() == "0")!["status"]!.GetValue<int>());
        Assert.Equal(19, responses.Count(r => r!["status"]!.GetValue<int>() == 200));
    }

    [Fact]
    public async Task Batch_TwentyOneRequests_400()
    {
        using var response = await BatchAsync(21);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
    }
}
