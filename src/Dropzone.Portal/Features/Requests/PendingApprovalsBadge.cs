namespace Dropzone.Portal.Features.Requests;

/// <summary>
/// The number on the "My approvals" nav entry, for one circuit. It recounts when any request changes
/// (<see cref="MemberRequestEvents"/>), so the badge moves the moment a request arrives or is decided, with no polling.
/// </summary>
public sealed class PendingApprovalsBadge : IDisposable
{
    private readonly MemberRequestService _requests;
    private readonly MemberRequestEvents _events;
    private RequestCaller? _caller;

    public PendingApprovalsBadge(MemberRequestService requests, MemberRequestEvents events)
    {
        _requests = requests;
        _events = events;
        _events.Changed += OnChanged;
    }

    public int Count { get; private set; }

    /// <summary>Raised after <see cref="Count"/> changed; components re-render on it.</summary>
    public event Action? CountChanged;

    public async Task StartAsync(RequestCaller caller, CancellationToken cancellationToken = default)
    {
        _caller = caller;
        await RecountAsync(cancellationToken);
    }

    public void Dispose() => _events.Changed -= OnChanged;

    private void OnChanged(MemberRequestChange change) => _ = RecountSafelyAsync();

    private async Task RecountSafelyAsync()
    {
        try
        {
            await RecountAsync(CancellationToken.None);
        }
        catch (Exception ex) when (ex is InvalidOperationException or ObjectDisposedException)
        {
            // The circuit went away while counting; nothing is shown any more.
        }
    }

    private async Task RecountAsync(CancellationToken cancellationToken)
    {
        if (_caller is null)
        {
            return;
        }
        var count = await _requests.CountPendingApprovalsAsync(_caller, cancellationToken);
        if (count != Count)
        {
            Count = count;
            CountChanged?.Invoke();
        }
    }
}
