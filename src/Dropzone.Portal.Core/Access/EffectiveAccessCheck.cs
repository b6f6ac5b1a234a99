namespace Dropzone.Portal.Core.Access;

/// <summary>One establishment of the application's effective access: what was read, what it adds up to, and whether that is what was asked for.</summary>
public sealed record AccessCheckOutcome(AccessReading Reading, EffectiveAccess Access, AccessComparison Comparison);

/// <summary>
/// Establishes the application's effective access against the portal's own groups for it, and records the verdict
/// on every one of those groups: a second group for the same application is part of what was asked for (the union),
/// and an unscoped grant or a foreign policy makes every one of them Not restricted.
/// </summary>
public sealed class EffectiveAccessCheck(IDbContextFactory<PortalDbContext> dbFactory, IOptions<SetupOptions> options, TimeProvider time)
{
    /// <summary>Reads the sources and compares. <paramref name="current"/> is the group being verified, with its unsaved changes.</summary>
    public async Task<AccessCheckOutcome> CheckAsync(TenantCallLog calls, string appId, ManagedGroup? current, CancellationToken cancellationToken)
    {
        IReadOnlyList<PortalOwnedGroup> own;
        await using (var db = await dbFactory.CreateDbContextAsync(cancellationToken))
        {
            own = await PortalOwnedGroup.ForAppAsync(db, appId, cancellationToken);
        }

        if (current is not null)
        {
            own = [.. own.Where(g => g.Id != current.Id), PortalOwnedGroup.From(current)];
        }

        var reading = await EffectiveAccessReader.ReadAsync(calls, appId, own, options.Value, cancellationToken);
        var access = reading.Evaluate();
        return new AccessCheckOutcome(reading, access, AccessComparison.Compare(access, reading));
    }

    /// <summary>
    /// The verdict on one group: its summary, and Not restricted (red) unless the effective set is the intended one.
    /// A Drifted group stays Drifted (red too): its drift names the change that made it so.
    /// </summary>
    public void Apply(ManagedGroup group, AccessComparison comparison)
    {
        group.AccessSummary = Truncate(comparison.Text);
        group.AccessCheckedAt = time.GetUtcNow();
        if (!comparison.Matches && group.Status != ManagedGroupStatus.Drifted)
        {
            group.Status = ManagedGroupStatus.NotRestricted;
        }
    }

    /// <summary>
    /// The same verdict on the application's other groups: they show the union too. A group that was Not restricted
    /// because of the application (now restricted) is re-checked at once rather than turned green unverified.
    /// </summary>
    public async Task ShareAsync(string appId, Guid checkedGroupId, AccessComparison comparison, CancellationToken cancellationToken)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var others = await db.ManagedGroups.Where(g => g.RestrictedAppId == appId && g.Id != checkedGroupId).ToListAsync(cancellationToken);
        foreach (var other in others.Where(g => g.Status is not (ManagedGroupStatus.Failed or ManagedGroupStatus.Configuring or ManagedGroupStatus.Abandoned)))
        {
            var wasNotRestricted = other.Status == ManagedGroupStatus.NotRestricted;
            Apply(other, comparison);
            if (comparison.Matches && wasNotRestricted)
            {
                other.NextCheckAt = time.GetUtcNow();
            }
        }

        await db.SaveChangesAsync(cancellationToken);
    }

    private static string Truncate(string text) => text.Length > 4000 ? text[..3997] + "..." : text;
}
