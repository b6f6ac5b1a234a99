using Dropzone.Portal.TenantClients.Exchange;

namespace Dropzone.Portal.Features.Access;

/// <summary>The application's effective access for one group's application, established now from the tenant.</summary>
public sealed record EffectiveAccessReport(ManagedGroup Group, EffectiveAccess Access, AccessComparison Comparison, int TenantCalls, DateTimeOffset EstablishedAt);

/// <summary>
/// Effective access as each person may see it: admins and auditors for every group, owners for the groups they own
/// (the group's View operation, checked here on the server), nobody else. Each call reads the tenant again.
/// </summary>
public sealed class EffectiveAccessViews(GroupViews groups, IServiceScopeFactory scopes, IOptions<SetupOptions> options, TimeProvider time)
{
    public Task<IReadOnlyList<GroupListItem>> ListGroupsAsync(ClaimsPrincipal user, CancellationToken cancellationToken = default) =>
        groups.ListVisibleAsync(user, cancellationToken);

    /// <summary>The report, or null when the group does not exist or the user may not view it.</summary>
    public async Task<EffectiveAccessReport?> EstablishAsync(ClaimsPrincipal user, Guid groupId, CancellationToken cancellationToken = default)
    {
        var group = await groups.GetViewableAsync(user, groupId, cancellationToken);
        if (group is null)
        {
            return null;
        }

        // A scope of its own: the tenant clients are typed HttpClients, which a long-lived circuit must not hold.
        await using var scope = scopes.CreateAsyncScope();
        var services = scope.ServiceProvider;
        var calls = new TenantCallLog(services.GetRequiredService<IExchangeClient>(), services.GetRequiredService<IDirectoryClient>(), options.Value.MemberCallConcurrency);
        var outcome = await services.GetRequiredService<EffectiveAccessCheck>().CheckAsync(calls, group.RestrictedAppId, null, cancellationToken);
        return new(group, outcome.Access, outcome.Comparison, calls.Calls, time.GetUtcNow());
    }
}
