using System.ComponentModel;
using System.Diagnostics;

namespace Dropzone.Portal.Core.Instances;

/// <summary>
/// The heartbeat table: this instance's row (registered, renewed, removed on a graceful stop) and the question
/// the takeover asks about the others — which of them are gone.
/// </summary>
public sealed class InstanceRegistry(
    IDbContextFactory<PortalDbContext> dbFactory,
    PortalInstanceIdentity self,
    IOptions<SetupOptions> options,
    TimeProvider time)
{
    /// <summary>Rows this old are deleted: their instances are long gone and no run can still name them usefully.</summary>
    private static readonly TimeSpan ForgetAfter = TimeSpan.FromDays(1);

    public PortalInstanceIdentity Self => self;

    private DateTime Now => time.GetUtcNow().UtcDateTime;

    /// <summary>Renews this instance's heartbeat; the first beat inserts its row.</summary>
    public async Task BeatAsync(CancellationToken cancellationToken)
    {
        var now = Now;
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var renewed = await db.PortalInstances.Where(i => i.Id == self.Id)
            .ExecuteUpdateAsync(s => s.SetProperty(i => i.HeartbeatAt, now), cancellationToken);
        if (renewed == 1)
        {
            return;
        }

        db.PortalInstances.Add(new PortalInstance
        {
            Id = self.Id,
            HostName = self.HostName,
            ProcessId = self.ProcessId,
            ProcessStartedAt = self.ProcessStartedAt,
            AppPath = self.AppPath,
            StartedAt = now,
            HeartbeatAt = now,
        });
        await db.SaveChangesAsync(cancellationToken);
    }

    /// <summary>On a graceful stop: without its row the instance counts as gone at once, so its runs are taken over without waiting.</summary>
    public async Task RetireAsync(CancellationToken cancellationToken)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        await db.PortalInstances.Where(i => i.Id == self.Id).ExecuteDeleteAsync(cancellationToken);
    }

    /// <summary>Deletes the rows of instances silent for a day (housekeeping; a missing row reads as "gone" anyway).</summary>
    public async Task ForgetLongGoneAsync(CancellationToken cancellationToken)
    {
        var before = Now - ForgetAfter;
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        await db.PortalInstances.Where(i => i.HeartbeatAt < before).ExecuteDeleteAsync(cancellationToken);
    }

    /// <summary>
    /// Which of <paramref name="instanceIds"/> are gone: no row (retired or forgotten), a heartbeat older than
    /// <see cref="SetupOptions.InstanceStaleAfter"/>, or a process on this host that no longer runs (a restart on the
    /// same machine is noticed at once, without waiting for the heartbeat to go stale). Never this instance.
    /// </summary>
    public async Task<IReadOnlySet<string>> GoneAsync(IEnumerable<string> instanceIds, CancellationToken cancellationToken)
    {
        var ids = instanceIds.Where(id => id != self.Id).Distinct(StringComparer.Ordinal).ToList();
        if (ids.Count == 0)
        {
            return new HashSet<string>();
        }

        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var rows = await db.PortalInstances.AsNoTracking().Where(i => ids.Contains(i.Id)).ToDictionaryAsync(i => i.Id, StringComparer.Ordinal, cancellationToken);
        var staleBefore = Now - options.Value.InstanceStaleAfter;
        return ids.Where(id => !rows.TryGetValue(id, out var row)
                || row.HeartbeatAt < staleBefore
                || (row.HostName == self.HostName && !ProcessRuns(row)))
            .ToHashSet(StringComparer.Ordinal);
    }

    /// <summary>Whether the instance's process still runs on this host: its id exists and started when the row says.</summary>
    private static bool ProcessRuns(PortalInstance row)
    {
        try
        {
            using var process = Process.GetProcessById(row.ProcessId);
            // A reused process id (a restarted container is often process 1 again) has another start time.
            return Math.Abs((process.StartTime.ToUniversalTime() - row.ProcessStartedAt).TotalSeconds) < 2;
        }
        catch (Exception ex) when (ex is ArgumentException or InvalidOperationException)
        {
            // No such process, or it exited while being asked.
            return false;
        }
        catch (Exception ex) when (ex is Win32Exception or NotSupportedException or UnauthorizedAccessException)
        {
            // Not allowed to look: the heartbeat decides.
            return true;
        }
    }
}
