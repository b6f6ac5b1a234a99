namespace Dropzone.Portal.Core.Requests;

/// <summary>
/// A request to add a mailbox to (or remove it from) a managed group, decided by the group's owners.
/// The state machine lives here so that every path (UI, jobs, expiry) obeys the same transitions;
/// who may trigger a transition is decided by the authorization layer, not here.
/// </summary>
public sealed class MemberRequest
{
    public const int MaxJustificationLength = 1000;
    public const int MaxCommentLength = 1000;

    // Keyed by trigger, not by target: "approve" and "retry" both lead to Approved, from different states.
    private static readonly Dictionary<MemberRequestTrigger, (MemberRequestState From, MemberRequestState To)> Transitions = new()
    {
        [MemberRequestTrigger.Approve] = (MemberRequestState.Pending, MemberRequestState.Approved),
        [MemberRequestTrigger.Reject] = (MemberRequestState.Pending, MemberRequestState.Rejected),
        [MemberRequestTrigger.Cancel] = (MemberRequestState.Pending, MemberRequestState.Cancelled),
        [MemberRequestTrigger.Expire] = (MemberRequestState.Pending, MemberRequestState.Expired),
        [MemberRequestTrigger.Apply] = (MemberRequestState.Approved, MemberRequestState.Applied),
        [MemberRequestTrigger.Fail] = (MemberRequestState.Approved, MemberRequestState.Failed),
        [MemberRequestTrigger.Retry] = (MemberRequestState.Failed, MemberRequestState.Approved),
    };

    private MemberRequest()
    {
    }

    public Guid Id { get; private set; }
    public Guid GroupId { get; private set; }
    public MembershipChange Change { get; private set; }
    public string MailboxAddress { get; private set; } = "";
    public string? MailboxObjectId { get; private set; }
    public string MailboxDisplayName { get; private set; } = "";
    public string Justification { get; private set; } = "";
    public string RequestedByObjectId { get; private set; } = "";
    public string RequestedByUpn { get; private set; } = "";
    public string RequestedByName { get; private set; } = "";
    public DateTimeOffset RequestedAt { get; private set; }
    public MemberRequestState State { get; private set; }
    public string? DecidedByObjectId { get; private set; }
    public string? DecidedByUpn { get; private set; }
    public string? DecidedByName { get; private set; }
    public DateTimeOffset? DecidedAt { get; private set; }
    public string? DecisionComment { get; private set; }
    public DateTimeOffset? AppliedAt { get; private set; }
    public string? FailureReason { get; private set; }
    public int ApplyAttempts { get; private set; }
    public string? VerificationResult { get; private set; }
    public DateTimeOffset UpdatedAt { get; private set; }

    /// <summary>Optimistic concurrency: two owners deciding at once cannot both win.</summary>
    public Guid Version { get; private set; }

    public bool IsOpen => State is MemberRequestState.Pending or MemberRequestState.Approved or MemberRequestState.Failed;

    public static MemberRequest Submit(
        Guid groupId, MembershipChange change, string mailboxAddress, string? mailboxObjectId, string mailboxDisplayName,
        string justification, PortalUser requester, DateTimeOffset now)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(mailboxAddress);
        ArgumentNullException.ThrowIfNull(requester);
        var trimmed = (justification ?? "").Trim();
        if (trimmed.Length == 0)
        {
            throw new MemberRequestRuleException("Say why the mailbox should be added or removed: owners decide on the justification.");
        }
        if (trimmed.Length > MaxJustificationLength)
        {
            throw new MemberRequestRuleException($"The justification is {trimmed.Length} characters; keep it to {MaxJustificationLength}.");
        }
        return new MemberRequest
        {
            Id = Guid.NewGuid(),
            GroupId = groupId,
            Change = change,
            MailboxAddress = mailboxAddress.Trim(),
            MailboxObjectId = mailboxObjectId,
            MailboxDisplayName = string.IsNullOrWhiteSpace(mailboxDisplayName) ? mailboxAddress.Trim() : mailboxDisplayName,
            Justification = trimmed,
            RequestedByObjectId = requester.ObjectId,
            RequestedByUpn = requester.UserPrincipalName,
            RequestedByName = requester.DisplayName,
            RequestedAt = now,
            UpdatedAt = now,
            State = MemberRequestState.Pending,
            Version = Guid.NewGuid(),
        };
    }

    public bool Allows(MemberRequestTrigger trigger) => Transitions[trigger].From == State;

    public void Approve(PortalUser decider, string? comment, DateTimeOffset now)
    {
        Fire(MemberRequestTrigger.Approve, now);
        Decide(decider, comment, now);
    }

    public void Reject(PortalUser decider, string? comment, DateTimeOffset now)
    {
        Fire(MemberRequestTrigger.Reject, now);
        Decide(decider, comment, now);
    }

    public void Cancel(DateTimeOffset now) => Fire(MemberRequestTrigger.Cancel, now);

    /// <summary>Pending requests older than <paramref name="maximumAge"/> expire; returns whether this one did.</summary>
    public bool ExpireIfOlderThan(TimeSpan maximumAge, DateTimeOffset now)
    {
        if (State != MemberRequestState.Pending || now - RequestedAt < maximumAge)
        {
            return false;
        }
        Fire(MemberRequestTrigger.Expire, now);
        return true;
    }

    public void RecordApplyAttempt() => ApplyAttempts++;

    public void MarkApplied(string verificationResult, DateTimeOffset now)
    {
        Fire(MemberRequestTrigger.Apply, now);
        AppliedAt = now;
        FailureReason = null;
        VerificationResult = verificationResult;
    }

    public void MarkFailed(string reason, DateTimeOffset now)
    {
        Fire(MemberRequestTrigger.Fail, now);
        FailureReason = reason;
    }

    /// <summary>After the cause of a failure is fixed, an owner or admin sends the request to be applied again.</summary>
    public void Retry(DateTimeOffset now) => Fire(MemberRequestTrigger.Retry, now);

    private void Decide(PortalUser decider, string? comment, DateTimeOffset now)
    {
        var trimmed = comment?.Trim();
        if (trimmed is { Length: > MaxCommentLength })
        {
            throw new MemberRequestRuleException($"The comment is {trimmed.Length} characters; keep it to {MaxCommentLength}.");
        }
        DecidedByObjectId = decider.ObjectId;
        DecidedByUpn = decider.UserPrincipalName;
        DecidedByName = decider.DisplayName;
        DecidedAt = now;
        DecisionComment = string.IsNullOrEmpty(trimmed) ? null : trimmed;
    }

    private void Fire(MemberRequestTrigger trigger, DateTimeOffset now)
    {
        var (from, to) = Transitions[trigger];
        if (State != from)
        {
            throw new MemberRequestTransitionException(State, trigger);
        }
        State = to;
        UpdatedAt = now;
        Version = Guid.NewGuid();
    }
}

/// <summary>A request input that breaks a rule; the message says which, in the user's words.</summary>
public class MemberRequestRuleException(string message) : InvalidOperationException(message);

/// <summary>A transition the state machine does not allow (e.g. rejecting an applied request).</summary>
public sealed class MemberRequestTransitionException(MemberRequestState state, MemberRequestTrigger trigger)
    : MemberRequestRuleException($"A request that is {state.ToString().ToLowerInvariant()} cannot be {PastTense(trigger)}.")
{
    public MemberRequestState State { get; } = state;
    public MemberRequestTrigger Trigger { get; } = trigger;

    private static string PastTense(MemberRequestTrigger trigger) => trigger switch
    {
        MemberRequestTrigger.Approve => "approved",
        MemberRequestTrigger.Reject => "rejected",
        MemberRequestTrigger.Cancel => "cancelled",
        MemberRequestTrigger.Expire => "expired",
        MemberRequestTrigger.Apply => "marked applied",
        MemberRequestTrigger.Fail => "marked failed",
        MemberRequestTrigger.Retry => "retried",
        _ => trigger.ToString().ToLowerInvariant(),
    };
}
