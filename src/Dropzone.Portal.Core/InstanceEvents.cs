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
