namespace Dropzone.Portal.Core.Requests;

/// <summary>
/// Raised after any request changes state, so open pages (the nav badge, the queues) refresh at once instead
/// of polling. With several portal instances each publication is also forwarded (<see cref="IInstanceEventForwarder"/>),
/// so a badge on any instance moves.
/// </summary>
public sealed class MemberRequestEvents(IEnumerable<IInstanceEventForwarder> forwarders)
{
    private readonly IInstanceEventForwarder[] _forwarders = [.. forwarders];

    public MemberRequestEvents()
        : this([])
    {
    }

    public event Action<MemberRequestChange>? Changed;

    public void Publish(MemberRequestChange change)
    {
        Raise(change);
        foreach (var forwarder in _forwarders) forwarder.Forward(change);
    }

    /// <summary>Tells this instance's subscribers only (a change forwarded from another instance).</summary>
    public void Raise(MemberRequestChange change)
    {
        // A subscriber that throws (a disposed circuit) must not break the action that raised the event.
        foreach (var handler in Changed?.GetInvocationList() ?? [])
        {
            try
            {
                ((Action<MemberRequestChange>)handler)(change);
            }
            catch (ObjectDisposedException)
            {
            }
            catch (InvalidOperationException)
            {
            }
        }
    }
}

/// <summary>Which request moved, in which group, to which state.</summary>
public sealed record MemberRequestChange(Guid RequestId, Guid GroupId, MemberRequestState State);
