using Microsoft.Extensions.Time.Testing;

namespace Dropzone.Portal.TenantClients.Tests.Support;

/// <summary>
/// A fake clock on which short waits (backoff, Retry-After, replication polling) complete at once by moving
/// the clock forward by the wait, while long timers (attempt and total timeouts) only fire when a test
/// advances the clock itself. A whole retrying workflow then runs in milliseconds of real time, with
/// the emulator seeing the seconds pass.
/// </summary>
public sealed class VirtualTimeProvider(TimeSpan autoAdvanceLimit) : FakeTimeProvider(new DateTimeOffset(2026, 11, 27, 9, 0, 0, TimeSpan.Zero))
{
    public VirtualTimeProvider() : this(TimeSpan.FromSeconds(30)) { }

    private long _autoAdvancedTicks;

    /// <summary>Total virtual time that short waits have skipped.</summary>
    public TimeSpan AutoAdvanced => TimeSpan.FromTicks(Interlocked.Read(ref _autoAdvancedTicks));

    public override ITimer CreateTimer(TimerCallback callback, object? state, TimeSpan dueTime, TimeSpan period)
    {
        var timer = base.CreateTimer(callback, state, dueTime, period);
        if (dueTime > TimeSpan.Zero && dueTime <= autoAdvanceLimit && period == Timeout.InfiniteTimeSpan)
        {
            Interlocked.Add(ref _autoAdvancedTicks, dueTime.Ticks);
            Advance(dueTime);
        }

        return timer;
    }
}
