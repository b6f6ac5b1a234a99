using System.Data.Common;

namespace Dropzone.Portal.Features.Setup;

/// <summary>Why this tab's values were not saved: the draft moved on to <paramref name="Revision"/>, was closed (applied or discarded), or the save failed.</summary>
public sealed record DraftConflict(long Revision, bool Closed, bool Failed = false);

/// <summary>
/// A wizard tab's link to the admin's stored draft: the revision its values stand on. A save over any other
/// revision is refused and becomes <see cref="Conflict"/>; from then on nothing is saved until the admin
/// chooses (load the latest, or keep this tab's values). Once stopped (the circuit is gone) it never writes.
/// </summary>
public sealed class WizardDraftLink(SetupDraftStore drafts, ILogger logger)
{
    private long _revision;
    private bool _stopped;

    public DraftConflict? Conflict { get; private set; }

    public async Task<LoadedDraft?> LoadAsync(string owner, CancellationToken cancellationToken)
    {
        var snapshot = await drafts.ReadAsync(owner, cancellationToken);
        _revision = snapshot.Revision;
        Conflict = null;
        return snapshot.Draft;
    }

    public async Task SaveAsync(string owner, int step, int furthest, SetupWizardState state, CancellationToken cancellationToken)
    {
        if (_stopped || Conflict is not null)
        {
            return;
        }
        try
        {
            var saved = await drafts.SaveAsync(owner, _revision, step, furthest, state, cancellationToken);
            if (saved.Saved)
            {
                _revision = saved.Revision;
            }
            else
            {
                Conflict = new DraftConflict(saved.Revision, saved.Closed);
            }
        }
        catch (Exception ex) when (ex is DbException or DbUpdateException)
        {
            // A busy database must not take the circuit with it; the admin sees that this change is not saved.
            logger.LogWarning(ex, "Saving the setup draft failed");
            Conflict = new DraftConflict(_revision, Closed: false, Failed: true);
        }
    }

    /// <summary>True when this tab's values are still the stored draft's (nothing saved, applied or discarded elsewhere since).</summary>
    public async Task<bool> IsCurrentAsync(string owner, CancellationToken cancellationToken)
    {
        if (Conflict is null)
        {
            var stored = await drafts.ReadAsync(owner, cancellationToken);
            if (stored.Revision != _revision)
            {
                Conflict = new DraftConflict(stored.Revision, Closed: stored.Draft is null);
            }
        }
        return Conflict is null;
    }

    /// <summary>Applied or discarded: the stored draft is closed and this tab stands on the closed revision.</summary>
    public async Task CloseAsync(string owner, CancellationToken cancellationToken)
    {
        _revision = await drafts.CloseAsync(owner, cancellationToken);
        Conflict = null;
    }

    /// <summary>The admin keeps this tab's values: the next save goes over whatever is stored now.</summary>
    public bool TakeOver()
    {
        if (Conflict is not { } conflict)
        {
            return false;
        }
        _revision = conflict.Revision;
        Conflict = null;
        return true;
    }

    public void Stop() => _stopped = true;
}
