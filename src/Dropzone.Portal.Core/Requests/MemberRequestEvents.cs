namespace Dropzone.Portal.Core.Requests;

/// <summary>
/// Raised after any request changes state, so open pages (the nav badge, the queues) refresh at once instead
/// of polling. In-process only: with several portal instances a badge catches up on its next page load.
/// </summary>
public sealed class MemberRequestEvents
{
    public event Action<MemberRequestChange>? Changed;

    public void Publish(MemberRequestChange change)
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
