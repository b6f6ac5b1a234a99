using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using Npgsql;

namespace Dropzone.Portal.Testing;

/// <summary>
/// A private PostgreSQL cluster for the test run: initdb + pg_ctl from the server binaries (Debian's
/// <c>/usr/lib/postgresql/N/bin</c>, or <c>DROPZONE_POSTGRES_BIN</c>) in a temp folder, on a free loopback port,
/// started on first use and stopped when the process exits. One cluster per test process; each caller gets a fresh
/// database, copied from a migrated template so no test pays for the migration. Never a system service.
/// As root (CI, containers) the server runs as the <c>postgres</c> user, since PostgreSQL refuses to run as root.
/// </summary>
public sealed class PostgreSqlServer
{
    public const string BinEnvironmentVariable = "DROPZONE_POSTGRES_BIN";
    private const string TemplateDatabase = "dropzone_template";
    private const string FolderPrefix = "dropzone-pg-";

    private static readonly Lazy<Task<PostgreSqlServer>> Shared = new(StartAsync, LazyThreadSafetyMode.ExecutionAndPublication);
    private static int _databases;

    private readonly string _folder;
    private readonly string _bin;
    private readonly string? _runAs;

    private PostgreSqlServer(string folder, string bin, string? runAs, int port)
    {
        _folder = folder;
        _bin = bin;
        _runAs = runAs;
        Port = port;
    }

    public int Port { get; }

    /// <summary>The folder of the server binaries, or null when none is installed.</summary>
    public static string? BinFolder { get; } = FindBinFolder();

    /// <summary>Whether the run requires PostgreSQL (CI): then a missing server fails the tests instead of skipping them.</summary>
    public static bool Required => string.Equals(Environment.GetEnvironmentVariable("CI"), "true", StringComparison.OrdinalIgnoreCase);

    /// <summary>Why the PostgreSQL cases do not run here, or null when they do.</summary>
    public static string? SkipReason => BinFolder is null && !Required
        ? $"PostgreSQL server binaries not found (looked in ${BinEnvironmentVariable} and /usr/lib/postgresql/*/bin); " +
          "install Debian's postgresql package to run the PostgreSQL cases (CI=true makes this a failure)."
        : null;

    /// <summary>The run's cluster, started on first use.</summary>
    public static Task<PostgreSqlServer> GetAsync() => Shared.Value;

    /// <summary>A connection string to the server's maintenance database as the superuser.</summary>
    public string AdminConnectionString => ConnectionString("postgres");

    public string ConnectionString(string database) => new NpgsqlConnectionStringBuilder
    {
        Host = "127.0.0.1",
        Port = Port,
        Username = "postgres",
        Database = database,
        // Tests open several hosts and contexts at once; keep each pool small and let idle connections go.
        MaxPoolSize = 20,
        ConnectionIdleLifetime = 10,
        Timeout = 30,
        CommandTimeout = 120,
    }.ToString();

    /// <summary>
    /// A new database with the portal's schema (migrated once per run into a template), named after
    /// <paramref name="purpose"/>. Returns its connection string.
    /// </summary>
    public async Task<string> CreateDatabaseAsync(string purpose, bool migrated = true)
    {
        var name = $"{Sanitize(purpose)}_{Interlocked.Increment(ref _databases).ToString(CultureInfo.InvariantCulture)}_{Environment.ProcessId.ToString(CultureInfo.InvariantCulture)}";
        await using var connection = new NpgsqlConnection(AdminConnectionString);
        await connection.OpenAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = migrated ? $"CREATE DATABASE \"{name}\" TEMPLATE \"{TemplateDatabase}\"" : $"CREATE DATABASE \"{name}\"";
        await command.ExecuteNonQueryAsync();
        return ConnectionString(name);
    }

    /// <summary>Drops a database made by <see cref="CreateDatabaseAsync"/>, closing its connections first.</summary>
    public async Task DropDatabaseAsync(string connectionString)
    {
        var name = new NpgsqlConnectionStringBuilder(connectionString).Database!;
        NpgsqlConnection.ClearAllPools();
        await using var connection = new NpgsqlConnection(AdminConnectionString);
        await connection.OpenAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = $"DROP DATABASE IF EXISTS \"{name}\" WITH (FORCE)";
        await command.ExecuteNonQueryAsync();
    }

    private static async Task<PostgreSqlServer> StartAsync()
    {
        var bin = BinFolder ?? throw new InvalidOperationException(
            $"PostgreSQL is required (CI=true) but its server binaries were not found; install Debian's postgresql package or set {BinEnvironmentVariable}.");
        StopAbandonedClusters(bin);
        var runAs = Environment.UserName == "root" ? "postgres" : null;
        // The owner's PID is in the name, so no other test process ever sees this folder without an owner.
        var folder = Path.Combine(Path.GetTempPath(),
            $"{FolderPrefix}{Environment.ProcessId.ToString(CultureInfo.InvariantCulture)}-{Guid.NewGuid().ToString("N")[..12]}");
        Directory.CreateDirectory(folder);
        if (runAs is not null) await RunAsync("chown", null, "-R", runAs, folder);
        var data = Path.Combine(folder, "data");
        await RunAsync(Path.Combine(bin, "initdb"), runAs, "-D", data, "-U", "postgres", "--auth=trust", "-E", "UTF8", "--locale=C.UTF-8", "--no-sync");
        var port = FreePort();
        var server = new PostgreSqlServer(folder, bin, runAs, port);
        // Durability settings off: a test cluster is thrown away, and fsync is most of a commit's cost here.
        var settings = string.Join(' ',
            $"-p {port.ToString(CultureInfo.InvariantCulture)}", "-c listen_addresses=127.0.0.1", $"-k {folder}",
            "-c fsync=off", "-c synchronous_commit=off", "-c full_page_writes=off", "-c max_connections=300",
            "-c shared_buffers=128MB");
        await RunAsync(Path.Combine(bin, "pg_ctl"), runAs, "-D", data, "-l", Path.Combine(folder, "server.log"), "-o", settings, "-w", "-t", "60", "start");
        AppDomain.CurrentDomain.ProcessExit += (_, _) => server.Stop();
        await server.CreateTemplateAsync();
        return server;
    }

    private async Task CreateTemplateAsync()
    {
        await using (var connection = new NpgsqlConnection(AdminConnectionString))
        {
            await connection.OpenAsync();
            await using var command = connection.CreateCommand();
            command.CommandText = $"CREATE DATABASE \"{TemplateDatabase}\"";
            await command.ExecuteNonQueryAsync();
        }
        var template = ConnectionString(TemplateDatabase);
        await using (var db = new PortalDbContext(new DbContextOptionsBuilder<PortalDbContext>()
            .UsePortalDatabase(PortalDatabaseProvider.PostgreSql, template).Options))
        {
            await db.Database.MigrateAsync();
        }
        // CREATE DATABASE … TEMPLATE needs the template to have no open connections.
        NpgsqlConnection.ClearAllPools();
    }

    private void Stop()
    {
        try
        {
            Run(Path.Combine(_bin, "pg_ctl"), _runAs, "-D", Path.Combine(_folder, "data"), "-m", "immediate", "-w", "stop");
        }
        catch (InvalidOperationException)
        {
        }
        TestFolder.TryDelete(_folder);
    }

    /// <summary>Clusters left behind by a test process that was killed: stopped and deleted.</summary>
    private static void StopAbandonedClusters(string bin)
    {
        foreach (var folder in Directory.EnumerateDirectories(Path.GetTempPath(), FolderPrefix + "*"))
        {
            var owner = Path.GetFileName(folder)[FolderPrefix.Length..].Split('-')[0];
            if (!int.TryParse(owner, CultureInfo.InvariantCulture, out var pid) || IsRunning(pid)) continue;
            var data = Path.Combine(folder, "data");
            if (PostmasterRunsOn(data))
            {
                try
                {
                    Run(Path.Combine(bin, "pg_ctl"), Environment.UserName == "root" ? "postgres" : null, "-D", data, "-m", "immediate", "-w", "stop");
                }
                catch (InvalidOperationException)
                {
                    // Stopped in the meantime.
                }
            }
            TestFolder.TryDelete(folder);
        }
    }

    /// <summary>
    /// Whether the PID in the cluster's lock file is a postgres process on <paramref name="data"/>. pg_ctl stop signals
    /// whatever process holds that PID, and PIDs come round quickly on a test machine (32,768 of them, and every
    /// PostgreSQL connection is a process): a stale lock file must never get another process killed.
    /// </summary>
    private static bool PostmasterRunsOn(string data)
    {
        try
        {
            var lockFile = File.ReadAllLines(Path.Combine(data, "postmaster.pid"));
            if (lockFile.Length == 0 || !int.TryParse(lockFile[0], CultureInfo.InvariantCulture, out var pid)) return false;
            var commandLine = File.ReadAllText($"/proc/{pid.ToString(CultureInfo.InvariantCulture)}/cmdline").Replace('\0', ' ');
            return commandLine.Contains("postgres", StringComparison.Ordinal) && commandLine.Contains(data, StringComparison.Ordinal);
        }
        catch (IOException)
        {
            return false;
        }
        catch (UnauthorizedAccessException)
        {
            return false;
        }
    }

    private static bool IsRunning(int pid)
    {
        try
        {
            using var process = Process.GetProcessById(pid);
            return !process.HasExited;
        }
        catch (ArgumentException)
        {
            return false;
        }
    }

    private static string? FindBinFolder()
    {
        if (Environment.GetEnvironmentVariable(BinEnvironmentVariable) is { Length: > 0 } configured)
        {
            return File.Exists(Path.Combine(configured, "pg_ctl")) ? configured : null;
        }
        const string root = "/usr/lib/postgresql";
        if (!Directory.Exists(root)) return null;
        return Directory.EnumerateDirectories(root)
            .Select(d => (Version: int.TryParse(Path.GetFileName(d), CultureInfo.InvariantCulture, out var v) ? v : 0, Bin: Path.Combine(d, "bin")))
            .Where(d => File.Exists(Path.Combine(d.Bin, "pg_ctl")))
            .OrderByDescending(d => d.Version)
            .Select(d => d.Bin)
            .FirstOrDefault();
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    private static string Sanitize(string purpose)
    {
        var name = new string([.. purpose.ToLowerInvariant().Select(c => char.IsAsciiLetterOrDigit(c) ? c : '_')]);
        return name.Length > 40 ? name[..40] : name;
    }

    private static Task RunAsync(string program, string? runAs, params string[] args) => Task.Run(() => Run(program, runAs, args));

    private static void Run(string program, string? runAs, params string[] args)
    {
        var start = new ProcessStartInfo(runAs is null ? program : "runuser")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        if (runAs is not null)
        {
            start.ArgumentList.Add("-u");
            start.ArgumentList.Add(runAs);
            start.ArgumentList.Add("--");
            start.ArgumentList.Add(program);
        }
        foreach (var arg in args) start.ArgumentList.Add(arg);
        using var process = Process.Start(start) ?? throw new InvalidOperationException($"Could not start {program}.");
        // pg_ctl start leaves the server holding inherited handles open; read to the end only when it exits.
        var stderr = process.StandardError.ReadToEndAsync();
        var stdout = process.StandardOutput.ReadToEndAsync();
        if (!process.WaitForExit(120_000)) throw new InvalidOperationException($"{program} did not finish within 120 s.");
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"{Path.GetFileName(program)} {string.Join(' ', args)} failed ({process.ExitCode}): {stderr.Result}{stdout.Result}");
        }
    }
}
