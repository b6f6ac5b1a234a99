namespace Dropzone.Portal.Core.Verification;

/// <summary>
/// What a verification works with: the restriction it checks, the group (and the run, when a setup verifies)
/// its rows belong to, and the call log its calls are counted in. <paramref name="AlsoIntended"/>: the members of the
/// portal's other groups for the same application, which the application is meant to read too (never "the outsider").
/// </summary>
public sealed record VerificationContext(RestrictionTarget Target, Guid GroupId, Guid? RunId, TenantCallLog Calls, DateTime CheckedAt,
    Access.MailboxSet? AlsoIntended = null);

/// <summary>
/// What a verification found: one row per mailbox checked and a sentence for people; or, when Exchange gave a
/// transient answer, that answer (<see cref="Unanswered"/>) and no verdict.
/// </summary>
public sealed record VerificationOutcome(IReadOnlyList<VerificationResult> Results, string Summary, ExchangeResult? Unanswered = null);

/// <summary>
/// Asks Exchange whether the restriction does what it should: every member (up to the sample size; a stated
/// sample beyond) must have access, and at least one mailbox outside the group must not. The mode's access test
/// (Test-ApplicationAccessPolicy, Test-ServicePrincipalAuthorization) reads Exchange's current state, so a pass
/// here precedes Graph honouring it (Graph can lag more than an hour).
/// </summary>
public sealed class GroupVerifier(RestrictionModeCatalog modes)
{
    private const int OutsiderProbeSize = 25;

    public async Task<VerificationOutcome> CheckAsync(VerificationContext v, CancellationToken cancellationToken)
    {
        var request = v.Target.Request;
        var mode = modes.Get(request.RestrictionMode);
        var members = request.Members;
        var sample = Sample(members, v.Target.Options.VerificationSampleSize);
        // A short list is enough to find a mailbox outside the group; a second, complete read only if it was all members.
        var probeSize = Math.Min(members.Count, sample.Count) + OutsiderProbeSize;
        var commands = sample.Select(m => mode.AccessTest(request.RestrictedAppId, SetupCommands.MemberName(m))).Append(MailboxProbe(probeSize)).ToList();
        var answers = await v.Calls.InvokeManyAsync(commands, cancellationToken);
        var outsider = await FindOutsiderAsync(v, answers[^1], probeSize, cancellationToken);
        var outsiderAnswer = outsider is null
            ? null
            : await v.Calls.InvokeAsync(mode.AccessTest(request.RestrictedAppId, outsider.ExternalDirectoryObjectId ?? outsider.PrimarySmtpAddress!), cancellationToken);

        if (answers.Take(sample.Count).Append(outsiderAnswer).FirstOrDefault(a => a is { Outcome.IsTransient: true }) is { } unanswered)
        {
            return new([], "", unanswered);
        }

        var results = sample.Select((m, i) => Row(v, mode, m.Address, isMember: true, answers[i])).ToList();
        if (outsiderAnswer is not null)
        {
            results.Add(Row(v, mode, outsider!.PrimarySmtpAddress!, isMember: false, outsiderAnswer));
        }

        var passed = results.Count(r => r.Passed);
        var scope = sample.Count < members.Count ? $"a sample of {sample.Count} of the {members.Count} members" : $"all {members.Count} member(s)";
        var outsiderText = outsider is null ? "no mailbox outside the group was found to check" : $"outsider {outsider.PrimarySmtpAddress}";
        return new(results, $"{mode.AccessTestName}: {passed} of {results.Count} check(s) as expected ({scope}; {outsiderText}).");
    }

    /// <summary>A mailbox that is neither a member nor the group: from the short probe, or from a complete read when the probe held only members.</summary>
    private static async Task<RecipientInfo?> FindOutsiderAsync(VerificationContext v, ExchangeResult probe, int probeSize, CancellationToken cancellationToken)
    {
        var request = v.Target.Request;
        var memberSet = new HashSet<string>(request.Members.SelectMany(m => new[] { m.Address, m.ObjectId }).OfType<string>(), StringComparer.OrdinalIgnoreCase);
        RecipientInfo? Outsider(ExchangeResult mailboxes) => mailboxes.Rows.Select(RecipientInfo.From)
            .FirstOrDefault(m => m.PrimarySmtpAddress is { } a && !memberSet.Contains(a)
                && (m.ExternalDirectoryObjectId is null || !memberSet.Contains(m.ExternalDirectoryObjectId))
                && v.AlsoIntended?.Contains(new Access.MailboxRef(a, m.ExternalDirectoryObjectId)) != true
                && !string.Equals(a, request.GroupAddress, StringComparison.OrdinalIgnoreCase));

        if (!probe.IsSuccess)
        {
            return null;
        }

        var outsider = Outsider(probe);
        if (outsider is null && probe.Rows.Count >= probeSize)
        {
            outsider = Outsider(await v.Calls.InvokeAsync(MailboxProbe(request.Members.Count + OutsiderProbeSize), cancellationToken));
        }

        return outsider;
    }

    internal static ExchangeCommand MailboxProbe(int size) =>
        ExchangeCommand.Create("Get-Mailbox").With("ResultSize", size.ToString(System.Globalization.CultureInfo.InvariantCulture));

    /// <summary>Every member up to the sample size; beyond it an even spread over the list, so the sample is stable between checks.</summary>
    public static IReadOnlyList<T> Sample<T>(IReadOnlyList<T> members, int size)
    {
        if (members.Count <= size)
        {
            return members;
        }

        var step = (double)members.Count / size;
        return [.. Enumerable.Range(0, size).Select(i => members[(int)(i * step)])];
    }

    private static VerificationResult Row(VerificationContext v, IRestrictionMode mode, string mailbox, bool isMember, ExchangeResult answer)
    {
        var verdict = mode.ReadAccess(answer, expectAccess: isMember, v.Target);
        return new VerificationResult
        {
            GroupId = v.GroupId,
            RunId = v.RunId,
            Mailbox = mailbox,
            IsMember = isMember,
            Expected = verdict.Expected,
            Actual = verdict.Actual.Length > 500 ? verdict.Actual[..500] : verdict.Actual,
            Passed = verdict.AsExpected,
            CheckedAt = v.CheckedAt,
        };
    }
}
