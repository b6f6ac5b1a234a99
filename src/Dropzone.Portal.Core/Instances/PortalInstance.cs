using System.Diagnostics;

namespace Dropzone.Portal.Core.Instances;

/// <summary>
/// One running portal process, as the other processes see it: a row it renews every few seconds (its heartbeat).
/// A run leased by an instance whose heartbeat is stale, whose row is gone, or whose process on this host no
/// longer runs is taken over (<see cref="Setup.RunTakeover"/>). Times are UTC <see cref="DateTime"/>s, compared in queries.
/// </summary>
public sealed class PortalInstance
{
    public const int MaxIdLength = 64;

    /// <summary>New for every process (and every host built in one process), never reused.</summary>
    public string Id { get; set; } = "";

    /// <summary>The machine (or container) name: processes on the same host can check each other's liveness directly.</summary>
    public string HostName { get; set; } = "";

    public int ProcessId { get; set; }

    /// <summary>When the operating system started the process; with <see cref="ProcessId"/> it tells a reused id from the same process.</summary>
    public DateTime ProcessStartedAt { get; set; }

    /// <summary>Where the portal runs from (for operators reading the table).</summary>
    public string AppPath { get; set; } = "";

    public DateTime StartedAt { get; set; }

    public DateTime HeartbeatAt { get; set; }
}

/// <summary>This process's identity as a portal instance; one per host container.</summary>
public sealed record PortalInstanceIdentity(string Id, string HostName, int ProcessId, DateTime ProcessStartedAt, string AppPath)
{
    public static PortalInstanceIdentity ForThisProcess()
    {
        using var process = Process.GetCurrentProcess();
        var host = Environment.MachineName;
        // At most 20 + 1 + 10 + 1 + 32 characters: fits PortalInstance.MaxIdLength.
        return new(
            $"{host[..Math.Min(host.Length, 20)]}:{Environment.ProcessId}:{Guid.NewGuid():N}",
            host,
            Environment.ProcessId,
            process.StartTime.ToUniversalTime(),
            AppContext.BaseDirectory);
    }
}

internal sealed class PortalInstanceConfiguration() : PortalTableConfiguration<PortalInstance>("PortalInstances")
{
    protected override void ConfigureColumns(EntityTypeBuilder<PortalInstance> builder)
    {
        builder.Property(i => i.Id).HasMaxLength(PortalInstance.MaxIdLength);
        builder.Property(i => i.HostName).HasMaxLength(256);
        builder.Property(i => i.AppPath).HasMaxLength(1024);
        builder.HasIndex(i => i.HeartbeatAt);
    }
}
