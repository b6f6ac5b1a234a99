using Microsoft.Graph;
using Microsoft.Graph.Models.ODataErrors;
using Microsoft.Kiota.Abstractions.Authentication;

namespace Dropzone.TenantEmulator.Tests.Graph;

/// <summary>The Microsoft Graph SDK (Kiota) against the emulator, through the in-process handler.</summary>
public sealed class GraphSdkCompatibilityTests : IAsyncLifetime
{
    private readonly InProcessTenant _tenant = InProcessTenant.Create();
    private HttpClient _http = null!;
    private GraphServiceClient _graph = null!;

    private sealed class FixedToken(string token) : IAccessTokenProvider
    {
        public AllowedHostsValidator AllowedHostsValidator { get; } = new(["graph.microsoft.com"]);

        public Task<string> GetAuthorizationTokenAsync(Uri uri, Dictionary<string, object>? additionalAuthenticationContext = null, CancellationToken cancellationToken = default) =>
            Task.FromResult(token);
    }

    public async Task InitializeAsync()
    {
        _http = _tenant.CreateHttpClient();
        var token = await RealHostCalls.AppTokenAsync(_http, RealHostCalls.GraphScope);
        _graph = new GraphServiceClient(_http, new BaseBearerTokenAuthenticationProvider(new FixedToken(token)));
    }

    public Task DisposeAsync()
    {
        _graph.Dispose();
        _http.Dispose();
        _tenant.Dispose();
        return Task.CompletedTask;
    }

    [Fact]
    public async Task Users_SearchWithConsistencyLevel_ParsedBySdk()
    {
        var page = await _graph.Users.GetAsync(r =>
        {
            r.QueryParameters.Search = "\"displayName:olivia\" OR \"mail:olivia\"";
            r.QueryParameters.Select = ["id", "displayName", "userPrincipalName", "mail"];
            r.QueryParameters.Top = 20;
            r.Headers.Add("ConsistencyLevel", "eventual");
        });

        var user = Assert.Single(page!.Value!);
        Assert.Equal(DemoTenant.OwnerUpn, user.UserPrincipalName);
        Assert.Equal(DemoTenant.UserId(3).ToString(), user.Id);
    }

    [Fact]
    public async Task Users_SearchWithoutConsistencyLevel_ODataErrorWithCode()
    {
        var error = await Assert.ThrowsAsync<ODataError>(() => _graph.Users.GetAsync(r => r.QueryParameters.Search = "\"displayName:olivia\""));

        Assert.Equal("Request_UnsupportedQuery", error.Error!.Code);
        Assert.Equal(400, error.ResponseStatusCode);
    }

    [Fact]
    public async Task ServicePrincipalWithAppId_AndItsGrants_ParsedBySdk()
    {
        var sp = await _graph.ServicePrincipalsWithAppId(DemoTenant.RestrictedAppId).GetAsync();
        var grants = await _graph.ServicePrincipals[sp!.Id].AppRoleAssignments.GetAsync();

        Assert.Equal(DemoTenant.RestrictedServicePrincipalId, sp.Id);
        Assert.Equal(Guid.Parse("810c84a8-4a9e-49e6-bf7d-12d183f40d01"), Assert.Single(grants!.Value!).AppRoleId);
    }

    [Fact]
    public async Task Domains_ParsedBySdk()
    {
        var domains = await _graph.Domains.GetAsync();

        Assert.Contains(domains!.Value!, d => d.Id == DemoTenant.Domain && d.IsDefault == true);
    }

    [Fact]
    public async Task SendMail_ThroughSdk_Recorded()
    {
        await _graph.Users[DemoTenant.AdminUpn].SendMail.PostAsync(new Microsoft.Graph.Users.Item.SendMail.SendMailPostRequestBody
        {
            Message = new Microsoft.Graph.Models.Message
            {
                Subject = "Membership request",
                Body = new Microsoft.Graph.Models.ItemBody { Content = "Please approve", ContentType = Microsoft.Graph.Models.BodyType.Text },
                ToRecipients = [new Microsoft.Graph.Models.Recipient { EmailAddress = new Microsoft.Graph.Models.EmailAddress { Address = DemoTenant.OwnerUpn } }],
            },
            SaveToSentItems = false,
        });

        Assert.Equal("Membership request", Assert.Single(_tenant.State.SentMail).Subject);
    }
}
