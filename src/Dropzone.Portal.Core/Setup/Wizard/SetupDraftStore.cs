namespace Dropzone.Portal.Core.Setup.Wizard;

/// <summary>A draft as reloaded: the step to reopen, the furthest step reached, and the state.</summary>
public sealed record LoadedDraft(int Step, int Furthest, SetupWizardState State, DateTimeOffset UpdatedAt);

/// <summary>
/// What the store holds for an admin: the revision to save against (0 when there has never been a draft)
/// and the open draft, if any (none after an apply or discard).
/// </summary>
public sealed record DraftSnapshot(long Revision, LoadedDraft? Draft);

/// <summary>A save's answer: the new revision, or the refusal because the draft moved on elsewhere.</summary>
public sealed record DraftSave(bool Saved, long Revision, bool Closed = false)
{
    public static DraftSave Conflict(long revision, bool closed) => new(false, revision, closed);
}

/// <summary>
/// Loads, saves and closes an admin's wizard draft (one per admin object id). Saves are optimistic: each
/// names the revision it read, and one that lost the race is answered, never thrown, so several tabs of one
/// admin never crash each other's circuits.
/// </summary>
public sealed class SetupDraftStore(IDbContextFactory<PortalDbContext> dbFactory, TimeProvider time)
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web)
    {
        Converters = { new JsonStringEnumConverter() },
    };

    /// <summary>The open draft, or null (none yet, applied, discarded, or written by a wizard whose shape has changed).</summary>
    public async Task<LoadedDraft?> LoadAsync(string ownerObjectId, CancellationToken cancellationToken = default) =>
        (await ReadAsync(ownerObjectId, cancellationToken)).Draft;

    public async Task<DraftSnapshot> ReadAsync(string ownerObjectId, CancellationToken cancellationToken = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var draft = await db.SetupDrafts.AsNoTracking().SingleOrDefaultAsync(d => d.OwnerObjectId == ownerObjectId, cancellationToken);
        if (draft is null)
        {
            return new DraftSnapshot(0, null);
        }
        if (draft.ClosedAt is not null)
        {
            return new DraftSnapshot(draft.Revision, null);
        }
        // A draft written by an older wizard that no longer parses is worth less than a working wizard: start afresh.
        SetupWizardState? state;
        try
        {
            state = JsonSerializer.Deserialize<SetupWizardState>(draft.StateJson, Json);
        }
        catch (JsonException)
        {
            state = null;
        }
        var step = Math.Clamp(draft.Step, 0, SetupWizardSteps.Count - 1);
        return new DraftSnapshot(draft.Revision, state is null ? null
            : new LoadedDraft(step, Math.Clamp(Math.Max(draft.Furthest, step), 0, SetupWizardSteps.Count - 1), state, draft.UpdatedAt));
    }

    /// <summary>
    /// Saves over <paramref name="expectedRevision"/> (0: there was no draft row at all). Refused, with the
    /// revision now stored, when the draft has been saved, applied or discarded since.
    /// </summary>
    public async Task<DraftSave> SaveAsync(string ownerObjectId, long expectedRevision, int step, int furthest, SetupWizardState state, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(state);
        var json = JsonSerializer.Serialize(state, Json);
        var now = time.GetUtcNow();
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        if (expectedRevision == 0)
        {
            db.SetupDrafts.Add(new SetupDraft { OwnerObjectId = ownerObjectId, Step = step, Furthest = furthest, StateJson = json, UpdatedAt = now, Revision = 1 });
            try
            {
                await db.SaveChangesAsync(cancellationToken);
                return new DraftSave(true, 1);
            }
            catch (DbUpdateException)
            {
                // Another tab created the draft first (the key is the admin).
                return await ConflictAsync(ownerObjectId, cancellationToken);
            }
        }
        var next = expectedRevision + 1;
        var updated = await db.SetupDrafts
            .Where(d => d.OwnerObjectId == ownerObjectId && d.Revision == expectedRevision)
            .ExecuteUpdateAsync(s => s
                .SetProperty(d => d.Step, step)
                .SetProperty(d => d.Furthest, furthest)
                .SetProperty(d => d.StateJson, json)
                .SetProperty(d => d.UpdatedAt, now)
                .SetProperty(d => d.Revision, next)
                .SetProperty(d => d.ClosedAt, (DateTimeOffset?)null), cancellationToken);
        return updated == 1 ? new DraftSave(true, next) : await ConflictAsync(ownerObjectId, cancellationToken);
    }

    /// <summary>Closes the open draft (applied or discarded); its row stays as a tombstone. Answers the revision now stored.</summary>
    public async Task<long> CloseAsync(string ownerObjectId, CancellationToken cancellationToken = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var now = time.GetUtcNow();
        await db.SetupDrafts.Where(d => d.OwnerObjectId == ownerObjectId)
            .ExecuteUpdateAsync(s => s.SetProperty(d => d.ClosedAt, now).SetProperty(d => d.Revision, d => d.Revision + 1), cancellationToken);
        return (await ReadAsync(ownerObjectId, cancellationToken)).Revision;
    }

    /// <summary>Kept for callers that speak of discarding; the draft is closed, not deleted.</summary>
    public Task DiscardAsync(string ownerObjectId, CancellationToken cancellationToken = default) => CloseAsync(ownerObjectId, cancellationToken);

    private async Task<DraftSave> ConflictAsync(string ownerObjectId, CancellationToken cancellationToken)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var current = await db.SetupDrafts.AsNoTracking().Where(d => d.OwnerObjectId == ownerObjectId)
            .Select(d => new { d.Revision, d.ClosedAt }).SingleOrDefaultAsync(cancellationToken);
        return DraftSave.Conflict(current?.Revision ?? 0, current?.ClosedAt is not null);
    }
}

public static class SetupWizardSteps
{
    public const int Application = 0;
    public const int Group = 1;
    public const int Owners = 2;
    public const int Members = 3;
    public const int Restriction = 4;
    public const int Review = 5;
    public const int Count = 6;
}
