namespace Dropzone.Portal.Core.Requests;

/// <summary>
/// Where a membership request stands. Pending → Approved → Applied is the happy path; Failed can be
/// retried (back to Approved); Rejected, Cancelled, Expired and Applied are final.
/// </summary>
public enum MemberRequestState
{
    Pending,
    Approved,
    Applied,
    Failed,
    Rejected,
    Cancelled,
    Expired,
}

/// <summary>Whether the request adds the mailbox to the group or removes it.</summary>
public enum MembershipChange
{
    Add,
    Remove,
}

/// <summary>What moves a request from one state to the next.</summary>
public enum MemberRequestTrigger
{
    Approve,
    Reject,
    Cancel,
    Expire,
    Apply,
    Fail,
    Retry,
}
