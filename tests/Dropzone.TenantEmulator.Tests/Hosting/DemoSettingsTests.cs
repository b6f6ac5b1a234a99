using System.Text.Json;
using Dropzone.TenantEmulator.State;
using Microsoft.Extensions.Configuration;

namespace Dropzone.TenantEmulator.Tests.Hosting;

/// <summary>The demo (the emulator's and the portal's launch profiles) runs with the realism a real tenant shows switched on.</summary>
public sealed class DemoSettingsTests
{
    public static TheoryData<string> Profiles => new() { "src/Dropzone.TenantEmulator/Properties/launchSettings.json", "src/Dropzone.Portal/Properties/launchSettings.json" };

    private static string RepositoryFile(string relative)
    {
        var folder = new DirectoryInfo(AppContext.BaseDirectory);
        while (folder is not null && !File.Exists(Path.Combine(folder.FullName, "Dropzone.Portal.sln")))
        {
            folder = folder.Parent;
        }
        return Path.Combine(folder?.FullName ?? throw new InvalidOperationException("No Dropzone.Portal.sln above the test output."), relative);
    }

    [Theory]
    [MemberData(nameof(Profiles))]
    public void LaunchProfile_DefaultFaults_RealismOnAndNoRandomFaults(string profile)
    {
        using var json = JsonDocument.Parse(File.ReadAllText(RepositoryFile(profile)));
        var variables = json.RootElement.GetProperty("profiles").GetProperty("http").GetProperty("environmentVariables").EnumerateObject()
            .ToDictionary(p => p.Name.Replace("__", ":", StringComparison.Ordinal), p => (string?)p.Value.GetString());
        var options = new EmulatorOptions();

        new ConfigurationBuilder().AddInMemoryCollection(variables).Build().GetSection("TenantEmulator").Bind(options);

        var faults = options.DefaultFaults;
        Assert.True(faults.GraphEnforcementDelay > TimeSpan.Zero);
        Assert.True(faults.LongOperationDuration > TimeSpan.Zero);
        Assert.True(faults.ThrottleBudget > 0);
        Assert.True(faults.AmbiguousIdentities);
        Assert.Equal((0d, 0d, 0d), (faults.ThrottleRate, faults.UnavailableRate, faults.TimeoutRate));
    }

    [Fact]
    public void EmulatorFaults_Default_RealismOffForTests()
    {
        var faults = EmulatorFaults.None;

        Assert.Equal((TimeSpan.Zero, TimeSpan.Zero, 0, false), (faults.GraphEnforcementDelay, faults.LongOperationDuration, faults.ThrottleBudget, faults.AmbiguousIdentities));
    }
}
