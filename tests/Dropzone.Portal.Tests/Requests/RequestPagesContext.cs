using Dropzone.Portal.Features.Requests;
using Dropzone.Portal.Security;

namespace Dropzone.Portal.Tests.Requests;

/// <summary>
/// bUnit context for the request pages: the real request services over a temp SQLite file and the in-process
/// tenant emulator, and a signed-in user of the test's choosing. Apply jobs wait in <see cref="Queue"/>.
/// </summary>
public abstract class RequestPagesContext : PortalComponentContext, IAsyncLifetime
{
    public static readonly PortalUser Owner = Person(3, "olivia.owner", "Olivia Owner");
    public static readonly PortalUser Plain = Person(4, "pat.plain", "Pat Plain");
    public static readonly PortalUser Sam = Person(5, "sam.sample", "Sam Sample");
    public const string GroupAddress = "dropzone-mailboxes@" + DemoTenant.Domain;

    private TempDatabase? _database;
    private EmulatedTenant? _backend;

    protected IServiceProvider Backend => _backend!.Services;
    protected MemberRequestService Requests => Backend.GetRequiredService<MemberRequestService>();
    protected QueuedApplies Queue => (QueuedApplies)Backend.GetRequiredService<IMemberRequestQueue>();

    public async Task InitializeAsync()
    {
        var database = _database = await TempDatabase.CreateAsync("dropzone-request-page-tests");
        _backend = EmulatedTenant.Start(new EmulatedTenantOptions
        {
            Clock = new FakeTimeProvider(new DateTimeOffset(2026, 11, 27, 9, 0, 0, TimeSpan.Zero)),
            Settings = [new("Notifications:Enabled", "false")],
            Configure = builder =>
            {
                builder.Services.AddDbContextFactory<PortalDbContext>(o => o.UseSqlite(database.ConnectionString));
                builder.Services.AddSingleton<IMemberRequestQueue, QueuedApplies>();
                builder.AddMemberRequestServices();
            },
        });

        Services.AddTransient(_ => Backend.GetRequiredService<MemberRequestService>());
        Services.AddSingleton(Backend.GetRequiredService<MemberRequestEvents>());
        Services.AddSingleton(Backend.GetRequiredService<IOptions<MemberRequestOptions>>());
        Services.AddScoped<PendingApprovalsBadge>();
        Services.AddHttpContextAccessor();
        Services.AddScoped<ClientAddress>();
        Services.AddSingleton(new Dropzone.Portal.Tenant.TenantWait(WaitClock));
    }

    /// <summary>The clock the pages' tenant waits run on: a test moves it to give up on a slow tenant.</summary>
    protected FakeTimeProvider WaitClock { get; } = new();

    protected TenantState Tenant => _backend!.Tenant;

    // Explicit: BunitContext has its own DisposeAsync. It must run first: MudBlazor's services only dispose
    // asynchronously, and the synchronous Dispose that xUnit calls afterwards is then a no-op.
    async Task IAsyncLifetime.DisposeAsync()
    {
        await base.DisposeAsync();
        if (_backend is not null)
        {
            await _backend.DisposeAsync();
        }
        if (_database is not null)
        {
            await _database.DisposeAsync();
        }
    }

    protected void SignIn(PortalUser user, params string[] roles)
    {
        var auth = AddAuthorization();
        auth.SetAuthorized(user.DisplayName);
        auth.SetClaims(new Claim("oid", user.ObjectId), new Claim("preferred_username", user.UserPrincipalName), new Claim("name", user.DisplayName));
        if (roles.Length > 0)
        {
            auth.SetRoles(roles);
        }
        // bUnit's stand-in answers policies only; resource checks (ManageMembers on a group) need the real service.
        Services.AddAuthorizationCore();
        Services.AddSingleton<IAuthorizationService, DefaultAuthorizationService>();
        Services.AddSingleton<IAuthorizationHandler, ManagedGroupAuthorizationHandler>();
    }

    protected static RequestCaller As(PortalUser user, bool isAdmin = false) => new(user, isAdmin);

    /// <summary>The group in Exchange (owned by Olivia) and in the portal database, with owner approvals on.</summary>
    protected async Task<ManagedGroup> CreateGroupAsync()
    {
        var created = await _backend!.Exchange.InvokeAsync(ExchangeCommands.NewDistributionGroup("Dropzone Mailboxes", [Owner.UserPrincipalName],
            alias: "dropzone-mailboxes", primarySmtpAddress: GroupAddress, members: [DemoTenant.PhishingReportMailbox]));
        Assert.True(created.IsSuccess, created.Outcome.ToString());
        var group = new ManagedGroup
        {
            DisplayName = "Dropzone Mailboxes",
            Alias = "dropzone-mailboxes",
            PrimarySmtpAddress = GroupAddress,
            DirectoryObjectId = DistributionGroupInfo.From(created.Rows.Single()).ExternalDirectoryObjectId,
            OwnersApproveMembers = true,
            RestrictedAppId = "",
            Owners = [new GroupOwner { ObjectId = Owner.ObjectId, UserPrincipalName = Owner.UserPrincipalName, DisplayName = Owner.DisplayName }],
        };
        await using var db = await Backend.GetRequiredService<IDbContextFactory<PortalDbContext>>().CreateDbContextAsync();
        db.ManagedGroups.Add(group);
        await db.SaveChangesAsync();
        return group;
    }

    protected async Task ApplyQueuedAsync()
    {
        while (Queue.TryTake(out var id))
        {
            await Backend.GetRequiredService<MemberRequestApplier>().ApplyAsync(id);
        }
    }

    private static PortalUser Person(int index, string alias, string name) =>
        new(DemoTenant.UserId(index).ToString(), $"{alias}@{DemoTenant.Domain}", name);

    protected static string AdminRole => PortalRoles.Admin;
}

public sealed class QueuedApplies : IMemberRequestQueue
{
    private readonly Queue<Guid> _ids = new();

    public void EnqueueApply(Guid requestId) => _ids.Enqueue(requestId);

    public bool TryTake(out Guid id) => _ids.TryDequeue(out id);
}
