namespace Dropzone.Portal.Core;

/// <summary>
/// Carries an event raised in this instance (a <see cref="Setup.RunProgress"/>, a
/// <see cref="Requests.MemberRequestChange"/>) to the portal's other instances, which raise it locally. None is
/// registered for one instance (SQLite); on PostgreSQL the host relays through LISTEN/NOTIFY.
/// </summary>
public interface IInstanceEventForwarder
{
    void Forward(object portalEvent);
}

/// <summary>
/// An event of the portal that every instance's subscribers see: <see cref="Publish"/> tells this instance's
/// subscribers and forwards it to the others (<see cref="IInstanceEventForwarder"/>); an event forwarded from another
/// instance arrives through <see cref="Raise"/>. Singleton.
/// </summary>
public abstract class InstanceEventChannel<TEvent>(IEnumerable<IInstanceEventForwarder> forwarders)
    where TEvent : notnull
{
    private readonly IInstanceEventForwarder[] _forwarders = [.. forwarders];

    private event Action<TEvent>? Subscribers;

    public void Publish(TEvent portalEvent)
    {
        Raise(portalEvent);
        foreach (var forwarder in _forwarders) forwarder.Forward(portalEvent);
    }

    /// <summary>Tells this instance's subscribers only (an event forwarded from another instance).</summary>
    public void Raise(TEvent portalEvent)
    {
        // One failing subscriber (a disposed circuit) must not stop the others or the action that raised the event.
        foreach (var handler in Subscribers?.GetInvocationList().Cast<Action<TEvent>>() ?? [])
        {
            try
            {
                handler(portalEvent);
            }
            catch (Exception ex) when (ex is ObjectDisposedException or InvalidOperationException)
            {
            }
        }
    }

    /// <summary>For the subclass's named event's <c>add</c>.</summary>
    protected void Subscribe(Action<TEvent>? handler) => Subscribers += handler;

    /// <summary>For the subclass's named event's <c>remove</c>.</summary>
    protected void Unsubscribe(Action<TEvent>? handler) => Subscribers -= handler;
}
