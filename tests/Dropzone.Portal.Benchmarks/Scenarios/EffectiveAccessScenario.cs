using System.Diagnostics;
using Dropzone.Portal.Core.Access;
using Dropzone.Portal.Core.Setup;
using Dropzone.Portal.TenantClients.Commands;
using Dropzone.Portal.TenantClients.Exchange;
using Dropzone.Portal.Testing;
using Dropzone.TenantEmulator.Directory;

namespace Dropzone.Portal.Benchmarks.Scenarios;

/// <summary>
/// Effective access for a large tenant: 10,000 mailboxes, 20 application access policies (15 RestrictAccess,
/// 5 DenyAccess) and 5 RBAC scopes, read through the real clients from the in-process emulator and evaluated.
/// Reports the read and the evaluation separately, and the tenant calls counted.
/// </summary>
public sealed class EffectiveAccessScenario : IBenchmarkScenario
{
    public string Name => "access";

    public string Description => "effective access: read + evaluate for 10,000 mailboxes, 20 policies, 5 RBAC scopes (--mailboxes, --policies, --scopes, --runs)";

    public async Task<int> RunAsync(BenchmarkArguments args)
    {
        var mailboxCount = args.Count("mailboxes", 10_000);
        var policyCount = args.Count("policies", 20);
        var scopeCount = args.Count("scopes", 5);
        var runs = args.Count("runs", 3);
        await using var tenant = EmulatedTenant.Start();
        var state = tenant.Tenant;
        var ids = state.AddBulkMailboxUsers(mailboxCount, "bench");
        var app = DemoTenant.RestrictedAppId;
        (await tenant.Exchange.InvokeAsync(ExchangeCommands.NewServicePrincipal(app, DemoTenant.RestrictedServicePrincipalId))).EnsureSuccess();
        var groups = policyCount + scopeCount;
        for (var g = 0; g < groups; g++)
        {
            var alias = $"bench-group-{g}";
            var created = (await tenant.Exchange.InvokeAsync(ExchangeCommands.NewDistributionGroup(alias, [DemoTenant.OwnerUpn], alias, alias, $"{alias}@{DemoTenant.Domain}"))).EnsureSuccess();
            var info = DistributionGroupInfo.From(created.FirstRow!.Value);
            // 200 members each, overlapping neighbours: set directly (the member API's speed is not what is measured).
            state.ReplaceGroupMembers(Guid.Parse(info.ExternalDirectoryObjectId!), ids.Skip(g * 150 % mailboxCount).Take(200));
            if (g < policyCount)
            {
                var right = g % 4 == 3 ? ApplicationAccessRight.DenyAccess : ApplicationAccessRight.RestrictAccess;
                (await tenant.Exchange.InvokeAsync(ExchangeCommands.NewApplicationAccessPolicy(app, $"{alias}@{DemoTenant.Domain}", right))).EnsureSuccess();
            }
            else
            {
                (await tenant.Exchange.InvokeAsync(ExchangeCommands.NewManagementScope(alias, ExchangeCommands.MemberOfGroupFilter(info.DistinguishedName!)))).EnsureSuccess();
                (await tenant.Exchange.InvokeAsync(ExchangeCommands.NewManagementRoleAssignment(alias, "Application Mail.Read", DemoTenant.RestrictedServicePrincipalId, alias))).EnsureSuccess();
            }
        }

        var totals = new List<double>();
        var reads = new List<double>();
        var evaluations = new List<double>();
        var calls = 0;
        var received = 0;
        EffectiveAccess? access = null;
        for (var run = 0; run < runs; run++)
        {
            var log = new TenantCallLog(tenant.Exchange, tenant.Directory, 4);
            var before = state.Calls.Count;
            var clock = Stopwatch.StartNew();
            var reading = await EffectiveAccessReader.ReadAsync(log, app, [], new SetupOptions(), CancellationToken.None);
            var read = clock.Elapsed.TotalMilliseconds;
            access = reading.Evaluate();
            var total = clock.Elapsed.TotalMilliseconds;
            reads.Add(read);
            evaluations.Add(total - read);
            totals.Add(total);
            calls = log.Calls;
            // What the tenant itself received (every page, every $batch): the count that cannot flatter the reader.
            received = state.Calls.Count - before;
        }

        // Where the read's time goes: the one call that lists every mailbox, alone, with every column and with the reader's three.
        var listing = Stopwatch.StartNew();
        (await tenant.Exchange.InvokeAsync(ExchangeCommands.FindMailboxes(unlimited: true))).EnsureSuccess();
        var listMs = listing.Elapsed.TotalMilliseconds;
        listing.Restart();
        var selected = (await tenant.Exchange.InvokeAsync(ExchangeCommands.FindMailboxes(unlimited: true)
            .Selecting("PrimarySmtpAddress", "ExternalDirectoryObjectId", "DisplayName"))).EnsureSuccess();
        var listSelectedMs = listing.Elapsed.TotalMilliseconds;
        var commands = 2 + 4 + access!.Sources.Policies.Select(p => p.ScopeName).Concat(access.Sources.Assignments.Select(a => a.ScopeLabel)).Distinct().Count();
        Console.WriteLine(access.Summary);
        Console.WriteLine($"RESULT access mailboxes={access.Mailboxes.Count} policies={policyCount} scopes={scopeCount} readable={access.Readable.Count()} "
            + $"tenant_commands={commands} tenant_calls_counted={calls} tenant_requests_received={received} list_mailboxes_pages={1 + selected.FollowUpCalls} list_mailboxes_all_columns_ms={listMs:F0} list_mailboxes_selected_ms={listSelectedMs:F0} read_ms_first={reads[0]:F0} read_ms_best={reads.Min():F0} evaluate_ms_best={evaluations.Min():F1} total_ms_first={totals[0]:F0} total_ms_best={totals.Min():F0}");
        return totals.Min() < 2000 ? 0 : 3;
    }
}
