using Dropzone.Portal.Core.Restriction;

namespace Dropzone.Portal.Tests.MultiInstance;

/// <summary>
/// A portal process configured as for a real tenant (AzureAd authority, Graph and Exchange base URLs, client
/// secret), pointed at the standalone emulator process over HTTPS: Identity.Web's OpenID Connect sign-in, MSAL's
/// client credentials and the Exchange and Graph clients all run their real-tenant code over real sockets, URLs
/// being the only difference. The emulator's certificate is trusted the way a deployment trusts a private CA.
/// </summary>
public sealed class RealTenantSettingsTests : IDisposable
{
    private readonly string _folder = TestFolder.Create("dropzone-real-tenant-settings");

    public void Dispose()
    {
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        TestFolder.TryDelete(_folder);
    }

    [Fact]
    public async Task PortalProcess_OnTheStandaloneEmulatorAsARealTenant_SignsInAndRunsASetupToVerified()
    {
        var certificate = TestCertificate.Create(_folder);
        await using var emulator = await StandaloneEmulator.StartHttpsAsync(Path.Combine(_folder, "emulated-tenant.json"), certificate);
        var data = Path.Combine(_folder, "portal");
        Directory.CreateDirectory(data);
        var settings = emulator.PortalSettings();
        settings["SSL_CERT_FILE"] = certificate.CertificatePath;
        settings["ConnectionStrings:Portal"] = $"Data Source={Path.Combine(data, "portal.db")}";
        settings["ConnectionStrings:Jobs"] = $"Data Source={Path.Combine(data, "jobs.db")}";
        settings["Logging:File:Path"] = Path.Combine(data, "logs", "portal-.log");
        settings["Jobs:QueuePollInterval"] = "00:00:00.200";
        await using var portal = AppProcess.Start("portal", BuiltApps.Portal, settings);
        var portalAddress = await portal.WaitUntilListeningAsync();

        // Sign-in: the portal's OIDC handler reads the emulator's metadata over HTTPS and redeems the code there.
        using var browser = new HttpClient(certificate.TrustingHandler()) { BaseAddress = portalAddress, Timeout = TimeSpan.FromSeconds(120) };
        await PortalSignIn.SignInWithTranscriptAsync(browser, DemoTenant.AdminUpn);
        using var home = await browser.GetAsync("/");
        Assert.True(home.StatusCode == HttpStatusCode.OK, $"{home.StatusCode}\n{portal.Output}");
        // No emulator of its own: the real-tenant path is taken.
        using var mounted = await browser.GetAsync("/_emulator/_control/state");
        Assert.NotEqual(HttpStatusCode.OK, mounted.StatusCode);

        // Apply, as the wizard does it, on the portal's database and job storage; the portal process's workers run it.
        await using var starter = await SetupHost.StartAsync(data, new Dictionary<string, string?> { ["Jobs:RunServer"] = "false" });
        var runId = await starter.Services.GetRequiredService<ISetupRunLauncher>().StartAsync(
            DemoSetups.Request("dropzone-real-path", [DemoTenant.PhishingReportMailbox], RestrictionMode.ApplicationAccessPolicy, "Dropzone real path"), DemoSetups.Admin);

        var run = await WaitUntilFinishedAsync(starter, runId, portal);

        Assert.True(run.State == SetupRunState.Succeeded, $"{run.State}: {run.FailureMessage}\n{portal.Output}");
        Assert.All(run.Steps, s => Assert.Contains(s.State, new[] { SetupStepState.Succeeded, SetupStepState.Skipped }));
        Assert.Equal(SetupStepState.Succeeded, run.Steps.Single(s => s.Kind == SetupStepKind.Verify).State);
        var tenant = await emulator.StateAsync();
        var group = tenant["groups"]!.AsArray().Single(g => g!["primarySmtpAddress"]!.GetValue<string>() == "dropzone-real-path@" + DemoTenant.Domain)!;
        Assert.Contains(DemoTenant.PhishingReportMailbox, group.ToJsonString(), StringComparison.OrdinalIgnoreCase);
        Assert.Contains(tenant["policies"]!.AsArray(), p => p!.ToJsonString().Contains("dropzone-real-path", StringComparison.OrdinalIgnoreCase));
        // The calls reached the emulator over the network, by the real services' paths.
        Assert.Contains(tenant["calls"]!.AsArray(), c => c!["path"]!.GetValue<string>().StartsWith("/adminapi/beta/", StringComparison.Ordinal));
    }

    private static async Task<SetupRun> WaitUntilFinishedAsync(SetupHost starter, Guid runId, AppProcess portal)
    {
        var factory = starter.Services.GetRequiredService<IDbContextFactory<PortalDbContext>>();
        var deadline = DateTime.UtcNow.AddMinutes(3);
        while (DateTime.UtcNow < deadline)
        {
            await using var db = await factory.CreateDbContextAsync();
            var run = await db.SetupRuns.AsNoTracking().Include(r => r.Steps).SingleAsync(r => r.Id == runId);
            if (run.IsFinished)
            {
                return run;
            }
            await Task.Delay(TimeSpan.FromMilliseconds(250));
        }
        throw new TimeoutException($"Run {runId} did not finish within 3 minutes.\n{portal.Output}");
    }
}
