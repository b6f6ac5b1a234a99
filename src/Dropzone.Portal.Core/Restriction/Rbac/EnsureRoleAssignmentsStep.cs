namespace Dropzone.Portal.Core.Restriction.Rbac;

/// <summary>Assigns each chosen Application role to the application within the group's management scope.</summary>
public sealed class EnsureRoleAssignmentsStep : ISetupStep
{
    /// <summary>The name stored with the run's steps.</summary>
    public static SetupStepKind StepKind { get; } = new("EnsureRoleAssignments");

    public SetupStepKind Kind => StepKind;

    public async Task<StepResult> ExecuteAsync(SetupStepContext context, CancellationToken cancellationToken)
    {
        var roles = context.Request.RbacRoles;
        var gets = await context.InvokeManyAsync([.. roles.Select(role => RbacCommands.GetAssignment(context.Request, context.Options, role))], cancellationToken);
        var missing = new List<string>();
        for (var i = 0; i < roles.Count; i++)
        {
            if (gets[i].IsSuccess && gets[i].Rows.Count > 0)
            {
                continue;
            }

            if (gets[i].Outcome is not ExchangeOutcome.NotFound && !gets[i].IsSuccess)
            {
                return SetupStepContext.FromFailure(gets[i], "Looking for the role assignments");
            }

            missing.Add(roles[i]);
        }

        if (missing.Count == 0)
        {
            return new StepResult.Skipped($"All {roles.Count} role assignment(s) already exist; nothing sent.");
        }

        foreach (var role in missing)
        {
            var (outcome, answer) = await CreateOnce.SendAsync(context,
                RbacCommands.NewAssignment(context.Request, context.Options, role), RbacCommands.GetAssignment(context.Request, context.Options, role), cancellationToken);
            if (outcome is CreateOutcome.NotCreated)
            {
                return SetupStepContext.FromFailure(answer, $"Assigning {role}");
            }

            context.AuditRestriction();
        }

        return new StepResult.Done($"Assigned {string.Join(", ", missing)} within the scope ({roles.Count - missing.Count} already present).");
    }
}
