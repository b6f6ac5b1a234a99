namespace Dropzone.Portal.Core.Requests;

/// <summary>
/// Who is asking the request services to act: the signed-in person, whether they hold Portal.Admin, and
/// whether they may read everything (Portal.Auditor), and where they came from (for the audit record). Built from the claims principal by the web layer; the
/// services decide what this caller may do, so a page that forgets a check cannot grant anything.
/// </summary>
public sealed record RequestCaller(PortalUser User, bool IsAdmin, bool IsAuditor = false, string? ClientIp = null)
{
    public string ObjectId => User.ObjectId;

    public AuditActor Actor => AuditActor.User(User.ObjectId, User.UserPrincipalName, User.DisplayName);
}

/// <summary>The caller may not do this (not an owner, not the requester...); the message says why.</summary>
public sealed class MemberRequestDeniedException(string message) : MemberRequestRuleException(message);

/// <summary>The request or group does not exist (or the caller may not know it does).</summary>
public sealed class MemberRequestNotFoundException(string message) : MemberRequestRuleException(message);
