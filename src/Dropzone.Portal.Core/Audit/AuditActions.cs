namespace Dropzone.Portal.Core.Audit;

/// <summary>
/// Action names stored in <see cref="AuditEntry.Action"/>. They are data: once written they are filtered on and
/// hashed, so never rename one; add a new name instead.
/// </summary>
public static class AuditActions
{
    public const string GroupCreated = "Group.Created";
    public const string GroupAdopted = "Group.Adopted";
    public const string MemberAdded = "Member.Added";
    public const string MemberRemoved = "Member.Removed";
    public const string OwnerChanged = "Owner.Changed";
    public const string PolicyCreated = "Policy.Created";
    public const string PolicyRemoved = "Policy.Removed";
    public const string VerificationCompleted = "Verification.Completed";

    public const string RequestSubmitted = "Request.Submitted";
    public const string RequestApproved = "Request.Approved";
    public const string RequestRejected = "Request.Rejected";
    public const string RequestCancelled = "Request.Cancelled";
    public const string RequestApplied = "Request.Applied";
    public const string RequestFailed = "Request.Failed";
    public const string RequestExpired = "Request.Expired";
    public const string RequestRetried = "Request.Retried";

    public const string RunStarted = "Run.Started";
    public const string RunStepSucceeded = "Run.StepSucceeded";
    public const string RunStepFailed = "Run.StepFailed";
    public const string RunCompleted = "Run.Completed";
    public const string RunFailed = "Run.Failed";
    public const string RunCancelled = "Run.Cancelled";
    public const string RunStepWaiting = "Run.StepWaiting";
    public const string RunStepInterrupted = "Run.StepInterrupted";
    public const string RunCorrected = "Run.Corrected";
    public const string GroupAbandoned = "Group.Abandoned";
    public const string GrantRemoved = "Grant.Removed";

    public const string SignInSucceeded = "SignIn.Succeeded";
    public const string SignInDenied = "SignIn.Denied";

    public const string AuditVerified = "Audit.Verified";
    public const string AuditArchived = "Audit.Archived";

    /// <summary>
    /// Every name above in declaration order, for the page's filter: read from the constants themselves, so a
    /// new action is offered as soon as it is declared.
    /// </summary>
    public static IReadOnlyList<string> All { get; } =
    [
        .. typeof(AuditActions).GetFields(System.Reflection.BindingFlags.Public | System.Reflection.BindingFlags.Static)
            .Where(f => f.IsLiteral && f.FieldType == typeof(string))
            .OrderBy(f => f.MetadataToken)
            .Select(f => (string)f.GetRawConstantValue()!),
    ];
}

/// <summary>Values for <see cref="AuditEntry.TargetType"/>.</summary>
public static class AuditTargetTypes
{
    public const string Group = "group";
    public const string Mailbox = "mailbox";
    public const string Run = "run";
    public const string Request = "request";
    public const string Policy = "policy";
    public const string Grant = "grant";
    public const string Audit = "audit";
}
