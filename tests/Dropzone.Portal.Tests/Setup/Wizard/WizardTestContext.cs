using System.Security.Claims;
using Bunit;
using Bunit.TestDoubles;
using Dropzone.Portal.Core.Data;
using Dropzone.Portal.Core.Identity;
using Dropzone.Portal.Core.Security;
using Dropzone.Portal.Core.Setup;
using Dropzone.Portal.Core.Setup.Wizard;
using Dropzone.Portal.Features.Setup;
using Dropzone.Portal.TenantClients;
using Dropzone.Portal.TenantClients.Exchange;
using Dropzone.Portal.TenantClients.Graph;
using Dropzone.Portal.Tests.Components;
using Dropzone.TenantEmulator;
using Dropzone.TenantEmulator.Directory;
using Dropzone.TenantEmulator.Hosting;
using Dropzone.TenantEmulator.State;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Microsoft.JSInterop;
using MudBlazor;

namespace Dropzone.Portal.Tests.Setup.Wizard;

/// <summary>Stands in for the run launcher: records the request, answers a run id or the rejection it is told to.</summary>
public sealed class RecordingLauncher : ISetupRunLauncher
{
    public SetupRequest? Request { get; private set; }

    public string? Reject { get; set; }

    public Guid RunId { get; } = Guid.NewGuid();

    public Task<Guid> StartAsync(SetupRequest request, PortalUser actor, CancellationToken cancellationToken = default)
    {
        if (Reject is not null)
        {
            throw new SetupRejectedException(Reject);
        }
        Request = request;
        return Task.FromResult(RunId);
    }
}

/// <summary>
/// bUnit context with the wizard's real services: the tenant clients over HTTP to the in-process emulator, a
/// migrated SQLite file for drafts, the real script renderer; only the launcher is recorded.
/// </summary>
public abstract class WizardTestContext : PortalComponentContext, IAsyncLifetime
{
    public const string AdminObjectId = "dd0e0000-0000-4000-8001-000000000001";

    private readonly string _folder = Path.Combine(Path.GetTempPath(), "dropzone-wizard-tests", Guid.NewGuid().ToString("N"));
    private readonly ServiceProvider _emulator;
    private readonly IHost _clients;
    private readonly DbFactory _db;

    protected WizardTestContext()
    {
        Directory.CreateDirectory(_folder);
        _emulator = new ServiceCollection().AddTenantEmulator().BuildServiceProvider();
        var handler = _emulator.GetRequiredService<EmulatorHttpHandler>();
        var builder = Host.CreateEmptyApplicationBuilder(new HostApplicationBuilderSettings());
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["AzureAd:Instance"] = DemoTenant.Instance,
            ["AzureAd:TenantId"] = DemoTenant.TenantId,
            ["AzureAd:ClientId"] = DemoTenant.PortalClientId,
            ["AzureAd:ClientSecret"] = DemoTenant.PortalClientSecret,
            ["TenantClients:RetryBaseDelay"] = "00:00:00.001",
        });
        builder.AddTenantClients(_ => handler);
        _clients = builder.Build();

        var connection = new SqliteConnectionStringBuilder { DataSource = Path.Combine(_folder, "portal.db"), Pooling = false }.ToString();
        _db = new DbFactory(new DbContextOptionsBuilder<PortalDbContext>().UseSqlite(connection).Options);

        Services.AddSingleton<IConfiguration>(new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["RestrictedApp:ClientId"] = DemoTenant.RestrictedAppId,
        }).Build());
        Services.AddTransient(_ => _clients.Services.GetRequiredService<IDirectoryClient>());
        Services.AddTransient(_ => _clients.Services.GetRequiredService<IExchangeClient>());
        Services.AddSingleton<IDbContextFactory<PortalDbContext>>(_db);
        Services.AddSingleton(TimeProvider.System);
        Services.AddSingleton<ILoggerFactory>(NullLoggerFactory.Instance);
        Services.AddSingleton(typeof(ILogger<>), typeof(NullLogger<>));
        Services.AddSingleton(Options.Create(new SetupOptions()));
        Services.AddSingleton<SetupScriptRenderer>();
        Services.AddSingleton<ISetupRunLauncher>(Launcher);
        Services.AddTransient<SetupWizardService>();
        Services.AddSingleton<SetupDraftStore>();
        Services.AddScoped<SetupWizardSession>();
        Authorization = AddAuthorization();
        Authorization.SetAuthorized("Adele Admin").SetClaims(
            new Claim("oid", AdminObjectId), new Claim("preferred_username", DemoTenant.AdminUpn), new Claim("name", "Adele Admin"));
        Authorization.SetPolicies(PortalPolicies.Admin);
    }

    public RecordingLauncher Launcher { get; } = new();

    protected BunitAuthorizationContext Authorization { get; }

    /// <summary>Where MudBlazor renders dropdowns (the picker's results).</summary>
    protected IRenderedComponent<MudPopoverProvider> Popovers { get; private set; } = null!;

    public TenantState Tenant => _emulator.GetRequiredService<TenantState>();

    public IExchangeClient Exchange => _clients.Services.GetRequiredService<IExchangeClient>();

    public SetupDraftStore Drafts => Services.GetRequiredService<SetupDraftStore>();

    public async Task InitializeAsync()
    {
        await using var db = _db.CreateDbContext();
        await db.Database.MigrateAsync();
    }

    public new async Task DisposeAsync()
    {
        await base.DisposeAsync();
        _clients.Dispose();
        await _emulator.DisposeAsync();
        SqliteConnection.ClearAllPools();
        try
        {
            Directory.Delete(_folder, recursive: true);
        }
        catch (IOException)
        {
            // A file still held open is left to the temp cleaner rather than failing a passing test.
        }
    }

    /// <summary>What the browser hands over when the members step asks for the pasted text (a stream, never one big message).</summary>
    protected void Paste(string text) =>
        JSInterop.SetupModule("./Components/Pages/Setup/MembersStep.razor.js")
            .Setup<IJSStreamReference>("pastedText", _ => true)
            .SetResult(new TextStreamReference(text));

    private sealed class TextStreamReference(string text) : IJSStreamReference
    {
        private readonly byte[] _bytes = System.Text.Encoding.UTF8.GetBytes(text);

        public long Length => _bytes.Length;

        public ValueTask<Stream> OpenReadStreamAsync(long maxAllowedSize = 512000, CancellationToken cancellationToken = default) =>
            ValueTask.FromResult<Stream>(new MemoryStream(_bytes));

        public ValueTask DisposeAsync() => ValueTask.CompletedTask;
    }

    /// <summary>The page, as the admin would reopen it with this draft (null: a fresh wizard).</summary>
    protected async Task<IRenderedComponent<Dropzone.Portal.Components.Pages.Setup.Setup>> OpenWizardAsync(int? step = null, SetupWizardState? state = null)
    {
        if (step is { } s)
        {
            var revision = (await Drafts.ReadAsync(AdminObjectId)).Revision;
            Assert.True((await Drafts.SaveAsync(AdminObjectId, revision, s, s, state ?? ValidState())).Saved);
        }
        Popovers = Render<MudPopoverProvider>();
        var page = Render<Dropzone.Portal.Components.Pages.Setup.Setup>();
        page.WaitForElement("[data-testid=wizard-back]", TimeSpan.FromSeconds(10));
        return page;
    }

    /// <summary>A state that passes every check against the demo tenant.</summary>
    protected static SetupWizardState ValidState() => new()
    {
        AppClientId = DemoTenant.RestrictedAppId,
        AppDisplayName = DemoTenant.RestrictedAppDisplayName,
        AppServicePrincipalId = DemoTenant.RestrictedServicePrincipalId,
        AppUnscopedMailPermissions = ["Mail.Read"],
        GroupDisplayName = "Dropzone scope",
        GroupAlias = "dropzone-scope",
        GroupDomain = DemoTenant.Domain,
        Owners = [new SetupPerson("o", DemoTenant.OwnerUpn, "Olivia Owner")],
        PickedMembers = [new SetupMember(DemoTenant.PhishingReportMailbox, null, "Phishing Reports")],
    };

    private sealed class DbFactory(DbContextOptions<PortalDbContext> options) : IDbContextFactory<PortalDbContext>
    {
        public PortalDbContext CreateDbContext() => new(options);
    }
}
