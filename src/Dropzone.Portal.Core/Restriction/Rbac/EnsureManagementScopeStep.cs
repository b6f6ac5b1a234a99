namespace Dropzone.Portal.Core.Restriction.Rbac;

/// <summary>Creates the management scope whose filter is "member of the group", unless a scope of that name exists.</summary>
public sealed class EnsureManagementScopeStep : ISetupStep
{
    /// <summary>The name stored with the run's steps.</summary>
    public static SetupStepKind StepKind { get; } = new("EnsureManagementScope");

    public SetupStepKind Kind => StepKind;

    public async Task<StepResult> ExecuteAsync(SetupStepContext context, CancellationToken cancellationToken)
    {
        var get = await context.InvokeAsync(RbacCommands.GetScope(context.Request, context.Options), cancellationToken);
        var expected = context.Facts.GroupDistinguishedName is { } dn ? RbacCommands.ScopeFilter(dn) : null;
        if (get.IsSuccess && get.FirstRow is { } row)
        {
            var scope = ManagementScopeInfo.From(row);
            return expected is null || string.Equals(scope.RecipientFilter, expected, StringComparison.OrdinalIgnoreCase)
                ? new StepResult.Skipped($"The management scope {scope.Name} already exists on this group; nothing sent.")
                : new StepResult.Failed($"A management scope named {scope.Name} exists with another filter ({scope.RecipientFilter}).",
                    "Remove or rename that scope in Exchange, then retry from this step.");
        }

        if (get.Outcome is not ExchangeOutcome.NotFound)
        {
            return SetupStepContext.FromFailure(get, "Looking for the management scope");
        }

        if (context.Facts.GroupDistinguishedName is null)
        {
            var (group, stop) = await GroupReads.ReadGroupAsync(context, cancellationToken);
            if (group is null)
            {
                return stop!;
            }
        }

        var (outcome, answer) = await CreateOnce.SendAsync(context,
            RbacCommands.NewScope(context.Request, context.Options, context.Facts.GroupDistinguishedName!), RbacCommands.GetScope(context.Request, context.Options), cancellationToken);
        if (outcome is CreateOutcome.NotCreated)
        {
            return SetupStepContext.FromFailure(answer, "Creating the management scope");
        }

        context.AuditRestriction();
        return new StepResult.Done(outcome is CreateOutcome.Created
            ? $"Created the management scope {RbacCommands.ScopeName(context.Request, context.Options)}."
            : "Created the management scope (confirmed by reading it back).");
    }
}
