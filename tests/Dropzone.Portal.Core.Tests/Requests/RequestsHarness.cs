using System.Net.Http.Json;
using Dropzone.Portal.TenantClients.Authentication;
using Dropzone.TenantEmulator.Hosting;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Dropzone.Portal.Core.Tests.Requests;

/// <summary>
/// The request services wired as the portal wires them, over a migrated temp SQLite file and the in-process
/// tenant emulator (real token, HTTP and error paths). Approved requests wait in <see cref="Queue"/> until a
/// test runs them with <see cref="ApplyQueuedAsync"/>, the way Hangfire would.
/// </summary>
public sealed class RequestsHarness : IAsyncDisposable
{
    public static readonly PortalUser Admin = Person(1, "adele.admin", "Adele Admin");
    public static readonly PortalUser Owner = Person(3, "olivia.owner", "Olivia Owner");
    public static readonly PortalUser Plain = Person(4, "pat.plain", "Pat Plain");
    public static readonly PortalUser Sam = Person(5, "sam.sample", "Sam Sample");
    public static readonly PortalUser Riley = Person(6, "riley.regular", "Riley Regular");
    public static readonly PortalUser Unlicensed = Person(7, "uma.unlicensed", "Uma Unlicensed");

    public const string SenderMailbox = "security-team@" + DemoTenant.Domain;
    public const string GroupAddress = "dropzone-mailboxes@" + DemoTenant.Domain;

    private readonly EmulatedTenant _tenant;
    private readonly TempDatabase _database;

    private RequestsHarness(EmulatedTenant tenant, TempDatabase database)
    {
        _tenant = tenant;
        _database = database;
    }

    public IServiceProvider Services => _tenant.Services;
    public FakeTimeProvider Time => (FakeTimeProvider)Services.GetRequiredService<TimeProvider>();
    public TenantState Tenant => _tenant.Tenant;
    public IExchangeClient Exchange => _tenant.Exchange;
    public MemberRequestService Requests => Services.GetRequiredService<MemberRequestService>();
    public MemberRequestSweep Sweep => Services.GetRequiredService<MemberRequestSweep>();
    public RecordingQueue Queue => (RecordingQueue)Services.GetRequiredService<IMemberRequestQueue>();
    public MemberRequestEvents Events => Services.GetRequiredService<MemberRequestEvents>();

    public static RequestCaller As(PortalUser user, bool isAdmin = false) => new(user, isAdmin, ClientIp: "203.0.113.7");

    /// <summary>A request to add a mailbox to the group (the requester's own when <paramref name="mailbox"/> is null).</summary>
    public static SubmitMemberRequest AskToJoin(Guid groupId, string? mailbox = null) =>
        new(groupId, MembershipChange.Add, mailbox, "I triage phishing reports for my team.");

    public static async Task<RequestsHarness> CreateAsync(
        IDictionary<string, string?>? settings = null, Action<IServiceCollection>? configure = null, bool freshTokens = false,
        PortalDatabaseProvider provider = PortalDatabaseProvider.Sqlite)
    {
        var database = await TempDatabase.CreateAsync("dropzone-request-tests", provider: provider);
        var tenant = EmulatedTenant.Start(new EmulatedTenantOptions
        {
            Clock = new FakeTimeProvider(new DateTimeOffset(2026, 11, 27, 9, 0, 0, TimeSpan.Zero)),
            Settings = [new("Notifications:SenderMailbox", SenderMailbox), .. settings ?? new Dictionary<string, string?>()],
            Configure = builder =>
            {
                builder.Services.AddDbContextFactory<PortalDbContext>(o => o.UsePortalDatabase(database.Provider, database.ConnectionString));
                builder.Services.AddSingleton<IMemberRequestQueue, RecordingQueue>();
                builder.AddMemberRequestServices();
                if (freshTokens)
                {
                    builder.Services.Replace(ServiceDescriptor.Singleton<ITenantTokenProvider, FreshTokenProvider>());
                }
                configure?.Invoke(builder.Services);
            },
        });
        return new RequestsHarness(tenant, database);
    }

    public Task<PortalDbContext> CreateDbContextAsync() =>
        Services.GetRequiredService<IDbContextFactory<PortalDbContext>>().CreateDbContextAsync();

    /// <summary>
    /// Creates the MESG in the emulator through Exchange (owned by Olivia, restricted to Dropzone AI by an access
    /// policy) and records it as a managed group whose stored owner list is <paramref name="storedOwners"/>.
    /// </summary>
    public async Task<ManagedGroup> CreateGroupAsync(
        bool ownersApprove = true, IEnumerable<string>? members = null, IEnumerable<PortalUser>? storedOwners = null, bool withPolicy = true)
    {
        var created = await Exchange.InvokeAsync(ExchangeCommands.NewDistributionGroup("Dropzone Mailboxes", [Owner.UserPrincipalName],
            alias: "dropzone-mailboxes", primarySmtpAddress: GroupAddress, members: members ?? [DemoTenant.PhishingReportMailbox]));
        Assert.True(created.IsSuccess, created.Outcome.ToString());
        var info = DistributionGroupInfo.From(created.Rows.Single());
        if (withPolicy)
        {
            var policy = await Exchange.InvokeAsync(ExchangeCommands.NewApplicationAccessPolicy(
                DemoTenant.RestrictedAppId, GroupAddress, ApplicationAccessRight.RestrictAccess, "Dropzone AI reads only the group's mailboxes"));
            Assert.True(policy.IsSuccess, policy.Outcome.ToString());
        }
        var group = new ManagedGroup
        {
            DisplayName = "Dropzone Mailboxes",
            Alias = "dropzone-mailboxes",
            PrimarySmtpAddress = GroupAddress,
            DirectoryObjectId = info.ExternalDirectoryObjectId,
            DistinguishedName = info.DistinguishedName,
            OwnersApproveMembers = ownersApprove,
            RestrictionMode = RestrictionMode.ApplicationAccessPolicy,
            RestrictedAppId = DemoTenant.RestrictedAppId,
            RestrictedAppDisplayName = DemoTenant.RestrictedAppDisplayName,
            Status = ManagedGroupStatus.VerifiedInExchange,
            CreatedAt = Time.GetUtcNow(),
            Owners = [.. (storedOwners ?? [Owner]).Select(o => new GroupOwner { ObjectId = o.ObjectId, UserPrincipalName = o.UserPrincipalName, DisplayName = o.DisplayName })],
        };
        await using var db = await CreateDbContextAsync();
        db.ManagedGroups.Add(group);
        await db.SaveChangesAsync();
        return group;
    }

    /// <summary>Creates the group and Pat's request to join it, approved by Olivia; the apply job waits in <see cref="Queue"/>.</summary>
    public async Task<MemberRequest> ApprovedRequestToJoinAsync()
    {
        var group = await CreateGroupAsync();
        var request = await Requests.SubmitAsync(As(Plain), AskToJoin(group.Id));
        var decided = Assert.Single(await Requests.DecideAsync(As(Owner), [request.Id], RequestDecision.Approve, null));
        Assert.True(decided.Succeeded, decided.Message);
        return request;
    }

    /// <summary>Sets the group's owners in Exchange to <paramref name="owners"/>, behind the portal's back.</summary>
    public async Task ReplaceOwnersInExchangeAsync(params PortalUser[] owners)
    {
        var changed = await Exchange.InvokeAsync(ExchangeCommands.SetDistributionGroup(GroupAddress, managedBy: [.. owners.Select(o => o.UserPrincipalName)]));
        Assert.True(changed.IsSuccess, changed.Outcome.ToString());
    }

    /// <summary>Collects every change <see cref="Events"/> announces from now on.</summary>
    public List<MemberRequestChange> RecordAnnouncedChanges()
    {
        var announced = new List<MemberRequestChange>();
        Events.Changed += announced.Add;
        return announced;
    }

    /// <summary>Runs every queued apply job, as the Hangfire worker would.</summary>
    public async Task ApplyQueuedAsync()
    {
        while (Queue.TryTake(out var id))
        {
            await Services.GetRequiredService<MemberRequestApplier>().ApplyAsync(id);
        }
    }

    public async Task<MemberRequest> ReloadAsync(Guid requestId)
    {
        await using var db = await CreateDbContextAsync();
        return await db.MemberRequests.AsNoTracking().SingleAsync(r => r.Id == requestId);
    }

    public async Task<List<AuditEntry>> AuditAsync(Guid requestId)
    {
        await using var db = await CreateDbContextAsync();
        var id = requestId.ToString();
        return await db.AuditEntries.AsNoTracking().Where(e => e.RequestId == id).OrderBy(e => e.Sequence).ToListAsync();
    }

    /// <summary>The emulator's own view (its control surface): the group's member addresses.</summary>
    public async Task<IReadOnlyList<string>> EmulatorMembersAsync()
    {
        using var http = new HttpClient(Services.GetRequiredService<EmulatorHttpHandler>(), disposeHandler: false);
        var state = await http.GetFromJsonAsync<JsonObject>("https://emulator.test/_emulator/_control/state");
        var group = state!["groups"]!.AsArray().Single(g => (string?)g!["primarySmtpAddress"] == GroupAddress)!;
        return [.. group["members"]!.AsArray().Select(m => (string)m!)];
    }

    public async ValueTask DisposeAsync()
    {
        await _tenant.DisposeAsync();
        await _database.DisposeAsync();
    }

    private static PortalUser Person(int index, string alias, string name) =>
        new(DemoTenant.UserId(index).ToString(), $"{alias}@{DemoTenant.Domain}", name);
}

/// <summary>Keeps approved requests until the test applies them.</summary>
public sealed class RecordingQueue : IMemberRequestQueue
{
    private readonly Queue<Guid> _ids = new();

    public int Count => _ids.Count;

    public void EnqueueApply(Guid requestId) => _ids.Enqueue(requestId);

    public bool TryTake(out Guid id) => _ids.TryDequeue(out id);
}

/// <summary>
/// Asks the emulator for a new app token on every call. MSAL caches tokens by the machine clock, so after a test
/// moves the tenant's clock days ahead a cached token is expired in the emulator's eyes; only those tests use this.
/// </summary>
public sealed class FreshTokenProvider(EmulatorHttpHandler handler) : ITenantTokenProvider
{
    public async Task<string> GetAuthorizationHeaderAsync(string scope, CancellationToken cancellationToken)
    {
        using var http = new HttpClient(handler, disposeHandler: false);
        using var response = await http.PostAsync($"{DemoTenant.Instance}{DemoTenant.TenantId}/oauth2/v2.0/token", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["grant_type"] = "client_credentials",
            ["client_id"] = DemoTenant.PortalClientId,
            ["client_secret"] = DemoTenant.PortalClientSecret,
            ["scope"] = scope,
        }), cancellationToken);
        var token = await response.EnsureSuccessStatusCode().Content.ReadFromJsonAsync<JsonObject>(cancellationToken);
        return "Bearer " + (string)token!["access_token"]!;
    }
}

/// <summary>A mail sender that always fails, to show that mail never blocks a request.</summary>
public sealed class FailingMailSender : IMailSender
{
    public Task SendAsync(string senderMailbox, MailMessage message, CancellationToken cancellationToken = default) =>
        throw new HttpRequestException("Mail server unreachable");
}
