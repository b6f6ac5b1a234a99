namespace Dropzone.Portal.Tests.MultiInstance;

/// <summary>The standalone emulator as its own process keeps its tenant across a kill and a restart.</summary>
public sealed class StandaloneEmulatorTests : IDisposable
{
    private readonly string _folder = TestFolder.Create("dropzone-standalone-emulator");

    private string StateFile => Path.Combine(_folder, "emulated-tenant.json");

    public void Dispose() => TestFolder.TryDelete(_folder);

    [Fact]
    public async Task KilledRightAfterAnswering_RestartedOnTheSameFile_KeepsTheChangeAndItsTokens()
    {
        string token;
        await using (var emulator = await StandaloneEmulator.StartAsync(StateFile))
        {
            token = await emulator.AppTokenAsync();
            using var created = await emulator.InvokeAsync(token, "New-DistributionGroup", new JsonObject
            {
                ["Name"] = "Survives kill",
                ["Type"] = "Security",
                ["ManagedBy"] = new JsonArray(DemoTenant.OwnerUpn),
                ["Members"] = new JsonArray(DemoTenant.PhishingReportMailbox),
            });
            Assert.Equal(HttpStatusCode.OK, created.StatusCode);
            // SIGKILL the moment the answer is in: nothing gets a chance to flush on the way out.
            await emulator.Process.KillAsync();
        }

        await using var restarted = await StandaloneEmulator.StartAsync(StateFile);
        // The token issued before the kill still works: the signing key is kept with the tenant.
        using var read = await restarted.InvokeAsync(token, "Get-DistributionGroupMember", new JsonObject { ["Identity"] = "Survives kill" });

        var body = await read.Content.ReadAsStringAsync();
        Assert.True(read.StatusCode == HttpStatusCode.OK, body);
        Assert.Contains(DemoTenant.PhishingReportMailbox, body, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public async Task CorruptStateFile_ProcessRefusesToStartNamingTheFile()
    {
        await File.WriteAllTextAsync(StateFile, "not json");

        await using var process = AppProcess.Start("tenant emulator", BuiltApps.TenantEmulator,
            new Dictionary<string, string?> { ["TenantEmulator:StateFile"] = StateFile });
        var exitCode = await process.WaitForExitAsync();

        Assert.Equal(1, exitCode);
        Assert.Contains($"The tenant emulator cannot start: The emulated tenant's state file {StateFile} is not valid", process.Output, StringComparison.Ordinal);
        Assert.Contains("Delete it to start again from the seeded demo tenant", process.Output, StringComparison.Ordinal);
    }
}
