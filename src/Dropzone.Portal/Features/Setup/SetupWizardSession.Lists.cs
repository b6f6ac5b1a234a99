namespace Dropzone.Portal.Features.Setup;

/// <summary>The wizard's people and lists: the pickers' owners and members, and the checked CSV list.</summary>
public sealed partial class SetupWizardSession
{
    public async Task<IReadOnlyList<DirectoryUser>> SearchPeopleAsync(string text, CancellationToken cancellationToken) =>
        await RunAsync(s => s.SearchPeopleAsync(text, cancellationToken)) ?? [];

    public async Task<string?> AddOwnerAsync(DirectoryUser user)
    {
        if (SetupWizardService.RefusePerson(user) is { } refusal)
        {
            return refusal;
        }
        if (State.Owners.Any(o => o.ObjectId == user.Id))
        {
            return $"{user.DisplayName} is already an owner.";
        }
        State.Owners.Add(new SetupPerson(user.Id, user.UserPrincipalName ?? user.Mail!, user.DisplayName ?? user.Mail!));
        Check = StepCheck.Ok;
        await SaveAsync();
        return null;
    }

    public async Task RemoveOwnerAsync(SetupPerson owner)
    {
        State.Owners.Remove(owner);
        await SaveAsync();
    }

    public async Task<string?> AddMemberAsync(DirectoryUser user)
    {
        if (SetupWizardService.RefusePerson(user) is { } refusal)
        {
            return refusal;
        }
        if (State.AllMembers().Any(m => string.Equals(m.Address, user.Mail, StringComparison.OrdinalIgnoreCase)))
        {
            return $"{user.DisplayName} is already a member.";
        }
        State.PickedMembers.Add(new SetupMember(user.Mail!, user.Id, user.DisplayName));
        Check = StepCheck.Ok;
        await SaveAsync();
        return null;
    }

    public async Task RemoveMemberAsync(SetupMember member)
    {
        State.PickedMembers.Remove(member);
        State.CsvMembers.Remove(member);
        await SaveAsync();
    }

    /// <summary>
    /// Replaces the CSV members by the valid rows of this list; the problem rows are shown, not kept.
    /// <see cref="CsvProgress"/> follows the directory lookups while it runs.
    /// </summary>
    public async Task ResolveCsvAsync(string text, CancellationToken cancellationToken = default)
    {
        CsvResult = null;
        CsvProgress = new MemberCheckProgress(0, 0);
        Notify();
        var progress = new SessionProgress(this);
        var started = time.GetTimestamp();
        var result = await RunAsync(s => s.Members.ResolveAsync(text, progress, cancellationToken));
        CsvCheckDuration = time.GetElapsedTime(started);
        CsvProgress = null;
        if (result is null)
        {
            Notify();
            return;
        }
        CsvResult = result;
        Check = result.Error is null ? StepCheck.Ok : StepCheck.Error(result.Error);
        if (result.Error is null)
        {
            State.CsvMembers = [.. result.ValidMembers];
            await SaveAsync(cancellationToken);
        }
    }

    /// <summary>Lookups report from several threads at once; the figure shown only moves forward.</summary>
    private sealed class SessionProgress(SetupWizardSession session) : IProgress<MemberCheckProgress>
    {
        public void Report(MemberCheckProgress value)
        {
            if (session.CsvProgress is { } shown && shown.Checked >= value.Checked && shown.Total == value.Total)
            {
                return;
            }
            session.CsvProgress = value;
            session.Notify();
        }
    }
}
