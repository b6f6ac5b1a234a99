using Dropzone.Portal.Core.Groups;
using Dropzone.Portal.Core.Restriction.AccessPolicy;
using Dropzone.Portal.Core.Restriction.Rbac;
using Dropzone.Portal.Core.Setup;
using Dropzone.Portal.TenantClients.Commands;
using Dropzone.Portal.TenantClients.Exchange;

namespace Dropzone.Portal.Core.Verification;

/// <summary>What a verification found: one row per mailbox checked, a sentence for people, or why it could not run.</summary>
public sealed record VerificationOutcome(IReadOnlyList<VerificationResult> Results, string Summary, StepResult? Stop = null);

/// <summary>
/// Asks Exchange whether the restriction does what it should: every member (up to the sample size; a stated
/// sample beyond) must be Granted / InScope, and at least one mailbox outside the group Denied / not in scope.
/// Test-ApplicationAccessPolicy and Test-ServicePrincipalAuthorization read Exchange's current state, so a
/// pass here precedes Graph honouring it (Graph can lag more than an hour).
/// </summary>
public sealed class GroupVerifier
{
    private const int OutsiderProbeSize = 25;

    public async Task<VerificationOutcome> CheckAsync(SetupStepContext c, CancellationToken cancellationToken)
    {
        var request = c.Request;
        var members = request.Members;
        var sample = Sample(members, c.Options.VerificationSampleSize);
        // A short list is enough to find a mailbox outside the group; a second, complete read only if it was all members.
        var probe = MailboxProbe(Math.Min(members.Count, sample.Count) + OutsiderProbeSize);
        var commands = sample.Select(m => Test(c, SetupCommands.MemberName(m))).Append(probe).ToList();
        var answers = await c.InvokeManyAsync(commands, cancellationToken);

        var mailboxes = answers[^1];
        var memberSet = new HashSet<string>(members.SelectMany(m => new[] { m.Address, m.ObjectId }).OfType<string>(), StringComparer.OrdinalIgnoreCase);
        var outsiderRow = mailboxes.IsSuccess
            ? mailboxes.Rows.Select(RecipientInfo.From).FirstOrDefault(m => m.PrimarySmtpAddress is { } a && !memberSet.Contains(a)
                && (m.ExternalDirectoryObjectId is null || !memberSet.Contains(m.ExternalDirectoryObjectId))
                && !string.Equals(a, request.GroupAddress, StringComparison.OrdinalIgnoreCase))
            : null;
        if (outsiderRow is null && mailboxes.IsSuccess && mailboxes.Rows.Count >= Math.Min(members.Count, sample.Count) + OutsiderProbeSize)
        {
            var all = await c.InvokeAsync(MailboxProbe(members.Count + OutsiderProbeSize), cancellationToken);
            outsiderRow = all.Rows.Select(RecipientInfo.From).FirstOrDefault(m => m.PrimarySmtpAddress is { } a && !memberSet.Contains(a)
                && (m.ExternalDirectoryObjectId is null || !memberSet.Contains(m.ExternalDirectoryObjectId))
                && !string.Equals(a, request.GroupAddress, StringComparison.OrdinalIgnoreCase));
        }

        var outsider = outsiderRow?.PrimarySmtpAddress;
        var outsiderAnswer = outsiderRow is null ? null : await c.InvokeAsync(Test(c, outsiderRow.ExternalDirectoryObjectId ?? outsider!), cancellationToken);

        var checkedAt = c.UtcNow;
        var results = new List<VerificationResult>();
        for (var i = 0; i < sample.Count; i++)
        {
            if (answers[i].Outcome.IsTransient)
            {
                return new([], "", SetupStepContext.FromFailure(answers[i], "Verifying"));
            }

            results.Add(Row(c, sample[i].Address, isMember: true, answers[i], checkedAt));
        }

        if (outsiderAnswer is not null)
        {
            if (outsiderAnswer.Outcome.IsTransient)
            {
                return new([], "", SetupStepContext.FromFailure(outsiderAnswer, "Verifying"));
            }

            results.Add(Row(c, outsider!, isMember: false, outsiderAnswer, checkedAt));
        }

        var mode = request.RestrictionMode == RestrictionMode.ApplicationAccessPolicy ? "Test-ApplicationAccessPolicy" : "Test-ServicePrincipalAuthorization";
        var passed = results.Count(r => r.Passed);
        var scope = sample.Count < members.Count ? $"a sample of {sample.Count} of the {members.Count} members" : $"all {members.Count} member(s)";
        var outsiderText = outsider is null ? "no mailbox outside the group was found to check" : $"outsider {outsider}";
        return new(results, $"{mode}: {passed} of {results.Count} check(s) as expected ({scope}; {outsiderText}).");
    }

    private static ExchangeCommand MailboxProbe(int size) =>
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

    private static ExchangeCommand Test(SetupStepContext c, string mailbox) =>
        c.Request.RestrictionMode == RestrictionMode.ApplicationAccessPolicy
            ? AccessPolicyCommands.TestPolicy(c.Request.RestrictedAppId, mailbox)
            : RbacCommands.TestAuthorization(c.Request.RestrictedAppId, mailbox);

    private static VerificationResult Row(SetupStepContext c, string mailbox, bool isMember, ExchangeResult answer, DateTime checkedAt)
    {
        string expected;
        string actual;
        bool passed;
        if (c.Request.RestrictionMode == RestrictionMode.ApplicationAccessPolicy)
        {
            expected = isMember ? "Granted" : "Denied";
            actual = answer.IsSuccess && answer.FirstRow is { } row ? AccessCheckInfo.From(row).AccessCheckResult ?? "(no result)" : TenantCallLog.Describe(answer);
            passed = string.Equals(actual, expected, StringComparison.OrdinalIgnoreCase);
        }
        else
        {
            expected = isMember ? "InScope" : "Not in scope";
            var scopeName = RbacCommands.ScopeName(c.Request, c.Options);
            var rows = answer.IsSuccess ? answer.Rows.Select(ServicePrincipalAuthorizationInfo.From).ToList() : [];
            var ours = rows.Where(r => string.Equals(r.AllowedResourceScope, scopeName, StringComparison.OrdinalIgnoreCase)).ToList();
            var anyInScope = rows.Any(r => r.InScope == true);
            if (!answer.IsSuccess)
            {
                actual = TenantCallLog.Describe(answer);
                passed = false;
            }
            else if (isMember)
            {
                passed = ours.Count > 0 && ours.All(r => r.InScope == true);
                actual = ours.Count == 0 ? "No role assignment in the group's scope" : passed ? "InScope" : "Not in scope";
            }
            else
            {
                passed = !anyInScope;
                actual = anyInScope ? $"InScope ({string.Join(", ", rows.Where(r => r.InScope == true).Select(r => r.RoleName))})" : "Not in scope";
            }
        }

        return new VerificationResult
        {
            GroupId = c.Group.Id,
            RunId = c.Run.Id == Guid.Empty ? null : c.Run.Id,
            Mailbox = mailbox,
            IsMember = isMember,
            Expected = expected,
            Actual = actual.Length > 500 ? actual[..500] : actual,
            Passed = passed,
            CheckedAt = checkedAt,
        };
    }
}
