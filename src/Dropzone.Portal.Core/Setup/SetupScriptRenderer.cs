using System.Text;
using Dropzone.Portal.Core.Groups;
using Dropzone.Portal.Core.Restriction.AccessPolicy;
using Dropzone.Portal.Core.Restriction.Rbac;
using Dropzone.Portal.TenantClients.Commands;
using Microsoft.Extensions.Options;

namespace Dropzone.Portal.Core.Setup;

/// <summary>
/// The PowerShell a run will execute, for the wizard's review step and the .ps1 download. Built from the
/// same <see cref="SetupCommands"/> the steps send and rendered by <see cref="ExchangeCommand.ToPowerShell"/>
/// (every value a single-quoted literal). Values only Exchange knows in advance (the group's
/// DistinguishedName for the RBAC scope) are read into a variable by the script.
/// </summary>
public sealed class SetupScriptRenderer(IOptions<SetupOptions> options)
{
    public string Render(SetupRequest request)
    {
        var o = options.Value;
        var plan = SetupPlanBuilder.Build(request, o);
        var r = plan.Request;
        var sb = new StringBuilder();
        sb.AppendLine("# Dropzone Portal: setup of " + Comment(r.GroupAddress));
        sb.AppendLine("# Run in Exchange Online PowerShell (Connect-ExchangeOnline) as an Exchange administrator.");
        sb.AppendLine("# Each step is checked before it acts when the portal runs it; this script is the plain sequence.");
        sb.AppendLine("$ErrorActionPreference = 'Stop'");
        sb.AppendLine();
        sb.AppendLine("# 1. The mail-enabled security group, its owners" + (plan.MembersFitInCreate && r.Members.Count > 0 ? " and its members" : ""));
        sb.AppendLine(SetupCommands.NewGroup(plan).ToPowerShell());
        var identity = r.GroupAddress;
        if (!plan.MembersFitInCreate)
        {
            var bulk = r.Members.Take(o.BulkMemberThreshold).Select(SetupCommands.MemberName).ToList();
            sb.AppendLine();
            sb.AppendLine($"# 2. Members: {bulk.Count} in one call (the bulk threshold), then {r.Members.Count - bulk.Count} one at a time");
            sb.AppendLine(SetupCommands.ReplaceMembers(identity, bulk).ToPowerShell());
            foreach (var member in r.Members.Skip(o.BulkMemberThreshold))
            {
                sb.AppendLine(SetupCommands.AddMember(identity, SetupCommands.MemberName(member)).ToPowerShell());
            }
        }

        sb.AppendLine();
        sb.AppendLine("# 3. Wait until the new group replicates");
        sb.AppendLine($"while (-not (Get-DistributionGroup -Identity {ExchangeCommand.QuotePowerShell(identity)} -ErrorAction SilentlyContinue)) {{ Start-Sleep -Seconds {(int)o.ReplicationPollInterval.TotalSeconds} }}");
        sb.AppendLine();
        if (r.RestrictionMode == RestrictionMode.ApplicationAccessPolicy)
        {
            sb.AppendLine("# 4. Restrict the application to the group's members");
            sb.AppendLine(AccessPolicyCommands.NewPolicy(r).ToPowerShell());
            sb.AppendLine();
            sb.AppendLine("# 5. Verify: members Granted, others Denied");
            foreach (var member in r.Members.Take(3))
            {
                sb.AppendLine(AccessPolicyCommands.TestPolicy(r.RestrictedAppId, SetupCommands.MemberName(member)).ToPowerShell());
            }
        }
        else
        {
            sb.AppendLine("# 4. RBAC for Applications: service principal, management scope on the group, role assignments");
            sb.AppendLine(RbacCommands.NewServicePrincipal(r, r.RestrictedAppServicePrincipalId ?? "<service principal object id>").ToPowerShell());
            sb.AppendLine($"$groupDn = (Get-DistributionGroup -Identity {ExchangeCommand.QuotePowerShell(identity)}).DistinguishedName");
            var scope = ExchangeCommand.QuotePowerShell(RbacCommands.ScopeName(r, o));
            sb.AppendLine($"New-ManagementScope -Name {scope} -RecipientRestrictionFilter (\"MemberOfGroup -eq '{{0}}'\" -f ($groupDn -replace \"'\", \"''\"))");
            foreach (var role in r.RbacRoles)
            {
                sb.AppendLine(RbacCommands.NewAssignment(r, o, role).ToPowerShell());
            }

            sb.AppendLine();
            sb.AppendLine("# 5. Verify: members InScope, others not");
            foreach (var member in r.Members.Take(3))
            {
                sb.AppendLine(RbacCommands.TestAuthorization(r.RestrictedAppId, SetupCommands.MemberName(member)).ToPowerShell());
            }
        }

        return sb.ToString();
    }

    private static string Comment(string text) => text.Replace('\n', ' ').Replace('\r', ' ');
}
