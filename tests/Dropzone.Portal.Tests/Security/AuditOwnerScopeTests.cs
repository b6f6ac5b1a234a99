namespace Dropzone.Portal.Tests.Security;

/// <summary>An owner reads the audit entries of the groups they own, and nothing else; an auditor reads all.</summary>
public sealed class AuditOwnerScopeTests(PortalWithGroups portal) : IClassFixture<PortalWithGroups>
{
    [Fact]
    public async Task Export_AsOwner_HoldsOnlyTheEntriesOfTheirGroup()
    {
        await RecordAsync(portal.OwnedGroupId, "owned-group-entry");
        await RecordAsync(portal.OtherGroupId, "other-group-entry");
        using var owner = await portal.SignInAsync(DemoTenant.OwnerUpn);
        using var auditor = await portal.SignInAsync(DemoTenant.AuditorUpn);

        var ownerRows = await ExportAsync(owner);
        var auditorRows = await ExportAsync(auditor);

        Assert.Contains(ownerRows, r => r.Contains("owned-group-entry", StringComparison.Ordinal));
        Assert.DoesNotContain(ownerRows, r => r.Contains("other-group-entry", StringComparison.Ordinal));
        Assert.All(ownerRows, r => Assert.Equal(portal.OwnedGroupId.ToString(), JsonDocument.Parse(r).RootElement.GetProperty("groupId").GetString()));
        Assert.Contains(auditorRows, r => r.Contains("other-group-entry", StringComparison.Ordinal));
        Assert.Contains(auditorRows, r => r.Contains("owned-group-entry", StringComparison.Ordinal));
    }

    [Fact]
    public async Task MembersPage_AsOwner_LinksEachRequestToItsAuditHistory()
    {
        var tenant = portal.Services.GetRequiredService<Dropzone.TenantEmulator.State.TenantState>();
        var plain = new Dropzone.Portal.Core.Identity.PortalUser(tenant.FindUserId(DemoTenant.PlainUserUpn)!.Value.ToString(), DemoTenant.PlainUserUpn, "Pat Plain");
        using var scope = portal.Services.CreateScope();
        var request = await scope.ServiceProvider.GetRequiredService<Dropzone.Portal.Core.Requests.MemberRequestService>().SubmitAsync(
            new Dropzone.Portal.Core.Requests.RequestCaller(plain, false),
            new Dropzone.Portal.Core.Requests.SubmitMemberRequest(portal.OwnedGroupId, Dropzone.Portal.Core.Requests.MembershipChange.Add, null, "Phishing triage"));
        using var owner = await portal.SignInAsync(DemoTenant.OwnerUpn);

        var html = await owner.GetStringAsync($"/groups/{portal.OwnedGroupId}/members");

        Assert.Contains($"audit?request={request.Id}", html, StringComparison.Ordinal);
    }

    private static async Task<List<string>> ExportAsync(HttpClient client)
    {
        using var response = await client.GetAsync("/audit/export.jsonl");
        response.EnsureSuccessStatusCode();
        return [.. (await response.Content.ReadAsStringAsync()).Split('\n', StringSplitOptions.RemoveEmptyEntries)];
    }

    private async Task RecordAsync(Guid groupId, string marker)
    {
        await using var db = await portal.Services.GetRequiredService<IDbContextFactory<PortalDbContext>>().CreateDbContextAsync();
        portal.Services.GetRequiredService<AuditTrail>().Record(db, new AuditEvent(AuditActions.MemberAdded, AuditActor.System)
        {
            GroupId = groupId.ToString(),
            Target = AuditTarget.Mailbox($"{marker}@contoso.example"),
            Answer = marker,
        });
        await AuditTrail.SaveChangesAsync(db);
    }
}
