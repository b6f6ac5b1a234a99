using System.Net.Http.Json;
using System.Text.Json.Nodes;

namespace Dropzone.Portal.TenantClients.Tests.Exchange;

/// <summary>
/// The setup sequence under injected faults: 30 % of Exchange calls answer 429 or 503 and a new group stays
/// invisible for 2 s. The sequence must still finish with exactly one group and one policy.
/// </summary>
public class FaultToleranceTests
{
    private const string GroupName = "Dropzone Faulty";
    private const string GroupAddress = "dropzone-faulty@" + DemoTenant.Domain;

    [Theory]
    [InlineData(1, false, 0.0, 0.0)]
    [InlineData(7, false, 0.0, 0.0)]
    [InlineData(42, false, 0.0, 0.0)]
    [InlineData(3, true, 0.1, 0.1)]
    [InlineData(11, true, 0.1, 0.1)]
    public async Task SetupSequence_ThrottlingUnavailabilityAndReplicationDelay_CompletesWithoutDuplicates(
        int seed, bool retryAfterAsDate, double transientErrorRate, double timeoutRate)
    {
        using var tenant = TenantHarness.Create(new Dictionary<string, string?> { ["TenantClients:MaxRetries"] = "8" });
        var meters = tenant.Services.GetRequiredService<System.Diagnostics.Metrics.IMeterFactory>();
        using var retries = new MetricCollector<long>(meters, "Dropzone.Portal.TenantClients", "dropzone.tenant.retries");
        using var throttles = new MetricCollector<long>(meters, "Dropzone.Portal.TenantClients", "dropzone.tenant.throttles");
        tenant.State.SetFaults(new EmulatorFaults
        {
            ThrottleRate = 0.15,
            UnavailableRate = 0.15,
            RetryAfterSeconds = 2,
            RetryAfterAsHttpDate = retryAfterAsDate,
            TransientErrorRate = transientErrorRate,
            TimeoutRate = timeoutRate,
            ReplicationDelay = TimeSpan.FromSeconds(2),
            Seed = seed,
        });
        var exchange = tenant.Exchange;
        var getGroup = ExchangeCommands.GetDistributionGroup(GroupAddress);

        // 1. Create the group (a step retried by the job runner while the outcome is transient), then wait for it to
        //    replicate: looked up again after a wait on the clock, as the setup's scheduled replication polls do.
        await Step(async () =>
        {
            var result = await exchange.CreateIfAbsentAsync(getGroup,
                ExchangeCommands.NewDistributionGroup(GroupName, [DemoTenant.OwnerUpn], alias: "dropzone-faulty", primarySmtpAddress: GroupAddress));
            return result.Exists ? result.Result : null;
        });
        await Step(async () =>
        {
            var found = await exchange.InvokeAsync(getGroup);
            if (found.IsSuccess && found.Rows.Count > 0)
            {
                return found;
            }

            await Task.Delay(TimeSpan.FromSeconds(5), tenant.Time);
            return null;
        });

        // 2. Add members.
        string[] members = [DemoTenant.PhishingReportMailbox, DemoTenant.SecurityTeamMailbox];
        await Step(async () =>
        {
            var results = await exchange.AddMembersAsync(GroupAddress, members);
            return results.All(r => r.IsSuccess) ? results : null;
        });

        // 3. Create the access policy: look first, create only when absent, look again after an ambiguous answer.
        await Step(async () =>
        {
            var existing = await exchange.InvokeAsync(ExchangeCommands.GetApplicationAccessPolicy());
            if (!existing.IsSuccess)
            {
                return null;
            }

            if (existing.Rows.Select(ApplicationAccessPolicyInfo.From).Any(p => p.AppId == DemoTenant.RestrictedAppId))
            {
                return existing;
            }

            var created = await exchange.InvokeAsync(ExchangeCommands.NewApplicationAccessPolicy(
                DemoTenant.RestrictedAppId, GroupAddress, ApplicationAccessRight.RestrictAccess, "Dropzone"));
            return created.IsSuccess ? created : null;
        });

        // 4. Verify.
        var check = await Step(async () =>
        {
            var result = await exchange.InvokeAsync(ExchangeCommands.TestApplicationAccessPolicy(DemoTenant.PhishingReportMailbox, DemoTenant.RestrictedAppId));
            return result.IsSuccess ? result : null;
        });
        Assert.True(AccessCheckInfo.From(check.Rows.Single()).IsGranted);

        var state = await SnapshotAsync(tenant);
        Assert.Single(state["groups"]!.AsArray(), g => (string?)g!["name"] == GroupName);
        Assert.Single(state["policies"]!.AsArray());
        Assert.True(retries.GetMeasurementSnapshot().Sum(m => m.Value) > 0, "the faults should have caused retries");
        Assert.True(throttles.GetMeasurementSnapshot().Sum(m => m.Value) > 0, "the faults should have caused 429s");
        var logs = tenant.Logs.GetSnapshot().Where(r => r.Category?.StartsWith("Dropzone", StringComparison.Ordinal) == true).ToList();
        Assert.Contains(logs, r => r.Message.Contains("New-DistributionGroup", StringComparison.Ordinal));
        Assert.DoesNotContain(logs, r => r.Message.Contains(GroupAddress, StringComparison.OrdinalIgnoreCase)
            || r.Message.Contains(DemoTenant.PhishingReportMailbox, StringComparison.OrdinalIgnoreCase)
            || r.Message.Contains("Bearer", StringComparison.Ordinal));
        Assert.True(tenant.Time.AutoAdvanced >= TimeSpan.FromSeconds(2), "Retry-After and replication waits ran on the virtual clock");
    }

    /// <summary>A job step: tried until it reports done, as the job runner would (bounded).</summary>
    private static async Task<T> Step<T>(Func<Task<T?>> attempt) where T : class
    {
        for (var i = 0; i < 20; i++)
        {
            if (await attempt() is { } done)
            {
                return done;
            }
        }

        throw new Xunit.Sdk.XunitException("The step did not complete in 20 attempts.");
    }

    private static async Task<JsonObject> SnapshotAsync(TenantHarness tenant)
    {
        using var client = new HttpClient(tenant.Services.GetRequiredService<EmulatorHttpHandler>(), disposeHandler: false);
        return (await client.GetFromJsonAsync<JsonObject>("https://outlook.office365.com/_emulator/_control/state"))!;
    }
}
