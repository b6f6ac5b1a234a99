using Dropzone.Portal.Core.Groups;
using Dropzone.Portal.TenantClients.Commands;
using Xunit;

namespace Dropzone.Portal.Testing;

/// <summary>
/// One portal with two managed groups (one owned by the demo owner, one by another owner) and a signed-in client
/// per persona, shared by the authorization tests through <c>IClassFixture</c>.
/// </summary>
public sealed class PortalWithGroups : PortalApplicationFactory, IAsyncLifetime
{
    public const string OtherOwnerUpn = "sam.sample@" + DemoTenant.Domain;

    /// <summary>Who signs in for each persona; "anonymous" has no entry.</summary>
    public static readonly IReadOnlyDictionary<string, string> PersonaUpn = new Dictionary<string, string>
    {
        ["user"] = DemoTenant.PlainUserUpn,
        ["other-owner"] = OtherOwnerUpn,
        ["owner"] = DemoTenant.OwnerUpn,
        ["auditor"] = DemoTenant.AuditorUpn,
        ["admin"] = DemoTenant.AdminUpn,
    };

    private readonly Dictionary<string, HttpClient> _clients = [];

    public Guid OwnedGroupId { get; private set; }

    public Guid RunId { get; } = Guid.NewGuid();

    public Guid OtherGroupId { get; private set; }

    public async Task InitializeAsync()
    {
        OwnedGroupId = await CreateGroupAsync("Matrix Owned", "matrix-owned", DemoTenant.OwnerUpn);
        OtherGroupId = await CreateGroupAsync("Matrix Other", "matrix-other", OtherOwnerUpn);
    }

    public async Task<HttpClient> ClientForAsync(string persona)
    {
        if (!_clients.TryGetValue(persona, out var client))
        {
            client = persona == "anonymous" ? this.CreateAnonymousClient() : await this.SignInAsync(PersonaUpn[persona]);
            _clients[persona] = client;
        }
        return client;
    }

    private async Task<Guid> CreateGroupAsync(string name, string alias, string ownerUpn)
    {
        var address = $"{alias}@{DemoTenant.Domain}";
        using var scope = Services.CreateScope();
        var exchange = scope.ServiceProvider.GetRequiredService<IExchangeClient>();
        var created = (await exchange.InvokeAsync(ExchangeCommands.NewDistributionGroup(name, [ownerUpn], name, alias, address))).EnsureSuccess();
        var info = DistributionGroupInfo.From(created.FirstRow!.Value);
        var ownerId = Services.GetRequiredService<TenantState>().FindUserId(ownerUpn)!.Value.ToString();
        var group = new ManagedGroup
        {
            DisplayName = name,
            Alias = alias,
            PrimarySmtpAddress = address,
            DirectoryObjectId = info.ExternalDirectoryObjectId,
            DistinguishedName = info.DistinguishedName,
            RestrictedAppId = DemoTenant.RestrictedAppId,
            OwnersApproveMembers = true,
            Status = ManagedGroupStatus.Configured,
            Owners = [new GroupOwner { ObjectId = ownerId, UserPrincipalName = ownerUpn, DisplayName = ownerUpn }],
        };
        await using var db = await Services.GetRequiredService<IDbContextFactory<PortalDbContext>>().CreateDbContextAsync();
        db.ManagedGroups.Add(group);
        await db.SaveChangesAsync();
        return group.Id;
    }

    Task IAsyncLifetime.DisposeAsync()
    {
        foreach (var client in _clients.Values)
        {
            client.Dispose();
        }
        return Task.CompletedTask;
    }
}
