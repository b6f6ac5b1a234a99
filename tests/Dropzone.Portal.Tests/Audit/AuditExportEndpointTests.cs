using System.Net;
using System.Security.Claims;
using System.Text.Encodings.Web;
using Dropzone.Portal.Core.Audit;
using Dropzone.Portal.Core.Data;
using Dropzone.Portal.Core.Security;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Dropzone.Portal.Tests.Audit;

public sealed class AuditExportEndpointTests : IAsyncLifetime
{
    private readonly string _folder = Path.Combine(Path.GetTempPath(), "dropzone-audit-endpoint-tests", Guid.NewGuid().ToString("N"));
    private WebApplicationFactory<Program> _factory = null!;

    public async Task InitializeAsync()
    {
        Directory.CreateDirectory(_folder);
        _factory = new WebApplicationFactory<Program>().WithWebHostBuilder(builder =>
        {
            builder.UseSetting("ConnectionStrings:Portal", $"Data Source={Path.Combine(_folder, "portal.db")}");
            builder.ConfigureTestServices(services => services
                .AddAuthentication(TestAuthentication.SchemeName)
                .AddScheme<AuthenticationSchemeOptions, TestAuthentication>(TestAuthentication.SchemeName, _ => { }));
        });
        _ = _factory.Server;
        var dbFactory = _factory.Services.GetRequiredService<IDbContextFactory<PortalDbContext>>();
        var trail = _factory.Services.GetRequiredService<AuditTrail>();
        await using var db = await dbFactory.CreateDbContextAsync();
        for (var i = 0; i < 12; i++)
        {
            trail.Record(db, new AuditEvent(AuditActions.MemberAdded, AuditActor.Job("job-1"), i % 4 == 0 ? AuditOutcome.Failed : AuditOutcome.Succeeded)
            {
                GroupId = i % 2 == 0 ? "g-even" : "g-odd",
                Target = AuditTarget.Mailbox($"m{i}@contoso.com"),
            });
        }
        await db.SaveChangesAsync();
    }

    public async Task DisposeAsync()
    {
        await _factory.DisposeAsync();
        SqliteConnection.ClearAllPools();
        Directory.Delete(_folder, recursive: true);
    }

    private HttpClient Client(string? roles)
    {
        var client = _factory.CreateClient();
        if (roles is not null) client.DefaultRequestHeaders.Add(TestAuthentication.RolesHeader, roles);
        return client;
    }

    [Fact]
    public async Task ExportCsv_AuditorWithFilter_StreamsOnlyMatchingRows()
    {
        var response = await Client(PortalRoles.Auditor).GetAsync("/audit/export.csv?group=g-even&outcome=Failed");

        response.EnsureSuccessStatusCode();
        Assert.Equal("text/csv", response.Content.Headers.ContentType?.MediaType);
        Assert.Contains("attachment", response.Content.Headers.ContentDisposition?.ToString(), StringComparison.Ordinal);
        var lines = (await response.Content.ReadAsStringAsync()).Split("\r\n", StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(["1", "5", "9"], lines.Skip(1).Select(l => l.Split(',')[0]));
    }

    [Fact]
    public async Task ExportJsonLines_AdminWithFilter_OneVerifiableLinePerMatch()
    {
        var response = await Client(PortalRoles.Admin).GetAsync("/audit/export.jsonl?group=g-odd");

        response.EnsureSuccessStatusCode();
        var lines = (await response.Content.ReadAsStringAsync()).Split('\n', StringSplitOptions.RemoveEmptyEntries);
        var entries = lines.Select(l => AuditExporter.ReadJson(System.Text.Encoding.UTF8.GetBytes(l))).ToList();
        Assert.Equal(6, entries.Count);
        Assert.All(entries, e => Assert.Equal("g-odd", e.GroupId));
        Assert.All(entries, e => Assert.True(AuditChain.HashMatches(e)));
    }

    [Theory]
    [InlineData(null, HttpStatusCode.Unauthorized)]
    [InlineData("Some.OtherRole", HttpStatusCode.Forbidden)]
    public async Task Export_WithoutAdminOrAuditorRole_Refused(string? roles, HttpStatusCode expected)
    {
        var response = await Client(roles).GetAsync("/audit/export.csv");

        Assert.Equal(expected, response.StatusCode);
    }

    /// <summary>Signs the request in, with the listed roles, when it carries the roles header.</summary>
    private sealed class TestAuthentication(IOptionsMonitor<AuthenticationSchemeOptions> options, ILoggerFactory logger, UrlEncoder encoder)
        : AuthenticationHandler<AuthenticationSchemeOptions>(options, logger, encoder)
    {
        public const string SchemeName = "Test";
        public const string RolesHeader = "X-Test-Roles";

        protected override Task<AuthenticateResult> HandleAuthenticateAsync()
        {
            if (!Request.Headers.TryGetValue(RolesHeader, out var roles)) return Task.FromResult(AuthenticateResult.NoResult());
            var claims = new List<Claim> { new(ClaimTypes.Name, "tester@contoso.com") };
            claims.AddRange(roles.ToString().Split(',', StringSplitOptions.RemoveEmptyEntries).Select(r => new Claim(ClaimTypes.Role, r)));
            return Task.FromResult(AuthenticateResult.Success(new AuthenticationTicket(new ClaimsPrincipal(new ClaimsIdentity(claims, SchemeName)), SchemeName)));
        }
    }
}
