using Dropzone.Portal.Core.Access;
using Xunit.Abstractions;

namespace Dropzone.Portal.Core.Tests.Access;

/// <summary>
/// Random tenant configurations (Entra grants × access policies × RBAC scopes × memberships), read by the portal and
/// evaluated, compared on every mailbox with what the emulator's Graph does when the application itself reads.
/// </summary>
public sealed class EffectiveAccessPropertyTests(ITestOutputHelper output)
{
    public const int Configurations = 40;

    private static readonly string[] EntraChoices = ["Mail.Read", "Mail.ReadBasic", "Mail.ReadBasic.All", "Mail.ReadWrite", "Mail.Send", "full_access_as_app"];

    private static readonly string[] RoleChoices =
        ["Application Mail.Read", "Application Mail.ReadBasic", "Application Mail.Send", "Application MailboxSettings.Read", "Application Calendars.Read", "Application Mail Full Access", "Application EWS.AccessAsApp"];

    [Fact]
    public async Task RandomConfigurations_EvaluatorEqualsGraphEnforcementOnEveryMailbox()
    {
        await using var tenant = EmulatedTenant.Start();
        using var oracle = new GraphMailOracle(tenant);
        var random = new Random(20261203);
        var compared = 0;
        for (var i = 0; i < Configurations; i++)
        {
            tenant.Tenant.Reset();
            var description = await ConfigureAsync(tenant, random);
            var calls = new TenantCallLog(tenant.Exchange, tenant.Directory, 4);
            var access = (await EffectiveAccessReader.ReadAsync(calls, DemoTenant.RestrictedAppId, [], new SetupOptions(), CancellationToken.None)).Evaluate();
            Assert.True(access.Established, $"configuration {i} ({description}): {access.Summary}");
            var token = await oracle.TokenAsync();
            foreach (var mailbox in access.Mailboxes)
            {
                var graph = await oracle.CanReadAsync(token, mailbox.Mailbox.Address);
                Assert.True(graph == mailbox.CanReadThrough(MailChannel.Graph),
                    $"configuration {i} ({description}): {mailbox.Mailbox.Address}: Graph {(graph ? "read" : "refused")}, evaluator {string.Join(" ", mailbox.Reasons)}");
                compared++;
            }
        }

        Assert.True(compared >= Configurations * 10, $"only {compared} mailbox verdicts compared");
        output.WriteLine($"{Configurations} random tenant configurations, {compared} mailbox verdicts compared with Graph");
    }

    /// <summary>One random configuration, built through Exchange and the emulator's control of Entra grants; answers it in words.</summary>
    private static async Task<string> ConfigureAsync(EmulatedTenant tenant, Random random)
    {
        var parts = new List<string>();
        var app = DemoTenant.RestrictedAppId;
        tenant.Tenant.SetApplicationPermission(app, "Mail.Read", false);
        foreach (var permission in EntraChoices.Where(_ => random.NextDouble() < 0.25))
        {
            tenant.Tenant.SetApplicationPermission(app, permission, true);
            parts.Add("Entra " + permission);
        }

        var mailboxes = (await tenant.Exchange.InvokeAsync(ExchangeCommands.FindMailboxes(recipientTypeDetails: "UserMailbox", unlimited: true))).EnsureSuccess()
            .Rows.Select(RecipientInfo.From).Select(m => m.PrimarySmtpAddress!).ToList();
        var groups = new List<(string Address, string Dn)>();
        for (var g = 0; g < 3; g++)
        {
            var members = mailboxes.Where(_ => random.NextDouble() < 0.3).ToList();
            var alias = $"prop-{g}";
            var created = (await tenant.Exchange.InvokeAsync(ExchangeCommands.NewDistributionGroup($"Prop {g}", [DemoTenant.OwnerUpn], $"Prop {g}", alias, $"{alias}@{DemoTenant.Domain}", members))).EnsureSuccess();
            groups.Add(($"{alias}@{DemoTenant.Domain}", DistributionGroupInfo.From(created.FirstRow!.Value).DistinguishedName!));
        }

        for (var p = random.Next(0, 4); p > 0; p--)
        {
            var deny = random.NextDouble() < 0.3;
            var scope = random.NextDouble() < 0.2 ? mailboxes[random.Next(mailboxes.Count)] : groups[random.Next(groups.Count)].Address;
            var answer = await tenant.Exchange.InvokeAsync(ExchangeCommands.NewApplicationAccessPolicy(app, scope,
                deny ? ApplicationAccessRight.DenyAccess : ApplicationAccessRight.RestrictAccess));
            if (answer.IsSuccess)
            {
                parts.Add($"{(deny ? "Deny" : "Restrict")} {scope}");
            }
        }

        var assignments = random.Next(0, 4);
        if (assignments > 0)
        {
            (await tenant.Exchange.InvokeAsync(ExchangeCommands.NewServicePrincipal(app, DemoTenant.RestrictedServicePrincipalId))).EnsureSuccess();
        }

        for (var a = 0; a < assignments; a++)
        {
            var role = RoleChoices[random.Next(RoleChoices.Length)];
            var name = $"prop-assignment-{a}";
            if (random.NextDouble() < 0.2)
            {
                (await tenant.Exchange.InvokeAsync(ExchangeCommand.Create("New-ManagementRoleAssignment").With("Name", name).With("Role", role)
                    .With("App", DemoTenant.RestrictedServicePrincipalId))).EnsureSuccess();
                parts.Add($"{role} organization-wide");
                continue;
            }

            var group = groups[random.Next(groups.Count)];
            var scope = $"prop-scope-{a}";
            (await tenant.Exchange.InvokeAsync(ExchangeCommands.NewManagementScope(scope, ExchangeCommands.MemberOfGroupFilter(group.Dn)))).EnsureSuccess();
            (await tenant.Exchange.InvokeAsync(ExchangeCommands.NewManagementRoleAssignment(name, role, DemoTenant.RestrictedServicePrincipalId, scope))).EnsureSuccess();
            parts.Add($"{role} on {group.Address}");
        }

        return parts.Count == 0 ? "nothing granted" : string.Join(", ", parts);
    }
}
