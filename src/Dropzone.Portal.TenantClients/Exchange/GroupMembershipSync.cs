using System.Text.Json;
using Dropzone.Portal.TenantClients.Commands;
using Microsoft.Extensions.Options;

namespace Dropzone.Portal.TenantClients.Exchange;

/// <summary>What a membership sync did; <see cref="Failures"/> lists the member calls that did not succeed.</summary>
public sealed record MemberSyncResult(
    bool Succeeded,
    int Added,
    int Removed,
    bool UsedBulkUpdate,
    bool ReconciledAfterAmbiguousBulk,
    IReadOnlyList<ExchangeResult> Failures,
    ExchangeOutcome? ReadFailure = null);

/// <summary>
/// Makes a group's membership equal a desired list, the way EXCHANGE.md's "large arrays" measurements
/// say is safe: one <c>Update-DistributionGroupMember</c> up to the bulk threshold; above it, or when the
/// bulk call's outcome is ambiguous (a timeout may or may not have been applied), read the membership
/// back and add/remove the difference one member a call, ten to a <c>$batch</c>, a few batches at once.
/// </summary>
public sealed class GroupMembershipSync(IExchangeClient exchange, IOptions<TenantClientsOptions> options)
{
    private const int ParallelBatches = 4;

    /// <param name="desired">Members by SMTP address, UPN or Entra object id.</param>
    public async Task<MemberSyncResult> SyncAsync(string group, IReadOnlyCollection<string> desired, CancellationToken cancellationToken = default)
    {
        var current = await exchange.InvokeAsync(ExchangeCommands.GetDistributionGroupMember(group), cancellationToken);
        if (!current.IsSuccess)
        {
            return new MemberSyncResult(false, 0, 0, false, false, [], current.Outcome);
        }

        var (toAdd, toRemove) = Difference(current.Rows, desired);
        if (toAdd.Count == 0 && toRemove.Count == 0)
        {
            return new MemberSyncResult(true, 0, 0, false, false, []);
        }

        var reconciled = false;
        if (desired.Count <= options.Value.BulkMemberThreshold)
        {
            var bulk = await exchange.InvokeAsync(ExchangeCommands.UpdateDistributionGroupMember(group, desired), cancellationToken);
            if (bulk.IsSuccess)
            {
                return new MemberSyncResult(true, toAdd.Count, toRemove.Count, true, false, []);
            }

            if (!bulk.Outcome.IsTransient)
            {
                return new MemberSyncResult(false, 0, 0, true, false, [bulk]);
            }

            // Timed out or transient: it may have been applied. Look, then finish whatever is left.
            var after = await exchange.InvokeAsync(ExchangeCommands.GetDistributionGroupMember(group), cancellationToken);
            if (!after.IsSuccess)
            {
                return new MemberSyncResult(false, 0, 0, true, false, [bulk], after.Outcome);
            }

            (toAdd, toRemove) = Difference(after.Rows, desired);
            reconciled = true;
            if (toAdd.Count == 0 && toRemove.Count == 0)
            {
                return new MemberSyncResult(true, 0, 0, true, true, []);
            }
        }

        var commands = toAdd.Select(m => ExchangeCommands.AddDistributionGroupMember(group, m))
            .Concat(toRemove.Select(m => ExchangeCommands.RemoveDistributionGroupMember(group, m)))
            .Chunk(ExchangeClient.MaxBatchSize)
            .ToList();
        var failures = new List<ExchangeResult>();
        var gate = new Lock();
        await Parallel.ForEachAsync(commands, new ParallelOptions { MaxDegreeOfParallelism = ParallelBatches, CancellationToken = cancellationToken },
            async (batch, ct) =>
            {
                var results = await exchange.InvokeBatchAsync(batch, ct);
                lock (gate)
                {
                    failures.AddRange(results.Where(r => !r.IsSuccess));
                }
            });

        return new MemberSyncResult(failures.Count == 0, toAdd.Count, toRemove.Count, false, reconciled, failures);
    }

    /// <summary>Which desired entries are missing and which current members (by their primary address) are not desired.</summary>
    internal static (List<string> ToAdd, List<string> ToRemove) Difference(IReadOnlyList<JsonElement> currentRows, IReadOnlyCollection<string> desired)
    {
        var wanted = new HashSet<string>(desired.Select(d => d.Trim()), StringComparer.OrdinalIgnoreCase);
        var matched = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        var toRemove = new List<string>();
        foreach (var row in currentRows)
        {
            var keys = Keys(row).ToList();
            var hit = keys.FirstOrDefault(wanted.Contains);
            if (hit is null)
            {
                toRemove.Add(row.GetText("ExternalDirectoryObjectId") ?? row.GetText("PrimarySmtpAddress") ?? row.GetText("Identity") ?? string.Empty);
            }
            else
            {
                foreach (var key in keys.Where(wanted.Contains))
                {
                    matched.Add(key);
                }
            }
        }

        return ([.. wanted.Where(w => !matched.Contains(w))], [.. toRemove.Where(r => r.Length > 0)]);
    }

    private static IEnumerable<string> Keys(JsonElement row)
    {
        foreach (var property in new[] { "PrimarySmtpAddress", "ExternalDirectoryObjectId", "UserPrincipalName", "WindowsLiveID", "Identity", "Name", "Alias" })
        {
            if (row.GetText(property) is { Length: > 0 } value)
            {
                yield return value;
            }
        }

        foreach (var address in row.GetTextList("EmailAddresses"))
        {
            var colon = address.IndexOf(':', StringComparison.Ordinal);
            yield return colon >= 0 ? address[(colon + 1)..] : address;
        }
    }
}
