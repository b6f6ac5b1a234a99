using System.Collections.Concurrent;
using Dropzone.Portal.Core.Instances;
using Dropzone.Portal.Core.Restriction;
using Dropzone.Portal.Core.Setup.Steps;
using Dropzone.Portal.Core.Verification;
using Dropzone.Portal.TenantClients.Graph;
using Microsoft.Extensions.Logging.Abstractions;

namespace Dropzone.Portal.Core.Tests.Setup;

/// <summary>Records what the engine asked the job system for, so a test can play the scheduler.</summary>
public sealed class RecordingScheduler : ISetupRunScheduler
{
    public ConcurrentQueue<(Guid RunId, DateTimeOffset? At)> Requests { get; } = new();

    public void Enqueue(Guid runId) => Requests.Enqueue((runId, null));

    public void Schedule(Guid runId, DateTimeOffset at) => Requests.Enqueue((runId, at));
}

/// <summary>
/// The engine's real collaborators: a migrated SQLite file, the real tenant clients (HTTP, tokens, retries)
/// talking to the in-process emulator, and one FakeTimeProvider shared by the emulator and the engine, so
/// replication and propagation delays pass when the test moves the clock, never by sleeping. The clients'
/// own retry backoff is set to milliseconds (real time) so their retries do not depend on the fake clock.
/// </summary>
public sealed class SetupTestBed : IDbContextFactory<PortalDbContext>, IAsyncDisposable
{
    public static readonly PortalUser Admin = new("dd0e0000-0000-4000-8001-000000000001", DemoTenant.AdminUpn, "Adele Admin");

    private readonly TempDatabase _database;
    private readonly EmulatedTenant _tenant;

    private SetupTestBed(TempDatabase database, SetupOptions options, Action<IServiceCollection>? register, IReadOnlyDictionary<string, string?>? clientSettings)
    {
        var steps = new ServiceCollection().AddSetupSteps();
        // What the effective-access check of the verify step reads: the portal's groups, the settings and the clock.
        steps.AddSingleton<IDbContextFactory<PortalDbContext>>(_ => this);
        steps.AddSingleton<IOptions<SetupOptions>>(Microsoft.Extensions.Options.Options.Create(options));
        steps.AddSingleton<TimeProvider>(_ => Clock!);
        register?.Invoke(steps);
        Steps = steps.BuildServiceProvider();
        _database = database;
        Options = options;
        Clock = new FakeTimeProvider(TimeProvider.System.GetUtcNow());
        _tenant = EmulatedTenant.Start(new EmulatedTenantOptions
        {
            TenantClock = Clock,
            Settings = new Dictionary<string, string?>
            {
                ["TenantClients:RetryBaseDelay"] = "00:00:00.001",
                ["TenantClients:MaxRetryAfter"] = "00:00:00.010",
                ["TenantClients:MaxConcurrencyPerTenant"] = "4",
            }.Concat(clientSettings ?? new Dictionary<string, string?>()),
        });
        Exchange = _tenant.Exchange;
        Directory = _tenant.Directory;
        Trail = new AuditTrail(Clock);
        Engine = NewEngine();
        Launcher = new SetupRunLauncher(this, Scheduler, Notifier, Steps.GetRequiredService<SetupPlanBuilder>(), Modes, Microsoft.Extensions.Options.Options.Create(Options), Clock);
        Reader = new SetupRunReader(this);
    }

    public string Folder => _database.Folder;
    public SetupOptions Options { get; }
    public FakeTimeProvider Clock { get; }
    public TenantState Tenant => _tenant.Tenant;
    public EmulatedTenant Emulated => _tenant;
    public IExchangeClient Exchange { get; }
    public IDirectoryClient Directory { get; }
    public AuditTrail Trail { get; }
    public RecordingScheduler Scheduler { get; } = new();
    public RunProgressNotifier Notifier { get; } = new();
    public SetupRunEngine Engine { get; }
    public SetupRunLauncher Launcher { get; }
    public SetupRunReader Reader { get; }

    public static async Task<SetupTestBed> CreateAsync(
        Action<SetupOptions>? configure = null, Action<IServiceCollection>? register = null, PortalDatabaseProvider provider = PortalDatabaseProvider.Sqlite,
        IReadOnlyDictionary<string, string?>? clientSettings = null)
    {
        var options = new SetupOptions
        {
            RetryBaseDelay = TimeSpan.FromSeconds(1),
            MaxRetryDelay = TimeSpan.FromSeconds(10),
            ReplicationPollInterval = TimeSpan.FromSeconds(5),
            MaxStepAttempts = 30,
        };
        configure?.Invoke(options);
        return new SetupTestBed(await TempDatabase.CreateAsync("dropzone-setup-tests", writeAheadLog: true, provider), options, register, clientSettings);
    }

    /// <summary>The steps, the restriction modes and the verifier as the host registers them.</summary>
    public IServiceProvider Steps { get; }

    public RestrictionModeCatalog Modes => Steps.GetRequiredService<RestrictionModeCatalog>();

    /// <summary>This bed's own portal instance: the engines it builds without another identity lease runs as this one.</summary>
    public PortalInstanceIdentity Instance { get; } = PortalInstanceIdentity.ForThisProcess();

    /// <summary>An engine of <paramref name="instance"/> (another portal instance on the same database), or of this bed's instance.</summary>
    public SetupRunEngine NewEngine(PortalInstanceIdentity? instance = null) => new(this, Exchange, Directory, Steps.GetRequiredService<SetupStepCatalog>(), Trail, Notifier, Scheduler,
        instance ?? Instance, Microsoft.Extensions.Options.Options.Create(Options), Clock, NullLogger<SetupRunEngine>.Instance);

    /// <summary>The heartbeat table as <paramref name="instance"/> sees it, on the bed's clock.</summary>
    public InstanceRegistry Registry(PortalInstanceIdentity instance) => new(this, instance, Microsoft.Extensions.Options.Options.Create(Options), Clock);

    /// <summary>The takeover as <paramref name="instance"/> runs it; taken runs are queued on <see cref="Scheduler"/>.</summary>
    public RunTakeover Takeover(PortalInstanceIdentity instance) => new(this, Registry(instance), Scheduler, NullLogger<RunTakeover>.Instance);

    public GroupRechecker NewRechecker() => new(this, Exchange, Directory, Steps.GetRequiredService<GroupVerifier>(),
        Steps.GetRequiredService<Dropzone.Portal.Core.Access.EffectiveAccessCheck>(), Modes, Trail,
        Microsoft.Extensions.Options.Options.Create(Options), Clock, NullLogger<GroupRechecker>.Instance);

    public PortalDbContext CreateDbContext() => _database.CreateDbContext();

    /// <summary>The preflight of a setup's cmdlets, through the bed's tenant clients.</summary>
    public SetupPermissionPreflight PermissionPreflight() => new(
        _tenant.Services.GetRequiredService<Dropzone.Portal.TenantClients.Connection.ExchangePermissionPreflight>(),
        Steps.GetRequiredService<SetupPlanBuilder>(), Modes, Microsoft.Extensions.Options.Options.Create(Options));

    public void SetFaults(Func<EmulatorFaults, EmulatorFaults> change) => Tenant.SetFaults(change(Tenant.Faults));

    /// <summary>Mailbox addresses of the seeded demo users (people with a mailbox), in a stable order.</summary>
    public IReadOnlyList<string> DemoMailboxes() =>
        [.. Users().Where(u => u["mail"] is not null && u["recipientTypeDetails"]!.GetValue<string>() == "UserMailbox")
            .Select(u => u["mail"]!.GetValue<string>())];

    /// <summary>Adds <paramref name="count"/> mailbox users and answers their addresses.</summary>
    public IReadOnlyList<string> AddMailboxes(int count, string prefix)
    {
        var ids = Tenant.AddBulkMailboxUsers(count, prefix).Select(i => i.ToString()).ToHashSet(StringComparer.OrdinalIgnoreCase);
        return [.. Users().Where(u => ids.Contains(u["id"]!.GetValue<string>())).Select(u => u["mail"]!.GetValue<string>())];
    }

    private IEnumerable<JsonNode> Users() => Snapshot()["users"]!.AsArray().OfType<JsonNode>();

    public JsonObject Snapshot() => _tenant.Snapshot();

    public static SetupRequest Request(IReadOnlyList<string> members, RestrictionMode mode = default, string alias = "dropzone-scope") =>
        DemoSetups.Request(alias, members, mode, "Dropzone scope " + alias) with { GroupDescription = "Mailboxes Dropzone may read" };

    /// <summary>Plays the job system: advances the run, and when it waits, moves the clock to its next attempt.</summary>
    public async Task<AdvanceOutcome> DriveAsync(Guid runId, int maxAdvances = 200, SetupRunEngine? engine = null)
    {
        for (var i = 0; i < maxAdvances; i++)
        {
            var outcome = await (engine ?? Engine).AdvanceAsync(runId);
            if (outcome != AdvanceOutcome.Waiting)
            {
                return outcome;
            }

            await using var db = CreateDbContext();
            var next = await db.SetupRuns.Where(r => r.Id == runId).Select(r => r.NextAttemptAt).SingleAsync();
            if (next is { } at && at > Clock.GetUtcNow().UtcDateTime)
            {
                Clock.SetUtcNow(new DateTimeOffset(DateTime.SpecifyKind(at, DateTimeKind.Utc)));
            }
        }

        throw new InvalidOperationException($"Run {runId} did not finish in {maxAdvances} advances.");
    }

    public async Task<SetupRun> RunAsync(Guid runId)
    {
        await using var db = CreateDbContext();
        return await db.SetupRuns.AsNoTracking().Include(r => r.Steps).ThenInclude(s => s.AttemptLog).SingleAsync(r => r.Id == runId);
    }

    public async Task<IReadOnlyList<string>> GroupMembersAsync(string group)
    {
        var members = await Exchange.GetMembersAsync(group) ?? throw new InvalidOperationException("Group not found.");
        return [.. members.Select(m => m.PrimarySmtpAddress!)];
    }

    public async ValueTask DisposeAsync()
    {
        await _tenant.DisposeAsync();
        await _database.DisposeAsync();
    }
}
