using System.Text;
using Dropzone.Portal.Core.Restriction;

namespace Dropzone.Portal.Core.Setup;

/// <summary>
/// The PowerShell a run will execute, for the wizard's review step and the .ps1 download. Built from the
/// same commands the steps send and rendered by <see cref="ExchangeCommand.ToPowerShell"/> (every value a
/// single-quoted literal); the restriction mode writes its own section.
/// </summary>
public sealed class SetupScriptRenderer(SetupPlanBuilder planner, RestrictionModeCatalog modes, IOptions<SetupOptions> options)
{
    public string Render(SetupRequest request)
    {
        var o = options.Value;
        var plan = planner.Build(request, o);
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
        foreach (var line in modes.Get(r.RestrictionMode).ScriptLines(plan, o))
        {
            sb.AppendLine(line);
        }

        return sb.ToString();
    }

    private static string Comment(string text) => text.Replace('\n', ' ').Replace('\r', ' ');
}
