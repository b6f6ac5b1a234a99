namespace Dropzone.Portal.Core.Requests;

/// <summary>
/// Raised after any request changes state, so open pages (the nav badge, the queues) refresh at once instead
/// of polling. With several portal instances each publication is also forwarded (<see cref="IInstanceEventForwarder"/>),
/// so a badge on any instance moves.
/// </summary>
public sealed class MemberRequestEvents(IEnumerable<IInstanceEventForwarder> forwarders)
    : InstanceEventChannel<MemberRequestChange>(forwarders)
{
    public MemberRequestEvents()
        : this([])
    {
    }

    public event Action<MemberRequestChange>? Changed
    {
        add => Subscribe(value);
        remove => Unsubscribe(value);
    }
}

/// <summary>Which request moved, in which group, to which state.</summary>
public sealed record MemberRequestChange(Guid RequestId, Guid GroupId, MemberRequestState State);
