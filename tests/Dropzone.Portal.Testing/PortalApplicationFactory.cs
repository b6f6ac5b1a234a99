using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;

namespace Dropzone.Portal.Testing;

/// <summary>
/// Hosts the real portal (Program) for a test: its own data folder with a real SQLite file, the
/// Development environment (so the emulated tenant is mounted) and optional extra settings.
/// Call <see cref="StartOnKestrel"/> to serve it on a real port for a browser.
/// </summary>
public class PortalApplicationFactory : WebApplicationFactory<Program>
{
    private readonly Dictionary<string, string?> _settings = new(StringComparer.OrdinalIgnoreCase);

    private readonly bool _ownsDataDirectory;
    private Action<IServiceCollection>? _testServices;

    public PortalApplicationFactory()
        : this(dataDirectory: null, environment: "Development")
    {
    }

    /// <summary>A portal on a data folder the caller owns (kept after disposal), e.g. to test a restart.</summary>
    public static PortalApplicationFactory ForDataDirectory(string dataDirectory, string environment = "Development") =>
        new(dataDirectory, environment);

    /// <summary>A portal in another environment (e.g. Production) on its own temporary data folder.</summary>
    public static PortalApplicationFactory ForEnvironment(string environment) => new(null, environment);

    private PortalApplicationFactory(string? dataDirectory, string environment)
    {
        _ownsDataDirectory = dataDirectory is null;
        DataDirectory = dataDirectory ?? TestFolder.Create();
        Directory.CreateDirectory(DataDirectory);
        Environment = environment;
        _settings["ConnectionStrings:Portal"] = $"Data Source={DatabasePath}";
        // Job storage too: hosts sharing the default data/jobs.db under the project would take each other's
        // jobs (an apply job picked up by another test's portal finds no request and is lost).
        _settings["ConnectionStrings:Jobs"] = $"Data Source={Path.Combine(DataDirectory, "jobs.db")}";
        // Keep test logs beside the test database instead of the source tree.
        _settings["Logging:File:Path"] = Path.Combine(DataDirectory, "logs", "portal-.log");
    }

    public string DataDirectory { get; }

    public string Environment { get; }

    public string DatabasePath => Path.Combine(DataDirectory, "portal.db");

    /// <summary>The address the browser uses once <see cref="StartOnKestrel"/> has run.</summary>
    public Uri? ServerAddress { get; private set; }

    public PortalApplicationFactory WithSetting(string key, string? value)
    {
        _settings[key] = value;
        return this;
    }

    /// <summary>
    /// Points the portal at <paramref name="database"/> (either engine; see <see cref="TempDatabase"/>). On PostgreSQL
    /// the job storage is that database too (Hangfire's own schema), as the portal runs it by default.
    /// </summary>
    public PortalApplicationFactory WithDatabase(TempDatabase database)
    {
        ArgumentNullException.ThrowIfNull(database);
        foreach (var (key, value) in database.Settings) _settings[key] = value;
        if (database.Provider == PortalDatabaseProvider.PostgreSql)
        {
            _settings.Remove("ConnectionStrings:Jobs");
            // The files kept beside the database (chain key, checkpoints, certificate) stay in the test's folder.
            _settings["Database:DataFolder"] = DataDirectory;
            _settings["Audit:ArchiveFolder"] = Path.Combine(DataDirectory, "audit-archive");
        }
        return this;
    }

    /// <summary>Adds services after the portal's own (e.g. a startup filter with probe endpoints).</summary>
    public PortalApplicationFactory WithTestServices(Action<IServiceCollection> configure)
    {
        _testServices += configure;
        return this;
    }

    /// <summary>Starts the portal on Kestrel at a free loopback port and returns its address.</summary>
    public Uri StartOnKestrel()
    {
        UseKestrel(0);
        StartServer();
        var addresses = Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()
            ?? throw new InvalidOperationException("Kestrel did not report its address.");
        var address = addresses.Addresses.First().Replace("127.0.0.1", "localhost", StringComparison.Ordinal);
        ServerAddress = new Uri(address);
        return ServerAddress;
    }

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseEnvironment(Environment);
        foreach (var (key, value) in _settings)
        {
            builder.UseSetting(key, value);
        }
        if (_testServices is not null)
        {
            builder.ConfigureServices(_testServices);
        }
    }

    protected override void Dispose(bool disposing)
    {
        base.Dispose(disposing);
        if (disposing)
        {
            Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
            if (_ownsDataDirectory)
            {
                TestFolder.TryDelete(DataDirectory);
            }
        }
    }
}
