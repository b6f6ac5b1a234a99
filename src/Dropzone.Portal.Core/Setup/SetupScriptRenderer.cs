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
        var mode = modes.Get(r.RestrictionMode);
        foreach (var line in mode.ScriptLines(plan, o))
        {
            sb.AppendLine(line);
        }

        foreach (var line in VerificationLines(mode, r, o))
        {
            sb.AppendLine(line);
        }

        return sb.ToString();
    }

    private const string OutsiderPlaceholder = "__outsider__";

    /// <summary>
    /// The same checks a run makes (<see cref="GroupVerifier"/>): every member up to the sample size, each by address
    /// with the identifier Exchange receives beside it and numbered, then one mailbox outside the group.
    /// </summary>
    private static IEnumerable<string> VerificationLines(IRestrictionMode mode, SetupRequest r, SetupOptions o)
    {
        var sample = GroupVerifier.Sample(r.Members, o.VerificationSampleSize);
        var scope = sample.Count < r.Members.Count ? $"a sample of {sample.Count} of the {r.Members.Count} members" : $"all {r.Members.Count} member(s)";
        yield return "";
        yield return $"# 5. Verify with {mode.AccessTestName}, as the run does: {scope} must have access, a mailbox outside the group must not";
        for (var i = 0; i < sample.Count; i++)
        {
            var member = sample[i];
            var sent = SetupCommands.MemberName(member);
            var beside = string.Equals(sent, member.Address, StringComparison.OrdinalIgnoreCase) ? "" : $" (Exchange receives {sent})";
            yield return $"# 5.{i + 1}. Member {Comment(member.Address)}{Comment(beside)}: expected access";
            yield return mode.AccessTest(r.RestrictedAppId, sent).ToPowerShell();
        }

        var members = string.Join(", ", r.Members.SelectMany(m => new[] { m.Address, m.ObjectId }).OfType<string>().Append(r.GroupAddress).Select(ExchangeCommand.QuotePowerShell));
        yield return $"# 5.{sample.Count + 1}. A mailbox outside the group: expected no access";
        yield return $"$members = @({members})";
        yield return "$outsider = (Get-Mailbox -ResultSize Unlimited | Where-Object { $members -notcontains $_.PrimarySmtpAddress -and $members -notcontains $_.ExternalDirectoryObjectId } | Select-Object -First 1).PrimarySmtpAddress";
        yield return mode.AccessTest(r.RestrictedAppId, OutsiderPlaceholder).ToPowerShell().Replace(ExchangeCommand.QuotePowerShell(OutsiderPlaceholder), "$outsider", StringComparison.Ordinal);
    }

    private static string Comment(string text) => text.Replace('\n', ' ').Replace('\r', ' ');
}
