using System.Security.Cryptography;
using System.Text;
using Dropzone.Portal.TenantClients;
using Dropzone.Portal.TenantClients.Diagnostics;
using Microsoft.Extensions.Options;
using Npgsql;

namespace Dropzone.Portal.Core.Data;

/// <summary>
/// The per-tenant limit across every instance on one PostgreSQL database: a tenant has
/// <see cref="TenantClientsOptions.MaxConcurrencyPerTenant"/> slots, slot <c>i</c> being the session advisory lock
/// (tenant key, <c>i</c>); a call holds one on a connection of its own while it is on the wire. A killed instance's
/// connections close and free their slots. The process's own semaphore is taken first, so an instance never asks
/// the database for more slots than the limit, and waiting callers of one instance queue in memory.
/// </summary>
public sealed class PostgreSqlTenantConcurrencyLimiter(string connectionString, IOptions<TenantClientsOptions> options)
    : ITenantConcurrencyLimiter
{
    private static readonly TimeSpan FirstRetry = TimeSpan.FromMilliseconds(10);
    private static readonly TimeSpan LongestRetry = TimeSpan.FromMilliseconds(200);
    private readonly TenantConcurrencyGate _local = new(options);

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
            for (var wait = FirstRetry; ; wait = TimeSpan.FromTicks(Math.Min(wait.Ticks * 2, LongestRetry.Ticks)))
            {
                for (var i = 0; i < slots; i++)
                {
                    var slot = (first + i) % slots;
                    if (await TryLockAsync(connection, key, slot, cancellationToken)) return new Slot(connection, key, slot, local);
                }
                // Backing off while other instances hold every slot; real time, not the portal's clock.
                await Task.Delay(wait, cancellationToken);
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
                await using var command = new NpgsqlCommand("SELECT pg_advisory_unlock($1, $2)", connection);
                command.Parameters.Add(new NpgsqlParameter { Value = key });
                command.Parameters.Add(new NpgsqlParameter { Value = slot });
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
