using Dropzone.Portal.TenantClients;
using Dropzone.Portal.TenantClients.Diagnostics;

namespace Dropzone.Portal.Core.Data;

/// <summary>
/// The per-tenant limit across every instance on one PostgreSQL database: a tenant has
/// <see cref="TenantClientsOptions.MaxConcurrencyPerTenant"/> slots, slot <c>i</c> being the session advisory lock
/// (tenant key, <c>i</c>); a call holds one on a connection of its own while it is on the wire. A killed instance's
/// connections close and free their slots. The process's own semaphore is taken first, so an instance never asks
/// the database for more slots than the limit, and waiting callers of one instance queue in memory.
/// <para>
/// A caller that finds every slot held LISTENs on the tenant's channel; a release NOTIFYs it with the freed slot, so
/// the slot is taken again within a round trip rather than at the next poll (a call lasts about as long as a poll
/// would wait, so polling left slots idle a quarter of the time with two instances). A look at every slot every
/// <see cref="LongestRetry"/> stays, for a notification that never comes (its sender died between unlock and notify).
/// </para>
/// </summary>
public sealed class PostgreSqlTenantConcurrencyLimiter(string connectionString, IOptions<TenantClientsOptions> options)
    : ITenantConcurrencyLimiter
{
    private readonly TenantConcurrencyGate _local = new(options);

    /// <summary>How long a waiting caller waits for a release to be announced before it looks at every slot again.</summary>
    internal TimeSpan LongestRetry { get; init; } = TimeSpan.FromMilliseconds(200);

    /// <summary>Called each time a caller, listening, starts waiting for a release (tests wait for this moment).</summary>
    internal Action? WaitingForRelease { get; init; }

    public async ValueTask<IAsyncDisposable> AcquireAsync(string tenant, CancellationToken cancellationToken)
    {
        var local = await _local.AcquireAsync(tenant, cancellationToken);
        NpgsqlConnection? connection = null;
        try
        {
            connection = new NpgsqlConnection(connectionString);
            await connection.OpenAsync(cancellationToken);
            var key = TenantKey(tenant);
            var slots = Math.Max(1, options.Value.MaxConcurrencyPerTenant);
            // Starting at a random slot spreads instances over the slots instead of all contending for slot 0.
            var first = Random.Shared.Next(slots);
            int[] everySlot = [.. Enumerable.Range(0, slots).Select(i => (first + i) % slots)];
            if (await TryEachAsync(connection, key, everySlot, cancellationToken) is { } free) return new Slot(connection, key, free, local);

            // Every slot is held by other instances: listen for releases, then look once more (a slot freed before the
            // LISTEN took effect sent its notification to nobody). The handler runs while this connection reads (a
            // command's answer or the wait below), never concurrently with this method.
            var announced = new List<int>();
            connection.Notification += (_, e) =>
            {
                if (int.TryParse(e.Payload, CultureInfo.InvariantCulture, out var slot)) announced.Add(slot);
            };
            await ExecuteAsync(connection, $"LISTEN {Channel(key)}", cancellationToken);
            while (true)
            {
                int[] freed = [.. announced];
                announced.Clear();
                var taken = await TryEachAsync(connection, key, freed.Length == 0 ? everySlot : freed, cancellationToken);
                if (taken is { } slot)
                {
                    await ExecuteAsync(connection, $"UNLISTEN {Channel(key)}", cancellationToken);
                    return new Slot(connection, key, slot, local);
                }
                // Real time, not the portal's clock; a notification ends the wait at once.
                WaitingForRelease?.Invoke();
                await connection.WaitAsync(LongestRetry, cancellationToken);
            }
        }
        catch
        {
            if (connection is not null) await connection.DisposeAsync();
            await local.DisposeAsync();
            throw;
        }
    }

    /// <summary>A stable 32-bit key per tenant (the advisory lock's first half; the slot is the second).</summary>
    internal static int TenantKey(string tenant) =>
        BitConverter.ToInt32(SHA256.HashData(Encoding.UTF8.GetBytes("dropzone-tenant:" + tenant.ToUpperInvariant())));

    /// <summary>The tenant's release channel (an identifier, so the key is written in hex).</summary>
    internal static string Channel(int key) => $"dropzone_tenant_slots_{(uint)key:x8}";

    private static async Task<int?> TryEachAsync(NpgsqlConnection connection, int key, int[] slots, CancellationToken cancellationToken)
    {
        foreach (var slot in slots)
        {
            if (await TryLockAsync(connection, key, slot, cancellationToken)) return slot;
        }
        return null;
    }

    private static async Task ExecuteAsync(NpgsqlConnection connection, string sql, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    private static async Task<bool> TryLockAsync(NpgsqlConnection connection, int key, int slot, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand("SELECT pg_try_advisory_lock($1, $2)", connection);
        command.Parameters.Add(new NpgsqlParameter { Value = key });
        command.Parameters.Add(new NpgsqlParameter { Value = slot });
        return (bool)(await command.ExecuteScalarAsync(cancellationToken))!;
    }

    private sealed class Slot(NpgsqlConnection connection, int key, int slot, IAsyncDisposable local) : IAsyncDisposable
    {
        public async ValueTask DisposeAsync()
        {
            try
            {
                // One round trip: the unlock, and the news of it to every instance waiting for this tenant's slots.
                await using var command = new NpgsqlCommand("SELECT pg_advisory_unlock($1, $2), pg_notify($3, $4)", connection);
                command.Parameters.Add(new NpgsqlParameter { Value = key });
                command.Parameters.Add(new NpgsqlParameter { Value = slot });
                command.Parameters.Add(new NpgsqlParameter { Value = Channel(key) });
                command.Parameters.Add(new NpgsqlParameter { Value = slot.ToString(CultureInfo.InvariantCulture) });
                await command.ExecuteScalarAsync(CancellationToken.None);
            }
            finally
            {
                // A pooled connection that is returned keeps no session lock: the unlock above, or the reset on return.
                await connection.DisposeAsync();
                await local.DisposeAsync();
            }
        }
    }
}
