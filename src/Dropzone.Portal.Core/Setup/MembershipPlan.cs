namespace Dropzone.Portal.Core.Setup;

/// <summary>
/// How to get from the current membership to the desired one in the fewest calls without walking into the
/// large-array trap: one Update-DistributionGroupMember (it replaces the whole list, so it also removes)
/// when the resulting list fits the bulk threshold; single adds and removes for the rest.
/// </summary>
public sealed record MembershipPlan(
    IReadOnlyList<string>? BulkReplacement,
    int AddedByBulk,
    int RemovedByBulk,
    IReadOnlyList<string> SingleAdds,
    IReadOnlyList<string> SingleRemoves)
{
    public bool IsSatisfied => BulkReplacement is null && SingleAdds.Count == 0 && SingleRemoves.Count == 0;

    /// <summary>Number of membership calls (before $batch grouping).</summary>
    public int CommandCount => (BulkReplacement is null ? 0 : 1) + SingleAdds.Count + SingleRemoves.Count;

    public static MembershipPlan Create(IReadOnlyList<string> desired, IReadOnlyList<RecipientInfo> current, int bulkThreshold)
    {
        var currentNames = current.Select(Name).OfType<string>().ToList();
        var currentSet = new HashSet<string>(current.SelectMany(Names), StringComparer.OrdinalIgnoreCase);
        var desiredSet = new HashSet<string>(desired, StringComparer.OrdinalIgnoreCase);
        var missing = desired.Where(d => !currentSet.Contains(d)).ToList();
        var extras = current.Where(m => !Names(m).Any(desiredSet.Contains)).Select(Name).OfType<string>().ToList();
        if (missing.Count == 0 && extras.Count == 0)
        {
            return new(null, 0, 0, [], []);
        }

        var keep = desired.Where(currentSet.Contains).ToList();
        var room = bulkThreshold - keep.Count;
        // A bulk call is worth it only when it carries more than one change; it must never exceed the threshold.
        if (bulkThreshold > 0 && room >= 0 && missing.Count + extras.Count > 1)
        {
            var bulkAdds = missing.Take(room).ToList();
            return new([.. keep, .. bulkAdds], bulkAdds.Count, extras.Count, [.. missing.Skip(bulkAdds.Count)], []);
        }

        return new(null, 0, 0, missing, extras);
    }

    private static string? Name(RecipientInfo r) => r.PrimarySmtpAddress ?? r.ExternalDirectoryObjectId ?? r.Identity ?? r.Name;

    /// <summary>Every name the member answers to, so a request by address matches a row that also carries an id.</summary>
    private static IEnumerable<string> Names(RecipientInfo r) =>
        new[] { r.PrimarySmtpAddress, r.ExternalDirectoryObjectId, r.Identity, r.Name }.OfType<string>();
}
