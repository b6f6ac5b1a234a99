using System.Text.Json.Nodes;
using Dropzone.Portal.Core.Audit;
using Dropzone.Portal.Core.Instances;
using Dropzone.Portal.Core.Setup;
using Dropzone.Portal.Core.Setup.Steps;
using Dropzone.Portal.Jobs;
using Hangfire;
using Hangfire.PostgreSql;
using Hangfire.PostgreSql.Factories;
using Microsoft.Extensions.Options;

namespace Dropzone.Portal.Testing;

/// <summary>
/// Several portal processes as an operator runs them (decision 016): one PostgreSQL database for data and jobs, one
/// folder every instance mounts as <c>Database:DataFolder</c>, and one tenant, the standalone emulator over HTTPS,
/// which the portals use through their ordinary real-tenant settings. Setups are started from outside the
/// instances, as the wizard's Apply starts them (a run row and a job in the shared queue); whichever instance's
/// workers are free take them.
/// </summary>
public sealed class PortalCluster : IAsyncDisposable
{
    private readonly Dictionary<string, string?> _settings;
    private readonly List<AppProcess> _instances = [];
    private readonly ServiceProvider _launcherServices;
    private readonly PostgreSqlStorage _jobs;

    private PortalCluster(string folder, TempDatabase database, StandaloneEmulator emulator, Dictionary<string, string?> settings, SetupOptions setup)
    {
        Folder = folder;
        Database = database;
        Emulator = emulator;
        _settings = settings;
        var storageOptions = new PostgreSqlStorageOptions { PrepareSchemaIfNecessary = true };
        _jobs = new PostgreSqlStorage(new NpgsqlConnectionFactory(database.ConnectionString, storageOptions), storageOptions);
        var services = new ServiceCollection().AddLogging().AddSetupSteps();
        services.AddSingleton<IDbContextFactory<PortalDbContext>>(database);
        services.AddSingleton<ISetupRunScheduler>(new HangfireSetupRunScheduler(new BackgroundJobClient(_jobs)));
        services.AddSingleton<IRunProgressNotifier, RunProgressNotifier>();
        services.AddSingleton(Options.Create(setup));
        services.AddSingleton<ISetupRunLauncher, SetupRunLauncher>();
        _launcherServices = services.BuildServiceProvider();
    }

    /// <summary>Where the instances keep their logs and the shared data folder.</summary>
    public string Folder { get; }

    /// <summary>The folder every instance mounts as <c>Database:DataFolder</c> (audit chain key, checkpoints, certificate).</summary>
    public string SharedFolder => Path.Combine(Folder, "shared");

    public TempDatabase Database { get; }

    public StandaloneEmulator Emulator { get; }

    public IReadOnlyList<AppProcess> Instances => _instances;

    /// <summary>The wizard's Apply, outside every instance: the run and its job land in the shared database.</summary>
    public ISetupRunLauncher Launcher => _launcherServices.GetRequiredService<ISetupRunLauncher>();

    /// <summary>
    /// A fresh database on the run's PostgreSQL cluster and the emulator; no portal yet (<see cref="StartInstancesAsync"/>).
    /// <paramref name="settings"/> go to every instance; <paramref name="setup"/> must match their <c>Setup</c> section
    /// where the plan depends on it (the member thresholds).
    /// </summary>
    public static async Task<PortalCluster> CreateAsync(string purpose, IDictionary<string, string?> settings, SetupOptions setup)
    {
        var folder = TestFolder.Create(purpose);
        TempDatabase? database = null;
        try
        {
            database = await TempDatabase.CreateAsync(purpose, provider: PortalDatabaseProvider.PostgreSql);
            var certificate = TestCertificate.Create(folder);
            var emulator = await StandaloneEmulator.StartHttpsAsync(Path.Combine(folder, "emulated-tenant.json"), certificate);
            var all = emulator.PortalSettings();
            all["SSL_CERT_FILE"] = certificate.CertificatePath;
            all["Database:Provider"] = nameof(PortalDatabaseProvider.PostgreSql);
            all["ConnectionStrings:Portal"] = database.ConnectionString;
            all["Database:DataFolder"] = Path.Combine(folder, "shared");
            // Runs start promptly after Apply and after a takeover.
            all["Jobs:QueuePollInterval"] = "00:00:00.200";
            foreach (var (key, value) in settings)
            {
                all[key] = value;
            }
            return new PortalCluster(folder, database, emulator, all, setup);
        }
        catch
        {
            if (database is not null) await database.DisposeAsync();
            TestFolder.TryDelete(folder);
            throw;
        }
    }

    /// <summary>Starts <paramref name="count"/> portal processes at once and waits until each listens and has registered its heartbeat.</summary>
    public async Task<IReadOnlyList<AppProcess>> StartInstancesAsync(int count)
    {
        var started = new List<AppProcess>();
        for (var i = 0; i < count; i++)
        {
            var name = $"portal-{_instances.Count + 1}";
            var settings = new Dictionary<string, string?>(_settings, StringComparer.OrdinalIgnoreCase)
            {
                ["Logging:File:Path"] = Path.Combine(Folder, name, "logs", "portal-.log"),
            };
            var process = AppProcess.Start(name, BuiltApps.Portal, settings);
            _instances.Add(process);
            started.Add(process);
        }
        foreach (var process in started)
        {
            await process.WaitUntilListeningAsync();
            await InstanceIdAsync(process);
        }
        return started;
    }

    /// <summary>The <see cref="PortalInstance"/> id the process registered (its workers' ids start with it).</summary>
    public async Task<string> InstanceIdAsync(AppProcess process)
    {
        var deadline = DateTime.UtcNow.AddSeconds(120);
        while (true)
        {
            await using (var db = Database.CreateDbContext())
            {
                if (await db.PortalInstances.AsNoTracking().Where(i => i.ProcessId == process.Id).Select(i => i.Id).FirstOrDefaultAsync() is { } id)
                {
                    return id;
                }
            }
            if (process.HasExited || DateTime.UtcNow > deadline)
            {
                throw new InvalidOperationException($"{process.Name} registered no heartbeat:\n{process.Output}");
            }
            await Task.Delay(200);
        }
    }

    /// <summary>Mailboxes of the emulated tenant, to be members.</summary>
    public async Task<IReadOnlyList<string>> MailboxesAsync(int count)
    {
        var users = (await Emulator.StateAsync())["users"]!.AsArray();
        var mailboxes = users.Where(u => u!["mail"] is not null && u["recipientTypeDetails"]!.GetValue<string>() == "UserMailbox")
            .Select(u => u!["mail"]!.GetValue<string>()).Take(count).ToList();
        return mailboxes.Count == count ? mailboxes : throw new InvalidOperationException($"The emulated tenant has {mailboxes.Count} mailboxes, not {count}.");
    }

    /// <summary>Verifies the whole audit chain with the key and checkpoint log the instances share.</summary>
    public async Task<AuditVerificationResult> VerifyAuditAsync()
    {
        var key = AuditChainKey.FromFileText(await File.ReadAllTextAsync(Path.Combine(SharedFolder, AuditChainKeySource.DefaultFileName)));
        var checkpoints = new AuditCheckpointLog(Options.Create(new AuditOptions { CheckpointFile = Path.Combine(SharedFolder, "audit-checkpoints.jsonl") }), key, TimeProvider.System);
        return await new AuditVerifier(Database, key, checkpoints, TimeProvider.System).VerifyAsync();
    }

    /// <summary>Every instance's console output, for failure messages.</summary>
    public string Output() => string.Join("\n", _instances.Select(p => $"--- {p.Name} (pid {p.Id}{(p.HasExited ? ", exited" : "")})\n{Tail(p.Output)}"));

    private static string Tail(string text) => text.Length > 6000 ? "…" + text[^6000..] : text;

    /// <summary>Groups and access policies of the emulated tenant, by the group address they are about.</summary>
    public async Task<(IReadOnlyList<string> Groups, IReadOnlyList<string> PolicyScopes)> TenantObjectsAsync()
    {
        var state = await Emulator.StateAsync();
        var groups = state["groups"]!.AsArray().Select(g => g!["primarySmtpAddress"]!.GetValue<string>()).ToList();
        var policies = state["policies"]!.AsArray().Select(p => p!["scope"]?.GetValue<string>() ?? "").ToList();
        return (groups, policies);
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var instance in _instances)
        {
            await instance.DisposeAsync();
        }
        await Emulator.DisposeAsync();
        await _launcherServices.DisposeAsync();
        await Database.DisposeAsync();
        TestFolder.TryDelete(Folder);
    }
}

