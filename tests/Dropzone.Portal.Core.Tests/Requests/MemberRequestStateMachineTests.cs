namespace Dropzone.Portal.Core.Tests.Requests;

public sealed class MemberRequestStateMachineTests
{
    private static readonly DateTimeOffset Now = new(2026, 11, 27, 9, 0, 0, TimeSpan.Zero);
    private static readonly PortalUser Requester = new("11111111-0000-0000-0000-000000000001", "ann@contoso.example", "Ann");
    private static readonly PortalUser Owner = new("11111111-0000-0000-0000-000000000002", "olga@contoso.example", "Olga");

    /// <summary>Every action, applied to a request in every state: exactly the table's transitions succeed.</summary>
    public static TheoryData<MemberRequestState, string, MemberRequestState?> EveryStateAndAction()
    {
        var expected = new Dictionary<(MemberRequestState, string), MemberRequestState>
        {
            [(MemberRequestState.Pending, "approve")] = MemberRequestState.Approved,
            [(MemberRequestState.Pending, "reject")] = MemberRequestState.Rejected,
            [(MemberRequestState.Pending, "cancel")] = MemberRequestState.Cancelled,
            [(MemberRequestState.Pending, "expire")] = MemberRequestState.Expired,
            [(MemberRequestState.Approved, "applied")] = MemberRequestState.Applied,
            [(MemberRequestState.Approved, "failed")] = MemberRequestState.Failed,
            [(MemberRequestState.Failed, "retry")] = MemberRequestState.Approved,
        };
        var data = new TheoryData<MemberRequestState, string, MemberRequestState?>();
        foreach (var state in Enum.GetValues<MemberRequestState>())
        {
            foreach (var action in Actions.Keys)
            {
                data.Add(state, action, expected.TryGetValue((state, action), out var to) ? to : null);
            }
        }
        return data;
    }

    private static readonly Dictionary<string, Action<MemberRequest>> Actions = new()
    {
        ["approve"] = r => r.Approve(Owner, "ok", Now.AddHours(1)),
        ["reject"] = r => r.Reject(Owner, "no", Now.AddHours(1)),
        ["cancel"] = r => r.Cancel(Now.AddHours(1)),
        ["expire"] = r => { if (!r.ExpireIfOlderThan(TimeSpan.FromDays(14), Now.AddDays(15))) throw new MemberRequestTransitionException(r.State, MemberRequestTrigger.Expire); },
        ["applied"] = r => r.MarkApplied("Granted", Now.AddHours(2)),
        ["failed"] = r => r.MarkFailed("ManagementObjectNotFound", Now.AddHours(2)),
        ["retry"] = r => r.Retry(Now.AddHours(3)),
    };

    [Theory]
    [MemberData(nameof(EveryStateAndAction))]
    public void Transition_FromEveryState_OnlyAllowedOnesSucceed(MemberRequestState from, string action, MemberRequestState? expected)
    {
        var request = InState(from);
        var versionBefore = request.Version;

        var attempt = Record.Exception(() => Actions[action](request));

        if (expected is { } to)
        {
            Assert.Null(attempt);
            Assert.Equal(to, request.State);
            Assert.NotEqual(versionBefore, request.Version);
        }
        else
        {
            Assert.IsAssignableFrom<MemberRequestRuleException>(attempt);
            Assert.Equal(from, request.State);
            Assert.Equal(versionBefore, request.Version);
        }
    }

    [Fact]
    public void Approve_Pending_RecordsDeciderCommentAndTime()
    {
        var request = NewRequest();

        request.Approve(Owner, "  needed for the SOC rota  ", Now.AddMinutes(5));

        Assert.Equal(Owner.ObjectId, request.DecidedByObjectId);
        Assert.Equal("needed for the SOC rota", request.DecisionComment);
        Assert.Equal(Now.AddMinutes(5), request.DecidedAt);
    }

    [Fact]
    public void ExpireIfOlderThan_YoungerThanMaximum_StaysPending()
    {
        var request = NewRequest();

        Assert.False(request.ExpireIfOlderThan(TimeSpan.FromDays(14), Now.AddDays(13)));
        Assert.Equal(MemberRequestState.Pending, request.State);
    }

    [Fact]
    public void Submit_WithoutJustification_IsRefusedWithReason()
    {
        var error = Assert.Throws<MemberRequestRuleException>(() =>
            MemberRequest.Submit(Guid.NewGuid(), MembershipChange.Add, "ann@contoso.example", null, "Ann", "   ", Requester, Now));

        Assert.Contains("why", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Submit_JustificationTooLong_IsRefusedNamingTheLimit()
    {
        var error = Assert.Throws<MemberRequestRuleException>(() =>
            MemberRequest.Submit(Guid.NewGuid(), MembershipChange.Add, "ann@contoso.example", null, "Ann", new string('x', 1001), Requester, Now));

        Assert.Contains("1000", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void MarkApplied_AfterFailureAndRetry_ClearsFailureReason()
    {
        var request = NewRequest();
        request.Approve(Owner, null, Now);
        request.MarkFailed("Exchange was busy", Now);
        request.Retry(Now);

        request.MarkApplied("Granted", Now);

        Assert.Null(request.FailureReason);
        Assert.Equal("Granted", request.VerificationResult);
    }

    private static MemberRequest NewRequest() =>
        MemberRequest.Submit(Guid.NewGuid(), MembershipChange.Add, "ann@contoso.example", null, "Ann", "I triage phishing reports", Requester, Now);

    private static MemberRequest InState(MemberRequestState state)
    {
        var request = NewRequest();
        switch (state)
        {
            case MemberRequestState.Pending: break;
            case MemberRequestState.Approved: request.Approve(Owner, null, Now); break;
            case MemberRequestState.Applied: request.Approve(Owner, null, Now); request.MarkApplied("Granted", Now); break;
            case MemberRequestState.Failed: request.Approve(Owner, null, Now); request.MarkFailed("x", Now); break;
            case MemberRequestState.Rejected: request.Reject(Owner, null, Now); break;
            case MemberRequestState.Cancelled: request.Cancel(Now); break;
            case MemberRequestState.Expired: request.ExpireIfOlderThan(TimeSpan.Zero, Now.AddSeconds(1)); break;
        }
        Assert.Equal(state, request.State);
        return request;
    }
}
