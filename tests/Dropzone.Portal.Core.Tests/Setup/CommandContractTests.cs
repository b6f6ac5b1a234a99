using System.Text.Json;
using Dropzone.Portal.Core.Restriction;
using Dropzone.Portal.Core.Setup.Steps;
using Dropzone.TenantEmulator.Exchange.Reference;

namespace Dropzone.Portal.Core.Tests.Setup;

/// <summary>
/// The portal's Exchange commands against Microsoft's published cmdlet reference (exchange-cmdlets.json): over many
/// wizard-valid requests in both restriction modes, every command a run may send, and every command the tenant clients
/// can build, uses only parameters the reference lists for its cmdlet, all from one parameter set, with documented
/// values and within documented lengths.
/// </summary>
public sealed class CommandContractTests
{
    private const int Cases = 150;
    private static readonly string[] CommonParameters = ["Confirm", "WhatIf", "ErrorAction", "WarningAction", "Verbose", "Debug"];
    private const string AliasCharacters = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789!#$%&'*+-/=?^_`{|}~.";

    public static TheoryData<RestrictionMode> Modes => new() { RestrictionMode.ApplicationAccessPolicy, RestrictionMode.RbacForApplications };

    private static readonly RestrictionModeCatalog Catalog = new ServiceCollection().AddSetupSteps().BuildServiceProvider().GetRequiredService<RestrictionModeCatalog>();

    [Theory]
    [MemberData(nameof(Modes))]
    public void PlannedCommands_WizardValidRequests_KeepToTheReference(RestrictionMode restriction)
    {
        var random = new Random(restriction == RestrictionMode.ApplicationAccessPolicy ? 15 : 16);
        var mode = Catalog.Get(restriction);
        var problems = new List<string>();
        for (var i = 0; i < Cases; i++)
        {
            var request = WizardValidRequest(random, restriction, mode);
            var options = new SetupOptions { BulkMemberThreshold = random.Next(2) == 0 ? 3 : 2000 };
            var plan = new SetupPlanBuilder(Catalog).Build(request, options);
            problems.AddRange(PlannedCommands.For(plan, mode, options).SelectMany(Violations).Select(p => $"case {i} (alias {request.GroupAlias}): {p}"));
        }

        Assert.Empty(problems.Take(20));
    }

    [Fact]
    public void ExchangeCommands_EveryBuilderWithLimitValues_KeepsToTheReferenceAndCoversEveryReferencedCmdlet()
    {
        var longText = new string('x', 64);
        var group = "dropzone-scope@" + DemoTenant.Domain;
        var app = Guid.NewGuid().ToString();
        ExchangeCommand[] built =
        [
            ExchangeCommands.NewDistributionGroup(longText, [DemoTenant.OwnerUpn], longText, longText, group, [DemoTenant.AdminUpn], copyOwnerToMember: true,
                memberJoinRestriction: "Closed", requireSenderAuthenticationEnabled: true, description: "Mailboxes Dropzone may read"),
            ExchangeCommands.GetDistributionGroup(group),
            ExchangeCommands.SetDistributionGroup(group, managedBy: [DemoTenant.OwnerUpn]),
            ExchangeCommands.SetDistributionGroup(group, addOwners: [DemoTenant.OwnerUpn], removeOwners: [DemoTenant.AdminUpn]),
            ExchangeCommands.RemoveDistributionGroup(group),
            ExchangeCommands.GetDistributionGroupMember(group),
            ExchangeCommands.AddDistributionGroupMember(group, DemoTenant.AdminUpn),
            ExchangeCommands.RemoveDistributionGroupMember(group, DemoTenant.AdminUpn),
            ExchangeCommands.UpdateDistributionGroupMember(group, [DemoTenant.AdminUpn]),
            ExchangeCommands.GetRecipient(DemoTenant.AdminUpn),
            ExchangeCommands.FindRecipients("ad", "UserMailbox", unlimited: true),
            ExchangeCommands.FindRecipients(),
            ExchangeCommands.GetMailbox(DemoTenant.AdminUpn),
            ExchangeCommands.FindMailboxes("ad", "SharedMailbox", unlimited: true),
            ExchangeCommands.GetAcceptedDomain(),
            ExchangeCommands.NewApplicationAccessPolicy(app, group, ApplicationAccessRight.RestrictAccess, new string('d', 256)),
            ExchangeCommands.NewApplicationAccessPolicy(app, group, ApplicationAccessRight.DenyAccess),
            ExchangeCommands.GetApplicationAccessPolicy(),
            ExchangeCommands.GetApplicationAccessPolicy("policy"),
            ExchangeCommands.SetApplicationAccessPolicy("policy", "description"),
            ExchangeCommands.RemoveApplicationAccessPolicy("policy"),
            ExchangeCommands.TestApplicationAccessPolicy(DemoTenant.AdminUpn, app),
            ExchangeCommands.NewServicePrincipal(app, Guid.NewGuid().ToString(), "Dropzone AI"),
            ExchangeCommands.GetServicePrincipal(),
            ExchangeCommands.GetServicePrincipal(app),
            ExchangeCommands.RemoveServicePrincipal(app),
            ExchangeCommands.NewManagementScope(longText, ExchangeCommands.MemberOfGroupFilter("CN=g,DC=x")),
            ExchangeCommands.GetManagementScope(),
            ExchangeCommands.RemoveManagementScope(longText),
            ExchangeCommands.NewManagementRoleAssignment(longText, "Application Mail.Read", app, longText),
            ExchangeCommands.GetManagementRoleAssignment(),
            ExchangeCommands.GetManagementRoleAssignment(longText),
            ExchangeCommands.GetManagementRoleAssignment(roleAssignee: app),
            ExchangeCommands.RemoveManagementRoleAssignment(longText),
            ExchangeCommands.TestServicePrincipalAuthorization(app, DemoTenant.AdminUpn),
        ];

        Assert.Empty(built.SelectMany(Violations));
        Assert.Equal(CmdletReference.Cmdlets.Keys.Order(StringComparer.OrdinalIgnoreCase),
            built.Select(c => c.CmdletName).Distinct(StringComparer.OrdinalIgnoreCase).Order(StringComparer.OrdinalIgnoreCase), StringComparer.OrdinalIgnoreCase);
    }

    [Fact]
    public void PlannedCommands_BothModes_NameEveryCmdletARunSends()
    {
        var options = new SetupOptions { BulkMemberThreshold = 1 };
        var request = SetupTestBed.Request([DemoTenant.AdminUpn, DemoTenant.OwnerUpn]);

        var policy = PlannedCommands.Cmdlets(new SetupPlanBuilder(Catalog).Build(request, options), Catalog.Get(RestrictionMode.ApplicationAccessPolicy), options);
        var rbac = PlannedCommands.Cmdlets(new SetupPlanBuilder(Catalog).Build(request with { RestrictionMode = RestrictionMode.RbacForApplications }, options),
            Catalog.Get(RestrictionMode.RbacForApplications), options);

        string[] group = ["Get-DistributionGroup", "New-DistributionGroup", "Set-DistributionGroup", "Get-DistributionGroupMember", "Update-DistributionGroupMember",
            "Add-DistributionGroupMember", "Remove-DistributionGroupMember", "Get-Mailbox"];
        string[] policyCmdlets = [.. group, "Get-ApplicationAccessPolicy", "New-ApplicationAccessPolicy", "Test-ApplicationAccessPolicy"];
        string[] rbacCmdlets = [.. group, "Get-ServicePrincipal", "New-ServicePrincipal", "Get-ManagementScope", "New-ManagementScope", "Get-ManagementRoleAssignment",
            "New-ManagementRoleAssignment", "Test-ServicePrincipalAuthorization"];
        Assert.Equal(policyCmdlets.Order(StringComparer.OrdinalIgnoreCase), policy.Order(StringComparer.OrdinalIgnoreCase), StringComparer.OrdinalIgnoreCase);
        Assert.Equal(rbacCmdlets.Order(StringComparer.OrdinalIgnoreCase), rbac.Order(StringComparer.OrdinalIgnoreCase), StringComparer.OrdinalIgnoreCase);
    }

    /// <summary>What the reference says is wrong with a command, in words; empty when it keeps to the reference.</summary>
    internal static IEnumerable<string> Violations(ExchangeCommand command)
    {
        if (!CmdletReference.Cmdlets.TryGetValue(command.CmdletName, out var signature))
        {
            yield return $"{command.CmdletName} is not in the reference.";
            yield break;
        }

        using var body = JsonDocument.Parse(command.ToInvokeCommandBody());
        var parameters = body.RootElement.GetProperty("CmdletInput").GetProperty("Parameters").EnumerateObject()
            .Where(p => !CommonParameters.Contains(p.Name, StringComparer.OrdinalIgnoreCase)).ToList();
        foreach (var unknown in parameters.Where(p => signature.Find(p.Name) is null))
        {
            yield return $"{command.CmdletName} -{unknown.Name} is not an Exchange Online parameter.";
        }

        if (!signature.SetsHolding(parameters.Select(p => p.Name)).Any())
        {
            yield return $"{command.CmdletName} {string.Join(' ', parameters.Select(p => "-" + p.Name))}: no parameter set holds them all.";
        }

        foreach (var parameter in parameters)
        {
            if (signature.Find(parameter.Name) is not { } reference)
            {
                continue;
            }

            foreach (var value in Scalars(parameter.Value))
            {
                if (reference.DocumentedValues.Count > 0 && !reference.DocumentedValues.Contains(value, StringComparer.OrdinalIgnoreCase))
                {
                    yield return $"{command.CmdletName} -{parameter.Name} '{value}' is not a documented value ({string.Join(", ", reference.DocumentedValues)}).";
                }

                if (reference.MaxCharacters is { } max && value.Length > max)
                {
                    yield return $"{command.CmdletName} -{parameter.Name} has {value.Length} characters; the reference allows {max}.";
                }
            }
        }
    }

    private static IEnumerable<string> Scalars(JsonElement value) => value.ValueKind switch
    {
        JsonValueKind.Array => value.EnumerateArray().SelectMany(Scalars),
        JsonValueKind.Object => value.EnumerateObject().Where(p => !p.Name.StartsWith('@')).SelectMany(p => Scalars(p.Value)),
        JsonValueKind.String => [value.GetString()!],
        JsonValueKind.True or JsonValueKind.False or JsonValueKind.Number => [],
        _ => [],
    };

    /// <summary>A request the wizard accepts: names within its rules, one to three owners, up to twelve members, the mode's roles.</summary>
    private static SetupRequest WizardValidRequest(Random random, RestrictionMode restriction, IRestrictionMode mode)
    {
        var alias = Alias(random);
        Assert.Null(GroupNameRules.ValidateAlias(alias));
        var displayName = new string([.. Enumerable.Range(0, random.Next(1, GroupNameRules.MaxDisplayNameLength + 1)).Select(_ => "Dropzone scope ÄéØ-_'"[random.Next(20)])]).Trim();
        displayName = displayName.Length == 0 ? "D" : displayName;
        var roles = mode.RoleChoices.Where(_ => random.Next(2) == 0).ToList();
        return SetupTestBed.Request([.. Enumerable.Range(0, random.Next(0, 13)).Select(n => $"user{n}.{random.Next(1000)}@{DemoTenant.Domain}")], restriction, alias) with
        {
            GroupDisplayName = displayName,
            GroupDescription = random.Next(2) == 0 ? null : new string('d', random.Next(1, 1025)),
            PolicyDescription = random.Next(2) == 0 ? null : new string('p', random.Next(1, 257)),
            AllowExternalSenders = random.Next(2) == 0,
            OwnersApproveMembers = random.Next(2) == 0,
            Owners = [.. Enumerable.Range(0, random.Next(1, 4)).Select(n => new SetupPerson(Guid.NewGuid().ToString(), $"owner{n}@{DemoTenant.Domain}", $"Owner {n}"))],
            Members = [.. Enumerable.Range(0, random.Next(0, 13)).Select(n => new SetupMember($"user{n}@{DemoTenant.Domain}", random.Next(2) == 0 ? null : Guid.NewGuid().ToString()))],
            RbacRoles = roles.Count > 0 ? roles : [SetupDefaults.DefaultRbacRole],
        };
    }

    private static string Alias(Random random)
    {
        var length = random.Next(4) == 0 ? GroupNameRules.MaxAliasLength : random.Next(1, GroupNameRules.MaxAliasLength + 1);
        var chars = Enumerable.Range(0, length).Select(_ => AliasCharacters[random.Next(AliasCharacters.Length)]).ToArray();
        for (var i = 0; i < chars.Length; i++)
        {
            // No dot at either end or twice in a row (the wizard's rule).
            if (chars[i] == '.' && (i == 0 || i == chars.Length - 1 || chars[i - 1] == '.'))
            {
                chars[i] = 'a';
            }
        }
        return new string(chars);
    }
}
