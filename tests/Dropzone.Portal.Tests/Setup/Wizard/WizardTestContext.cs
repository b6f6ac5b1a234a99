using Bunit.TestDoubles;
using Dropzone.Portal.Core.Setup.Steps;
using Dropzone.Portal.Features.Setup;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.JSInterop;

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
/// migrated temp SQLite file for drafts, the real script renderer; only the launcher is recorded.
/// </summary>
public abstract class WizardTestContext : PortalComponentContext, IAsyncLifetime
{
    public const string AdminObjectId = "dd0e0000-0000-4000-8001-000000000001";

    private readonly EmulatedTenant _tenant = EmulatedTenant.Start(new EmulatedTenantOptions
    {
        Settings = [new("TenantClients:RetryBaseDelay", "00:00:00.001")],
    });

    private readonly TempDatabase _db = TempDatabase.Create("dropzone-wizard-tests");

    protected WizardTestContext()
    {
        Services.AddSingleton<IConfiguration>(new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["RestrictedApp:ClientId"] = DemoTenant.RestrictedAppId,
        }).Build());
        Services.AddTransient(_ => _tenant.Directory);
        Services.AddTransient(_ => _tenant.Exchange);
        Services.AddTransient(_ => _tenant.Services.GetRequiredService<Dropzone.Portal.TenantClients.Connection.ExchangePermissionPreflight>());
        Services.AddSingleton<IDbContextFactory<PortalDbContext>>(_db);
        Services.AddSingleton(TimeProvider.System);
        Services.AddSingleton<ILoggerFactory>(NullLoggerFactory.Instance);
        Services.AddSingleton(typeof(ILogger<>), typeof(NullLogger<>));
        Services.AddSingleton(Options.Create(new SetupOptions()));
        Services.AddSetupSteps();
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

    public TenantState Tenant => _tenant.Tenant;

    public IExchangeClient Exchange => _tenant.Exchange;

    public SetupDraftStore Drafts => Services.GetRequiredService<SetupDraftStore>();

    public Task InitializeAsync() => Task.CompletedTask;

    public new async Task DisposeAsync()
    {
        await base.DisposeAsync();
        await _tenant.DisposeAsync();
        await _db.DisposeAsync();
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
}
