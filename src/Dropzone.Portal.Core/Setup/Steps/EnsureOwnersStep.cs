namespace Dropzone.Portal.Core.Setup.Steps;

/// <summary>Makes the group's owners (ManagedBy) exactly the wizard's owners.</summary>
public sealed class EnsureOwnersStep : ISetupStep
{
    public SetupStepKind Kind => SetupStepKind.EnsureOwners;

    public async Task<StepResult> ExecuteAsync(SetupStepContext context, CancellationToken cancellationToken)
    {
        if (context.Facts.OwnersSetAtCreate && !context.IsRepeatAttempt)
        {
            return new StepResult.Skipped("Owners were set by the create call (-ManagedBy); nothing sent.");
        }

        var (group, stop) = await GroupReads.ReadGroupAsync(context, cancellationToken);
        if (group is null)
        {
            return stop!;
        }

        if (OwnersMatch(group.ManagedBy, context.Request.Owners))
        {
            return new StepResult.Skipped($"The group already has exactly the {context.Request.Owners.Count} owner(s); nothing sent.");
        }

        var set = await context.InvokeAsync(SetupCommands.SetOwners(context.GroupIdentity, context.Request), cancellationToken);
        if (!set.IsSuccess)
        {
            return SetupStepContext.FromFailure(set, "Setting the owners");
        }

        context.AuditLastCommand(AuditActions.OwnerChanged, context.GroupTarget());
        return new StepResult.Done($"Set the {context.Request.Owners.Count} owner(s).");
    }

    /// <summary>Exchange lists owners by name; a wizard owner matches by object id, UPN, its alias part, or display name.</summary>
    public static bool OwnersMatch(IReadOnlyList<string> managedBy, IReadOnlyList<SetupPerson> owners)
    {
        if (managedBy.Count != owners.Count)
        {
            return false;
        }

        return owners.All(o => managedBy.Any(m => PersonMatches(m, o)));
    }

    private static bool PersonMatches(string name, SetupPerson person)
    {
        static bool Eq(string? a, string? b) => !string.IsNullOrEmpty(a) && string.Equals(a, b, StringComparison.OrdinalIgnoreCase);
        var alias = person.UserPrincipalName.Split('@')[0];
        return Eq(name, person.ObjectId) || Eq(name, person.UserPrincipalName) || Eq(name, alias) || Eq(name, person.DisplayName);
    }
}
