namespace Dropzone.Portal.Core.Verification;

/// <summary>
/// What a verification proved and what it could not, in words for the group's page and the audit. Exchange's Test-*
/// cmdlet answers from Exchange's own view and reflects a change at once; Microsoft documents that Graph can keep the
/// old access for an hour or more (RBAC for Applications: a cache of 30 minutes to 2 hours), and the portal cannot
/// read mail as the application to watch Graph enforce it. So "verified" proves Exchange's answer; Graph stays pending.
/// </summary>
public sealed record VerificationStatement(string Proven, string Pending)
{
    public override string ToString() => $"{Proven} {Pending}";

    /// <param name="accessTestName">The mode's Test-* cmdlet.</param>
    /// <param name="checks">How many checks passed (members and one mailbox outside the group).</param>
    /// <param name="verifiedAt">When Exchange gave the expected answers.</param>
    /// <param name="schedule">The re-checks after setup (<c>Setup:ReverificationSchedule</c>), from <paramref name="verifiedAt"/>.</param>
    /// <param name="now">Re-checks before this are done and not listed as pending.</param>
    public static VerificationStatement For(string accessTestName, int checks, DateTimeOffset verifiedAt, IEnumerable<TimeSpan> schedule, DateTimeOffset now)
    {
        var proven = $"Proven: Exchange's {accessTestName} gave the expected answer in all {checks} check(s) at {Time(verifiedAt)} "
            + "(the members may be read, a mailbox outside the group may not).";
        var rechecks = schedule.Select(s => verifiedAt + s).Where(t => t > now).Order().ToList();
        var pending = "Pending: Graph enforcement. Microsoft documents that Graph can keep the old access for an hour or more after Exchange answers; "
            + (rechecks.Count > 0
                ? $"the portal checks again at {string.Join(", ", rechecks.Select(Time))}."
                : "the portal keeps checking on its schedule.");
        return new VerificationStatement(proven, pending);
    }

    /// <summary>The statement for a group verified in Exchange and not yet re-checked; null in any other state.</summary>
    public static VerificationStatement? For(ManagedGroup group, string accessTestName, int checks, IEnumerable<TimeSpan> schedule, DateTimeOffset now) =>
        group is { Status: ManagedGroupStatus.VerifiedInExchange, VerifiedAt: { } at } ? For(accessTestName, checks, at, schedule, now) : null;

    private static string Time(DateTimeOffset at) => at.UtcDateTime.ToString("yyyy-MM-dd HH:mm 'UTC'", CultureInfo.InvariantCulture);
}
