using System.Net;
using System.Security.Claims;
using Dropzone.Portal.Core.Access;
using Dropzone.Portal.Features.Access;

namespace Dropzone.Portal.Tests.Access;

/// <summary>
/// <c>/access/{group}/export.csv</c> on the real portal against the emulated tenant, whose restricted application still
/// holds its unscoped Mail.Read: the CSV lists every mailbox with the reason, in UTC; owners get only their own groups.
/// </summary>
public sealed class EffectiveAccessEndpointTests(PortalWithGroups portal) : IClassFixture<PortalWithGroups>
{
    private static List<string[]> Rows(string csv) =>
        [.. csv.Split("\r\n", StringSplitOptions.RemoveEmptyEntries).Select(Fields)];

    /// <summary>One CSV line's fields: quoted fields may hold commas, and a doubled quote is a quote.</summary>
    private static string[] Fields(string line)
    {
        var fields = new List<string>();
        var field = new System.Text.StringBuilder();
        var quoted = false;
        for (var i = 0; i < line.Length; i++)
        {
            var c = line[i];
            if (quoted && c == '"' && i + 1 < line.Length && line[i + 1] == '"')
            {
                field.Append('"');
                i++;
            }
            else if (c == '"')
            {
                quoted = !quoted;
            }
            else if (c == ',' && !quoted)
            {
                fields.Add(field.ToString());
                field.Clear();
            }
            else
            {
                field.Append(c);
            }
        }

        fields.Add(field.ToString());
        return [.. fields];
    }

    [Theory]
    [InlineData("owner")]
    [InlineData("auditor")]
    [InlineData("admin")]
    public async Task ExportCsv_AllowedPersona_EveryReadableMailboxWithItsReasonInUtc(string persona)
    {
        var client = await portal.ClientForAsync(persona);

        using var response = await client.GetAsync($"/access/{portal.OwnedGroupId}/export.csv");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("text/csv", response.Content.Headers.ContentType?.MediaType);
        Assert.Matches(@"effective-access-matrix-owned-\d{8}-\d{6}Z\.csv", response.Content.Headers.ContentDisposition?.ToString());
        var rows = Rows(await response.Content.ReadAsStringAsync());
        Assert.Equal(EffectiveAccessCsv.Columns, rows[0]);
        var admin = rows.Single(r => string.Equals(r[0], DemoTenant.AdminUpn, StringComparison.OrdinalIgnoreCase));
        Assert.Equal("Can read", admin[3]);
        Assert.Contains("Mail.Read", admin[6], StringComparison.Ordinal);
        Assert.Matches(@"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$", admin[7]);
    }

    [Theory]
    [InlineData("owner")]
    [InlineData("other-owner")]
    public async Task ExportCsv_OwnerOfAnotherGroup_403(string persona)
    {
        var client = await portal.ClientForAsync(persona);
        var notTheirs = persona == "owner" ? portal.OtherGroupId : portal.OwnedGroupId;

        using var response = await client.GetAsync($"/access/{notTheirs}/export.csv");

        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        Assert.DoesNotContain(DemoTenant.AdminUpn, await response.Content.ReadAsStringAsync(), StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public async Task ExportCsv_UserWhoOwnsNoGroup_Refused()
    {
        var client = await portal.ClientForAsync("user");

        using var response = await client.GetAsync($"/access/{portal.OwnedGroupId}/export.csv");

        Assert.NotEqual(HttpStatusCode.OK, response.StatusCode);
        Assert.DoesNotContain(DemoTenant.AdminUpn, await response.Content.ReadAsStringAsync(), StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public async Task ExportCsv_UnknownGroup_404()
    {
        var client = await portal.ClientForAsync("admin");

        using var response = await client.GetAsync($"/access/{Guid.NewGuid()}/export.csv");

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
    }

    [Fact]
    public async Task ExportCsv_UnscopedGrant_WhatItCanReachIsEveryMailbox()
    {
        var client = await portal.ClientForAsync("admin");

        using var reachable = await client.GetAsync($"/access/{portal.OwnedGroupId}/export.csv");
        using var all = await client.GetAsync($"/access/{portal.OwnedGroupId}/export.csv?all=true");

        var reachableRows = Rows(await reachable.Content.ReadAsStringAsync());
        var allRows = Rows(await all.Content.ReadAsStringAsync());
        Assert.True(allRows.Count > 5);
        Assert.Equal(allRows.Count, reachableRows.Count);
        Assert.All(allRows.Skip(1), r => Assert.Equal("true", r[4]));
    }

    [Fact]
    public async Task Views_OwnerAskingForAnotherOwnersGroup_NullAndNoTenantRead()
    {
        var ownerId = portal.Services.GetRequiredService<TenantState>().FindUserId(DemoTenant.OwnerUpn)!.Value.ToString();
        var owner = new ClaimsPrincipal(new ClaimsIdentity([new Claim("oid", ownerId), new Claim("preferred_username", DemoTenant.OwnerUpn)], "oidc"));
        var calls = portal.Services.GetRequiredService<TenantState>().Calls.Count;
        using var scope = portal.Services.CreateScope();

        var report = await scope.ServiceProvider.GetRequiredService<EffectiveAccessViews>().EstablishAsync(owner, portal.OtherGroupId);

        Assert.Null(report);
        Assert.Equal(calls, portal.Services.GetRequiredService<TenantState>().Calls.Count);
    }
}
