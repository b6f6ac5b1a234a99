using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace Dropzone.Portal.TenantClients.Tests.Connection;

public class TenantConnectionCheckTests
{
    [Fact]
    public async Task RunAsync_EmulatedTenant_AllStepsPass()
    {
        using var tenant = TenantHarness.Create();

        var report = await tenant.Services.GetRequiredService<TenantConnectionCheck>().RunAsync();

        Assert.True(report.AllPassed, string.Join("\n", report.Steps.Where(s => !s.Passed).Select(s => $"{s.Name}: {s.Detail}")));
        Assert.Equal(7, report.Steps.Count);
    }

    [Fact]
    public async Task RunAsync_NoExchangeRole_FailsTheExchangeStepWithTheRemedy()
    {
        using var tenant = TenantHarness.Create();
        tenant.State.SetExchangeAdministrator(DemoTenant.PortalClientId, false);

        var report = await tenant.Services.GetRequiredService<TenantConnectionCheck>().RunAsync();

        var failed = Assert.Single(report.Steps, s => !s.Passed);
        Assert.StartsWith("Exchange:", failed.Name, StringComparison.Ordinal);
        Assert.Contains("Exchange Administrator", failed.Remedy, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("User.Read.All", "Graph: read users")]
    [InlineData("Application.Read.All", "Graph: read service principals")]
    [InlineData("Domain.Read.All", "Graph: read domains")]
    [InlineData("Group.Read.All", "Graph: read groups")]
    public async Task RunAsync_GraphPermissionMissing_NamesThatPermission(string permission, string step)
    {
        using var tenant = TenantHarness.Create();
        tenant.State.SetApplicationPermission(DemoTenant.PortalClientId, permission, false);

        var report = await tenant.Services.GetRequiredService<TenantConnectionCheck>().RunAsync();

        var failed = Assert.Single(report.Steps, s => !s.Passed);
        Assert.StartsWith(step, failed.Name, StringComparison.Ordinal);
        Assert.Contains(permission, failed.Remedy, StringComparison.Ordinal);
    }

    [Fact]
    public async Task RunAsync_ManageAsAppMissing_FailsTheExchangeStepWithTheConsentRemedy()
    {
        using var tenant = TenantHarness.Create();
        tenant.State.SetApplicationPermission(DemoTenant.PortalClientId, "Exchange.ManageAsApp", false);

        var report = await tenant.Services.GetRequiredService<TenantConnectionCheck>().RunAsync();

        var failed = Assert.Single(report.Steps, s => !s.Passed);
        Assert.Contains("Exchange.ManageAsApp", failed.Remedy, StringComparison.Ordinal);
    }

    [Fact]
    public async Task RunAsync_WrongSecret_FailsBothTokenStepsWithCredentialRemedy()
    {
        using var tenant = TenantHarness.Create(new Dictionary<string, string?> { ["AzureAd:ClientCredentials:0:ClientSecret"] = "wrong" });

        var report = await tenant.Services.GetRequiredService<TenantConnectionCheck>().RunAsync();

        Assert.False(report.Steps[0].Passed);
        Assert.False(report.Steps[2].Passed);
        Assert.All(report.Steps, s => Assert.False(s.Passed));
        Assert.NotNull(report.Steps[0].Remedy);
        Assert.DoesNotContain("wrong", report.Steps[0].Detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task TenantHealthCheck_Unreachable_IsDegradedNotUnhealthy()
    {
        using var tenant = TenantHarness.Create(new Dictionary<string, string?> { ["AzureAd:ClientCredentials:0:ClientSecret"] = "wrong" });
        var health = tenant.Services.GetRequiredService<HealthCheckService>();

        var report = await health.CheckHealthAsync(c => c.Name == TenantHealthCheck.Name);

        Assert.Equal(HealthStatus.Degraded, report.Entries[TenantHealthCheck.Name].Status);
    }

    [Fact]
    public async Task TenantHealthCheck_ProbedTwiceWithinAMinute_AsksTheTenantOnce()
    {
        using var tenant = TenantHarness.Create();
        var health = tenant.Services.GetRequiredService<HealthCheckService>();

        await health.CheckHealthAsync(c => c.Name == TenantHealthCheck.Name);
        var calls = tenant.State.Calls.Count;
        await health.CheckHealthAsync(c => c.Name == TenantHealthCheck.Name);
        var afterCached = tenant.State.Calls.Count;
        tenant.Time.Advance(TimeSpan.FromMinutes(2));
        await health.CheckHealthAsync(c => c.Name == TenantHealthCheck.Name);

        Assert.Equal(calls, afterCached);
        Assert.True(tenant.State.Calls.Count > afterCached);
    }

    [Fact]
    public async Task TenantHealthCheck_EmulatedTenant_IsHealthy()
    {
        using var tenant = TenantHarness.Create();
        var health = tenant.Services.GetRequiredService<HealthCheckService>();

        var report = await health.CheckHealthAsync(c => c.Name == TenantHealthCheck.Name);

        Assert.Equal(HealthStatus.Healthy, report.Entries[TenantHealthCheck.Name].Status);
    }

    private sealed class PolicySetups : IExchangeCmdletRequirements
    {
        public IReadOnlyList<ExchangeCmdletRequirement> Requirements { get; } =
            [new("setups with application access policies", new HashSet<string>(["New-DistributionGroup", "New-ApplicationAccessPolicy", "Test-ApplicationAccessPolicy"]))];
    }

    private static TenantConnectionCheck WithSetupRequirements(TenantHarness tenant) =>
        ActivatorUtilities.CreateInstance<TenantConnectionCheck>(tenant.Services, (IEnumerable<IExchangeCmdletRequirements>)[new PolicySetups()]);

    [Fact]
    public async Task RunAsync_RoleLacksThePolicyCmdlets_TheCmdletStepNamesThem()
    {
        using var tenant = TenantHarness.Create();
        tenant.State.SetExchangeRole(DemoTenant.PortalClientId, "Exchange Recipient Administrator");

        var report = await WithSetupRequirements(tenant).RunAsync();

        // Get-AcceptedDomain is a recipient cmdlet, so only the setups' own step fails, and it names what the role lacks.
        var failed = Assert.Single(report.Steps, s => !s.Passed);
        Assert.Equal("Exchange: the cmdlets for setups with application access policies (module manifest)", failed.Name);
        Assert.Contains("New-ApplicationAccessPolicy, Test-ApplicationAccessPolicy", failed.Detail, StringComparison.Ordinal);
        Assert.DoesNotContain("New-DistributionGroup", failed.Detail, StringComparison.Ordinal);
        Assert.DoesNotContain("add a permission", failed.Remedy, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("Exchange Administrator", failed.Remedy, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(true, MissingPermission.ExchangeManageAsApp, "Missing API permission: Exchange.ManageAsApp.")]
    [InlineData(false, MissingPermission.ExchangeAdministratorRole, "Missing Exchange role")]
    public async Task CheckAsync_PermissionOrRoleMissing_SaysWhichBeforeAnyCmdletRuns(bool withoutPermission, MissingPermission expected, string detail)
    {
        using var tenant = TenantHarness.Create();
        if (withoutPermission)
        {
            tenant.State.SetApplicationPermission(DemoTenant.PortalClientId, "Exchange.ManageAsApp", false);
        }
        else
        {
            tenant.State.SetExchangeAdministrator(DemoTenant.PortalClientId, false);
        }

        var result = await tenant.Services.GetRequiredService<ExchangePermissionPreflight>().CheckAsync(["New-DistributionGroup"]);

        Assert.Equal((true, false, expected), (result.Checked, result.Passed, result.Missing));
        Assert.StartsWith(detail, result.Detail, StringComparison.Ordinal);
        Assert.DoesNotContain(tenant.State.Calls, c => c.Operation is not (null or "EXOModuleFile") && c.Service == "outlook");
    }

    [Fact]
    public async Task RunAsync_EmulatedTenantWithSetupRequirements_AllStepsPass()
    {
        using var tenant = TenantHarness.Create();

        var report = await WithSetupRequirements(tenant).RunAsync();

        Assert.True(report.AllPassed, string.Join("\n", report.Steps.Where(s => !s.Passed).Select(s => $"{s.Name}: {s.Detail}")));
        Assert.Equal(8, report.Steps.Count);
    }
}
