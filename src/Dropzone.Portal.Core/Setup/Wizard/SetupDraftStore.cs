using System.Text.Json;
using System.Text.Json.Serialization;
using Dropzone.Portal.Core.Data;
using Microsoft.EntityFrameworkCore;

namespace Dropzone.Portal.Core.Setup.Wizard;

/// <summary>A draft as reloaded: the step to reopen and the state.</summary>
public sealed record LoadedDraft(int Step, SetupWizardState State, DateTimeOffset UpdatedAt);

/// <summary>Loads, saves and discards an admin's wizard draft (one per admin object id).</summary>
public sealed class SetupDraftStore(IDbContextFactory<PortalDbContext> dbFactory, TimeProvider time)
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web)
    {
        Converters = { new JsonStringEnumConverter() },
    };

    public async Task<LoadedDraft?> LoadAsync(string ownerObjectId, CancellationToken cancellationToken = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var draft = await db.SetupDrafts.AsNoTracking().SingleOrDefaultAsync(d => d.OwnerObjectId == ownerObjectId, cancellationToken);
        if (draft is null)
        {
            return null;
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
        return state is null ? null : new LoadedDraft(Math.Clamp(draft.Step, 0, SetupWizardSteps.Count - 1), state, draft.UpdatedAt);
    }

    public async Task SaveAsync(string ownerObjectId, int step, SetupWizardState state, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(state);
        var json = JsonSerializer.Serialize(state, Json);
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var draft = await db.SetupDrafts.SingleOrDefaultAsync(d => d.OwnerObjectId == ownerObjectId, cancellationToken);
        if (draft is null)
        {
            draft = new SetupDraft { OwnerObjectId = ownerObjectId, StateJson = json };
            db.SetupDrafts.Add(draft);
        }
        draft.Step = step;
        draft.StateJson = json;
        draft.UpdatedAt = time.GetUtcNow();
        await db.SaveChangesAsync(cancellationToken);
    }

    public async Task DiscardAsync(string ownerObjectId, CancellationToken cancellationToken = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        await db.SetupDrafts.Where(d => d.OwnerObjectId == ownerObjectId).ExecuteDeleteAsync(cancellationToken);
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
