using Microsoft.AspNetCore.Routing;
using Microsoft.AspNetCore.StaticAssets;

namespace Dropzone.Portal.Tests.Security;

/// <summary>
/// Every route of the portal, for every kind of person, through the real sign-in: who gets the page, who is sent
/// to sign in, and who is refused. A route that is not in the matrix fails <see cref="Matrix_CoversEveryRoute"/>,
/// so a new page or endpoint cannot ship without a decision about who may use it.
/// </summary>
public sealed class RoleMatrixTests(PortalWithGroups portal) : IClassFixture<PortalWithGroups>
{
    /// <summary>What a person gets.</summary>
    public enum Access
    {
        /// <summary>200 and the content.</summary>
        Allowed,

        /// <summary>Sent to the tenant's sign-in (302 to the authorize endpoint).</summary>
        SignIn,

        /// <summary>A page: redirected to the access-denied page; anything else: 403.</summary>
        Denied,

        /// <summary>200, but the page shows that the group is not one they may see or manage.</summary>
        Hidden,

        /// <summary>Refused as a bad request (a state-changing POST without an antiforgery token).</summary>
        BadRequest,
    }

    private static readonly string[] Personas = ["anonymous", "user", "other-owner", "owner", "auditor", "admin"];

    private const Access A = Access.Allowed, L = Access.SignIn, D = Access.Denied, H = Access.Hidden, B = Access.BadRequest;

    /// <summary>Route pattern → (method, concrete path, access per persona in <see cref="Personas"/> order).</summary>
    private static readonly Dictionary<string, (string Method, string Path, Access[] Expected)> Matrix = new()
    {
        ["/"] = ("GET", "/", [L, A, A, A, A, A]),
        ["/setup"] = ("GET", "/setup", [L, D, D, D, D, A]),
        ["/setup/script.ps1"] = ("GET", "/setup/script.ps1", [L, D, D, D, D, A]),
        ["/groups"] = ("GET", "/groups", [L, A, A, A, A, A]),
        ["/groups/{GroupId:guid}"] = ("GET", "/groups/{owned}", [L, H, H, A, A, A]),
        ["/groups/{GroupId:guid}/members"] = ("GET", "/groups/{owned}/members", [L, H, H, A, A, A]),
        ["/requests"] = ("GET", "/requests", [L, A, A, A, A, A]),
        ["/requests/approvals"] = ("GET", "/requests/approvals", [L, A, A, A, A, A]),
        // Owners read the entries of their own groups (scoping is tested in AuditOwnerScopeTests).
        ["/audit"] = ("GET", "/audit", [L, D, A, A, A, A]),
        ["/audit/export.csv"] = ("GET", "/audit/export.csv", [L, D, A, A, A, A]),
        ["/audit/export.jsonl"] = ("GET", "/audit/export.jsonl", [L, D, A, A, A, A]),
        // Effective access: owners for their own groups only, enforced per group (EffectiveAccessEndpointTests has the rest).
        ["/access"] = ("GET", "/access", [L, D, A, A, A, A]),
        ["/access/{groupId:guid}/export.csv"] = ("GET", "/access/{owned}/export.csv", [L, D, D, A, A, A]),
        ["/runs/{RunId:guid}"] = ("GET", "/runs/{run}", [L, D, D, D, A, A]),
        ["/runs/{runId:guid}/diagnostics"] = ("GET", "/runs/{run}/diagnostics", [L, D, D, D, D, A]),
        ["/jobs/{**path}"] = ("GET", "/jobs", [L, D, D, D, D, A]),
        // The notice itself answers 403, so that scripts and crawlers see the refusal too.
        ["/access-denied"] = ("GET", "/access-denied", [D, D, D, D, D, D]),
        ["/not-found"] = ("GET", "/not-found", [A, A, A, A, A, A]),
        ["/Error"] = ("GET", "/Error", [A, A, A, A, A, A]),
        ["/healthz"] = ("GET", "/healthz", [A, A, A, A, A, A]),
        ["/healthz/live"] = ("GET", "/healthz/live", [A, A, A, A, A, A]),
        ["/healthz/ready"] = ("GET", "/healthz/ready", [A, A, A, A, A, A]),
        // The tenant connection check calls Exchange and Graph: an admin's question, never a probe's.
        ["/healthz/tenant"] = ("GET", "/healthz/tenant", [L, D, D, D, D, A]),
        ["/authentication/login"] = ("GET", "/authentication/login", [L, L, L, L, L, L]),
        ["/authentication/logout"] = ("POST", "/authentication/logout", [B, B, B, B, B, B]),
        // Development only, and only with no tenant configured: the emulated tenant's own endpoints.
        ["/_emulator/{service}/{**rest}"] = ("GET", $"/_emulator/login/{DemoTenant.TenantId}/v2.0/.well-known/openid-configuration", [A, A, A, A, A, A]),
    };

    /// <summary>Framework plumbing with no portal data behind it; the circuit itself requires a signed-in page to start.</summary>
    private static readonly HashSet<string> Infrastructure =
    [
        "/_blazor", "/_blazor/negotiate", "/_blazor/disconnect/", "/_blazor/initializers/", "/_framework/opaque-redirect", "{**path:file}",
    ];

    [Fact]
    public void Matrix_CoversEveryRoute()
    {
        var routes = portal.Services.GetRequiredService<EndpointDataSource>().Endpoints.OfType<RouteEndpoint>()
            .Where(e => e.Metadata.GetMetadata<StaticAssetDescriptor>() is null)
            .Select(e => e.RoutePattern.RawText!)
            .Distinct()
            .ToList();

        var missing = routes.Where(r => !Matrix.ContainsKey(r) && !Infrastructure.Contains(r)).ToList();

        Assert.True(missing.Count == 0, "Routes without an entry in the role matrix: " + string.Join(", ", missing));
    }

    [Fact]
    public async Task EveryRoute_EveryPersona_GetsExactlyTheExpectedAccess()
    {
        var mismatches = new List<string>();
        foreach (var (pattern, (method, template, expected)) in Matrix)
        {
            var path = template.Replace("{owned}", portal.OwnedGroupId.ToString(), StringComparison.Ordinal)
                .Replace("{run}", portal.RunId.ToString(), StringComparison.Ordinal);
            for (var i = 0; i < Personas.Length; i++)
            {
                var client = await portal.ClientForAsync(Personas[i]);
                using var request = new HttpRequestMessage(new HttpMethod(method), path);
                if (method == "POST")
                {
                    request.Content = new FormUrlEncodedContent([new("returnUrl", "/")]);
                }
                using var response = await client.SendAsync(request);
                var actual = await ClassifyAsync(response);
                if (actual != expected[i])
                {
                    mismatches.Add($"{method} {pattern} as {Personas[i]}: expected {expected[i]}, got {actual} ({(int)response.StatusCode} {response.Headers.Location})");
                }
            }
        }

        Assert.True(mismatches.Count == 0, string.Join(Environment.NewLine, mismatches));
    }

    private static async Task<Access> ClassifyAsync(HttpResponseMessage response)
    {
        var location = response.Headers.Location?.ToString() ?? "";
        return response.StatusCode switch
        {
            HttpStatusCode.Redirect when location.Contains("/oauth2/v2.0/authorize", StringComparison.Ordinal) => Access.SignIn,
            HttpStatusCode.Redirect when location.Contains("/access-denied", StringComparison.Ordinal) => Access.Denied,
            HttpStatusCode.Forbidden => Access.Denied,
            HttpStatusCode.BadRequest => Access.BadRequest,
            HttpStatusCode.OK or HttpStatusCode.NotFound when await IsHiddenAsync(response) => Access.Hidden,
            HttpStatusCode.OK => Access.Allowed,
            // A diagnostics bundle of a run that does not exist: the caller got past authorization.
            HttpStatusCode.NotFound when response.RequestMessage!.RequestUri!.AbsolutePath.EndsWith("/diagnostics", StringComparison.Ordinal) => Access.Allowed,
            // The script of a draft the admin does not have: likewise past authorization.
            HttpStatusCode.NotFound when response.RequestMessage!.RequestUri!.AbsolutePath.EndsWith("/setup/script.ps1", StringComparison.Ordinal) => Access.Allowed,
            _ => (Access)(-1),
        };
    }

    private static async Task<bool> IsHiddenAsync(HttpResponseMessage response)
    {
        var html = await response.Content.ReadAsStringAsync();
        return html.Contains("data-testid=\"group-missing\"", StringComparison.Ordinal)
            || html.Contains("data-testid=\"members-denied\"", StringComparison.Ordinal)
            || html.Contains("data-testid=\"group-not-found\"", StringComparison.Ordinal);
    }
}
