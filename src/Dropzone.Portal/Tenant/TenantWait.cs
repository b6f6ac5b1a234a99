namespace Dropzone.Portal.Tenant;

/// <summary>What a page got from the tenant: the value, or why there is none.</summary>
public sealed record TenantAnswer<T>(T? Value, string? Problem)
{
    public bool Answered => Problem is null;
}

/// <summary>
/// How a page asks the tenant: once it is on screen (from the circuit's first render), for at most
/// <see cref="Limit"/>, and with a sentence for the viewer when the tenant is slow or unreachable, never an
/// exception and never a page that waits. <see cref="Components.Tenant.TenantPending"/> shows the wait and the reason.
/// </summary>
public sealed class TenantWait(TimeProvider time)
{
    public static readonly TimeSpan Limit = TimeSpan.FromSeconds(15);

    /// <param name="ask">The tenant call; it must give up when its token is cancelled.</param>
    /// <param name="what">What is asked, for the message (e.g. "the owners of your groups").</param>
    /// <param name="then">What the viewer can do about it, ending the message.</param>
    public async Task<TenantAnswer<T>> AskAsync<T>(Func<CancellationToken, Task<T>> ask, string what, string then = "Try again in a moment.")
    {
        ArgumentNullException.ThrowIfNull(ask);
        using var timeBox = new CancellationTokenSource(Limit, time);
        try
        {
            return new(await ask(timeBox.Token), null);
        }
        catch (OperationCanceledException) when (timeBox.IsCancellationRequested)
        {
            return new(default, $"The tenant did not answer within {Limit.TotalSeconds:0} s ({what}): Exchange Online or Microsoft Graph may be slow or unavailable. {then}");
        }
        catch (HttpRequestException ex)
        {
            return new(default, $"The tenant could not be reached ({what}): {ex.Message}");
        }
    }
}
