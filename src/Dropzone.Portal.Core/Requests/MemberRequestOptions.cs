namespace Dropzone.Portal.Core.Requests;

/// <summary>Settings under <c>Requests</c> (docs/requests.md).</summary>
public sealed class MemberRequestOptions
{
    public const string SectionName = "Requests";

    /// <summary>A pending request nobody decided within this many days expires, so stale asks do not pile up.</summary>
    public int ExpireAfterDays { get; set; } = 14;

    /// <summary>An approved request not attempted for this long is queued again by the sweep (the enqueue was lost, e.g. a crash).</summary>
    public TimeSpan RequeueApprovedAfter { get; set; } = TimeSpan.FromMinutes(10);

    /// <summary>Rows per page on the group members page.</summary>
    public int MembersPageSize { get; set; } = 25;

    public TimeSpan ExpireAfter => TimeSpan.FromDays(ExpireAfterDays);
}
