namespace Dropzone.Portal.Core.Restriction.AccessPolicy;

/// <summary>Creates the RestrictAccess application access policy for the application on the group, unless it exists.</summary>
public sealed class EnsureAccessPolicyStep : ISetupStep
{
    /// <summary>The name stored with the run's steps.</summary>
    public static SetupStepKind StepKind { get; } = new("EnsureAccessPolicy");

    public SetupStepKind Kind => StepKind;

    public async Task<StepResult> ExecuteAsync(SetupStepContext context, CancellationToken cancellationToken)
    {
        var existing = await FindPolicyAsync(context, cancellationToken);
        if (existing.Stop is not null)
        {
            return existing.Stop;
        }

        if (existing.Policy is { } found)
        {
            return found.AccessRight == "RestrictAccess"
                ? new StepResult.Skipped($"A RestrictAccess policy for the application on this group already exists; nothing sent.")
                : new StepResult.Failed($"A {found.AccessRight} policy for the application on this group exists; it would deny instead of restrict.",
                    "Remove that policy (Remove-ApplicationAccessPolicy) in Exchange, then retry from this step.");
        }

        var created = await context.InvokeAsync(AccessPolicyCommands.NewPolicy(context.Request), cancellationToken);
        if (created.IsSuccess)
        {
            context.AuditRestriction();
            return new StepResult.Done("Created the RestrictAccess application access policy.");
        }

        if (created.Outcome is ExchangeOutcome.AlreadyExists or { IsTransient: true } or ExchangeOutcome.Other
            && (await FindPolicyAsync(context, cancellationToken)).Policy is not null)
        {
            context.AuditRestriction();
            return new StepResult.Done("Created the application access policy (confirmed by reading it back).");
        }

        return SetupStepContext.FromFailure(created, "Creating the application access policy");
    }

    private static async Task<(ApplicationAccessPolicyInfo? Policy, StepResult? Stop)> FindPolicyAsync(SetupStepContext context, CancellationToken cancellationToken)
    {
        var result = await context.InvokeAsync(AccessPolicyCommands.GetPolicies(), cancellationToken);
        if (!result.IsSuccess && result.Outcome is not ExchangeOutcome.NotFound)
        {
            return (null, SetupStepContext.FromFailure(result, "Reading the application access policies"));
        }

        var policy = result.Rows.Select(ApplicationAccessPolicyInfo.From)
            .FirstOrDefault(p => string.Equals(p.AppId, context.Request.RestrictedAppId, StringComparison.OrdinalIgnoreCase)
                && AccessPolicyCommands.IsThisGroup(p, context.Request, context.Facts.GroupIdentity, context.Facts.GroupDistinguishedName));
        return (policy, null);
    }
}
