using System.Reflection;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Components;
using Microsoft.AspNetCore.Routing;

namespace Dropzone.Portal.Tests.Hosting;

/// <summary>
/// Every address the portal serves, found the way the host finds them (endpoints from the endpoint data source,
/// pages from their route attributes), asked with values that parse as nothing: dates, numbers, enums and ids.
/// None may answer 500; the ones that take such a parameter say which one is wrong.
/// </summary>
public sealed partial class QueryStringRoutesTests(PortalApplicationFactory factory) : IClassFixture<PortalApplicationFactory>
{
    // A bad value for every query parameter any route takes (and some no route takes).
    private const string BadQuery =
        "?from=yesterday-ish&to=2026-13-45&outcome=Sideways&run=%25zz&group=%00&request=-1&target=&q=%EF%BF%BF" +
        "&actor=%3Cscript%3E&action=Nope&page=-3&pageSize=1e9&id=not-a-guid&returnUrl=javascript:alert(1)&step=NaN";

    [Fact]
    public async Task EveryEndpointAndPage_BadQueryValues_NeverA500()
    {
        using var admin = await factory.SignInAsync(DemoTenant.AdminUpn);
        var addresses = EndpointAddresses().Concat(PageAddresses()).Distinct().ToList();
        Assert.True(addresses.Count >= 15, $"only {addresses.Count} addresses found: {string.Join(", ", addresses)}");

        var failures = new List<string>();
        foreach (var address in addresses)
        {
            using var response = await admin.GetAsync(address + BadQuery);
            if ((int)response.StatusCode >= 500)
            {
                failures.Add($"{address}: {(int)response.StatusCode}");
            }
        }

        Assert.True(failures.Count == 0, "answered with a server error: " + string.Join("; ", failures));
    }

    [Theory]
    [InlineData("/audit/export.csv?from=yesterday-ish", "\"from\"")]
    [InlineData("/audit/export.jsonl?to=2026-13-45", "\"to\"")]
    [InlineData("/audit/export.csv?outcome=Sideways", "\"outcome\"")]
    [InlineData("/audit/export.csv?outcome=7", "\"outcome\"")]
    public async Task AuditExport_BadValue_400NamingTheParameter(string address, string named)
    {
        using var admin = await factory.SignInAsync(DemoTenant.AdminUpn);

        using var response = await admin.GetAsync(address);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains(named, await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task AuditPage_BadDate_NamesTheParameterOnThePage()
    {
        using var admin = await factory.SignInAsync(DemoTenant.AdminUpn);

        var html = await admin.GetStringAsync("/audit?from=yesterday-ish");

        Assert.Contains("The parameter &quot;from&quot; must be a date and time", html, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AccessPage_GroupNotAnId_NamesTheParameterOnThePage()
    {
        using var admin = await factory.SignInAsync(DemoTenant.AdminUpn);

        var html = await admin.GetStringAsync("/access?group=not-a-guid");

        Assert.Contains("The parameter &quot;group&quot; must be a group id", html, StringComparison.Ordinal);
    }

    /// <summary>The GET endpoints of the portal itself (not the framework's or the mounted emulator's), route values filled in.</summary>
    private IEnumerable<string> EndpointAddresses()
    {
        var sources = factory.Services.GetServices<EndpointDataSource>();
        foreach (var endpoint in sources.SelectMany(s => s.Endpoints).OfType<RouteEndpoint>())
        {
            var methods = endpoint.Metadata.GetMetadata<IHttpMethodMetadata>()?.HttpMethods;
            var pattern = "/" + endpoint.RoutePattern.RawText?.TrimStart('/');
            if (methods is not null && !methods.Contains("GET") || pattern.StartsWith("/_", StringComparison.Ordinal) || pattern.Contains("{*", StringComparison.Ordinal))
            {
                continue;
            }
            yield return Fill(pattern);
        }
    }

    /// <summary>The routed pages, as the router knows them (their <see cref="RouteAttribute"/>s).</summary>
    private static IEnumerable<string> PageAddresses() =>
        typeof(Dropzone.Portal.Components.Pages.Audit.Audit).Assembly.GetTypes()
            .SelectMany(t => t.GetCustomAttributes<RouteAttribute>())
            .Select(r => Fill(r.Template));

    // A route value that fits its constraint, so the request reaches the handler instead of a 404 from routing.
    private static string Fill(string pattern) =>
        RouteParameter().Replace(pattern, m => m.Groups["constraint"].Value == "guid" ? Guid.NewGuid().ToString() : "x");

    [GeneratedRegex(@"\{(?<name>[^}:?]+)(:(?<constraint>[^}?]+))?\??\}")]
    private static partial Regex RouteParameter();
}
