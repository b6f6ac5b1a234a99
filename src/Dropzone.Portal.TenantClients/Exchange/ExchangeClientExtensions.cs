namespace Dropzone.Portal.TenantClients.Exchange;

/// <summary>How <see cref="ExchangeClientExtensions.CreateIfAbsentAsync"/> ended.</summary>
public enum CreateDisposition
{
    /// <summary>It was there before; nothing was sent.</summary>
    AlreadyPresent,

    /// <summary>This call created it.</summary>
    Created,

    /// <summary>The create answered ambiguously (timeout, transient) or "already exists", and a second look found it.</summary>
    FoundAfterAmbiguousCreate,

    /// <summary>Not created; <see cref="CreateIfAbsentResult.Result"/> holds why.</summary>
    Failed,
}

public sealed record CreateIfAbsentResult(CreateDisposition Disposition, ExchangeResult Result)
{
    public bool Exists => Disposition != CreateDisposition.Failed;
}

/// <summary>Check-then-act helpers on top of <see cref="IExchangeClient"/>.</summary>
public static class ExchangeClientExtensions
{
    /// <summary>
    /// Get → New → (on an ambiguous or "already exists" answer) Get again. The New-* is sent at most once:
    /// whether a timed-out create happened is decided by looking, never by sending it again.
    /// </summary>
    public static async Task<CreateIfAbsentResult> CreateIfAbsentAsync(
        this IExchangeClient client,
        ExchangeCommand get,
        ExchangeCommand create,
        CancellationToken cancellationToken = default)
    {
        var before = await client.InvokeAsync(get, cancellationToken);
        if (before.IsSuccess && before.Rows.Count > 0)
        {
            return new(CreateDisposition.AlreadyPresent, before);
        }

        if (before.Outcome is not ExchangeOutcome.NotFound && !before.IsSuccess)
        {
            return new(CreateDisposition.Failed, before);
        }

        var created = await client.InvokeAsync(create, cancellationToken);
        if (created.IsSuccess)
        {
            return new(CreateDisposition.Created, created);
        }

        if (created.Outcome is ExchangeOutcome.Timeout or ExchangeOutcome.Transient or ExchangeOutcome.Throttled or ExchangeOutcome.AlreadyExists or ExchangeOutcome.Other)
        {
            // An object Exchange says exists may not have replicated yet; a caller that must see it retries later, as
            // the setup steps do with scheduled replication polls.
            var after = await client.InvokeAsync(get, cancellationToken);
            if (after.IsSuccess && after.Rows.Count > 0)
            {
                return new(CreateDisposition.FoundAfterAmbiguousCreate, after);
            }
        }

        return new(CreateDisposition.Failed, created);
    }

    /// <summary>Reads a group's complete membership (all pages).</summary>
    public static async Task<IReadOnlyList<RecipientInfo>?> GetMembersAsync(this IExchangeClient client, string group, CancellationToken cancellationToken = default)
    {
        var result = await client.InvokeAsync(ExchangeCommands.GetDistributionGroupMember(group), cancellationToken);
        return result.IsSuccess ? [.. result.Rows.Select(RecipientInfo.From)] : null;
    }

    /// <summary>
    /// Adds members one per call (the only append Exchange offers), ten to a <c>$batch</c>. Members already
    /// present count as success.
    /// </summary>
    public static Task<IReadOnlyList<ExchangeResult>> AddMembersAsync(
        this IExchangeClient client, string group, IEnumerable<string> members, CancellationToken cancellationToken = default) =>
        client.InvokeBatchAsync([.. members.Select(m => ExchangeCommands.AddDistributionGroupMember(group, m))], cancellationToken);

    public static Task<IReadOnlyList<ExchangeResult>> RemoveMembersAsync(
        this IExchangeClient client, string group, IEnumerable<string> members, CancellationToken cancellationToken = default) =>
        client.InvokeBatchAsync([.. members.Select(m => ExchangeCommands.RemoveDistributionGroupMember(group, m))], cancellationToken);
}
