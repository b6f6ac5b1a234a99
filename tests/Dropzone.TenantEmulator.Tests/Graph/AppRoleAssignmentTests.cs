namespace Dropzone.TenantEmulator.Tests.Graph;

/// <summary>
/// Application permissions as Graph lists and removes them: appRoleAssignedTo on the resource's service principal,
/// DELETE with 204, 404 Request_ResourceNotFound for an unknown id, 403 Authorization_RequestDenied without
/// AppRoleAssignment.ReadWrite.All; and the removal seen by Graph's mail enforcement.
/// </summary>
public sealed class AppRoleAssignmentTests : EmulatorHostTest
{
    private const string Graph = "/_emulator/graph/v1.0";
    private const string RemoveGrantPermission = "AppRoleAssignment.ReadWrite.All";

    private async Task<(HttpStatusCode Status, JsonNode? Body)> SendAsync(HttpMethod method, string url, string? token = null)
    {
        using var request = new HttpRequestMessage(method, url);
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token ?? await Host.AppTokenAsync("https://graph.microsoft.com/.default"));
        using var response = await Host.Client.SendAsync(request);
        var text = await response.Content.ReadAsStringAsync();
        return (response.StatusCode, text.Length > 0 ? JsonNode.Parse(text) : null);
    }

    private async Task<string> GraphResourceIdAsync() =>
        (await SendAsync(HttpMethod.Get, $"{Graph}/servicePrincipals(appId='00000003-0000-0000-c000-000000000000')")).Body!["id"]!.GetValue<string>();

    private async Task<JsonNode> RestrictedAppMailReadAsync()
    {
        var (_, body) = await SendAsync(HttpMethod.Get, $"{Graph}/servicePrincipals/{DemoTenant.RestrictedServicePrincipalId}/appRoleAssignments");
        return body!["value"]!.AsArray().Single(a => a!["appRoleId"]!.GetValue<string>() == "810c84a8-4a9e-49e6-bf7d-12d183f40d01")!;
    }

    private async Task<HttpStatusCode> ReadMailAsRestrictedAppAsync()
    {
        var token = await Host.AppTokenAsync("https://graph.microsoft.com/.default", DemoTenant.RestrictedAppId, DemoTenant.RestrictedAppClientSecret);
        return (await SendAsync(HttpMethod.Get, $"{Graph}/users/{DemoTenant.AdminUpn}/messages", token)).Status;
    }

    [Fact]
    public async Task AppRoleAssignedTo_GraphResource_ListsTheRestrictedAppsMailRead()
    {
        var resource = await GraphResourceIdAsync();

        var (status, body) = await SendAsync(HttpMethod.Get, $"{Graph}/servicePrincipals/{resource}/appRoleAssignedTo");

        Assert.Equal(HttpStatusCode.OK, status);
        var grant = body!["value"]!.AsArray().Single(a => a!["principalId"]!.GetValue<string>() == DemoTenant.RestrictedServicePrincipalId)!;
        Assert.Equal((await RestrictedAppMailReadAsync())["id"]!.GetValue<string>(), grant["id"]!.GetValue<string>());
        Assert.Equal(resource, grant["resourceId"]!.GetValue<string>());
    }

    [Fact]
    public async Task Delete_WithoutAppRoleAssignmentReadWriteAll_403AndTheGrantStays()
    {
        var grant = await RestrictedAppMailReadAsync();

        var (status, body) = await SendAsync(HttpMethod.Delete, $"{Graph}/servicePrincipals/{grant["resourceId"]}/appRoleAssignedTo/{grant["id"]}");

        Assert.Equal(HttpStatusCode.Forbidden, status);
        Assert.Equal("Authorization_RequestDenied", body!["error"]!["code"]!.GetValue<string>());
        Assert.Equal(grant["id"]!.GetValue<string>(), (await RestrictedAppMailReadAsync())["id"]!.GetValue<string>());
        Assert.Equal(HttpStatusCode.OK, await ReadMailAsRestrictedAppAsync());
    }

    [Fact]
    public async Task Delete_WithThePermission_204ThenGoneAndGraphNoLongerGrantsMail()
    {
        Host.State.SetApplicationPermission(DemoTenant.PortalClientId, RemoveGrantPermission, granted: true);
        var grant = await RestrictedAppMailReadAsync();
        Assert.Equal(HttpStatusCode.OK, await ReadMailAsRestrictedAppAsync());

        var (status, _) = await SendAsync(HttpMethod.Delete, $"{Graph}/servicePrincipals/{grant["resourceId"]}/appRoleAssignedTo/{grant["id"]}");
        var (_, after) = await SendAsync(HttpMethod.Get, $"{Graph}/servicePrincipals/{DemoTenant.RestrictedServicePrincipalId}/appRoleAssignments");
        var (again, againBody) = await SendAsync(HttpMethod.Delete, $"{Graph}/servicePrincipals/{grant["resourceId"]}/appRoleAssignedTo/{grant["id"]}");

        Assert.Equal(HttpStatusCode.NoContent, status);
        Assert.Empty(after!["value"]!.AsArray());
        Assert.Equal(HttpStatusCode.Forbidden, await ReadMailAsRestrictedAppAsync());
        Assert.Equal(HttpStatusCode.NotFound, again);
        Assert.Equal("Request_ResourceNotFound", againBody!["error"]!["code"]!.GetValue<string>());
    }

    [Fact]
    public async Task Delete_UnknownIdOrOtherResource_404RequestResourceNotFound()
    {
        Host.State.SetApplicationPermission(DemoTenant.PortalClientId, RemoveGrantPermission, granted: true);
        var grant = await RestrictedAppMailReadAsync();
        var exchangeResource = (await SendAsync(HttpMethod.Get, $"{Graph}/servicePrincipals(appId='00000002-0000-0ff1-ce00-000000000000')")).Body!["id"]!.GetValue<string>();

        var (unknown, body) = await SendAsync(HttpMethod.Delete, $"{Graph}/servicePrincipals/{grant["resourceId"]}/appRoleAssignedTo/no-such-assignment");
        var (otherResource, _) = await SendAsync(HttpMethod.Delete, $"{Graph}/servicePrincipals/{exchangeResource}/appRoleAssignedTo/{grant["id"]}");

        Assert.Equal(HttpStatusCode.NotFound, unknown);
        Assert.Equal("Request_ResourceNotFound", body!["error"]!["code"]!.GetValue<string>());
        Assert.Equal(HttpStatusCode.NotFound, otherResource);
        Assert.Equal(HttpStatusCode.OK, await ReadMailAsRestrictedAppAsync());
    }
}
