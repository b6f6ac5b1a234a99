namespace Dropzone.TenantEmulator.State;

/// <summary>
/// Server operations that outlive their request. Exchange's REST cmdlets may run up to 15 minutes (Microsoft's
/// EXO V3 documentation); a client whose HTTP timeout is shorter gives up, but the operation keeps running and its
/// change appears when it ends. Timers on the injected clock apply each change, so a test sees it by moving the clock.
/// </summary>
public sealed partial class TenantState
{
    private readonly List<ITimer> _longOperations = [];

    /// <summary>Operations started and not yet ended (the control surface shows the count).</summary>
    public int LongOperationsRunning
    {
        get
        {
            lock (Gate)
            {
                return _longOperations.Count;
            }
        }
    }

    /// <summary>
    /// Runs <paramref name="apply"/> (under the lock, then saved) after <paramref name="duration"/> on the tenant's clock;
    /// the task ends when the change is in. Called under the lock by the cmdlet that starts the operation.
    /// </summary>
    internal Task StartLongOperation(TimeSpan duration, Action apply)
    {
        var done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var holder = new ITimer?[1];
        holder[0] = Time.CreateTimer(_ =>
        {
            lock (Gate)
            {
                if (holder[0] is not { } timer || !_longOperations.Remove(timer))
                {
                    // A reset in between ended the operation together with the tenant it belonged to.
                    return;
                }
                apply();
            }
            SaveChanges();
            done.TrySetResult();
        }, null, duration, Timeout.InfiniteTimeSpan);
        _longOperations.Add(holder[0]!);
        return done.Task;
    }

    private void EndLongOperations()
    {
        foreach (var timer in _longOperations)
        {
            timer.Dispose();
        }
        _longOperations.Clear();
    }
}
