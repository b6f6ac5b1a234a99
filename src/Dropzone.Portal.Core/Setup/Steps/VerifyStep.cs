using Dropzone.Portal.Core.Access;

namespace Dropzone.Portal.Core.Setup.Steps;

/// <summary>
/// Asks Exchange whether the restriction does what it should (<see cref="GroupVerifier"/>), retrying while it propagates;
/// then establishes the application's effective access (<see cref="EffectiveAccessCheck"/>): green only when it reads
/// exactly the portal's groups for it.
/// </summary>
public sealed class VerifyStep(GroupVerifier verifier, EffectiveAccessCheck access, RestrictionModeCatalog modes) : ISetupStep
{
    public SetupStepKind Kind => SetupStepKind.Verify;

    public async Task<StepResult> ExecuteAsync(SetupStepContext context, CancellationToken cancellationToken)
    {
        var target = new RestrictionTarget(context.Request, context.Options, context.Facts.GroupIdentity, context.Facts.GroupDistinguishedName);
        // Effective access first: the members of the application's other groups are meant to be readable, so none of them is "the outsider".
        var effective = await access.CheckAsync(context.Tenant, context.Request.RestrictedAppId, context.Group, cancellationToken);
        var outcome = await verifier.CheckAsync(new VerificationContext(target, context.Group.Id, context.Run.Id, context.Tenant, context.UtcNow,
            effective.Reading.Intended), cancellationToken);
        context.VerificationResults.AddRange(outcome.Results);
        context.Group.ConfiguredAt ??= context.Time.GetUtcNow();
        context.Group.LastCheckedAt = context.Time.GetUtcNow();
        if (outcome.Unanswered is { } unanswered)
        {
            return SetupStepContext.FromFailure(unanswered, "Verifying");
        }

        var failed = outcome.Results.Count(r => !r.Passed);
        if (failed > 0)
        {
            if (context.Step.Attempts < context.Options.MaxStepAttempts)
            {
                // Exchange applies a new restriction after a while (propagation); ask again later.
                return new StepResult.Retry($"{failed} of {outcome.Results.Count} check(s) do not show the restriction yet; Exchange may still be applying it.",
                    context.Options.ReplicationPollInterval, CountsAsError: false);
            }

            context.Group.Status = ManagedGroupStatus.Configured;
            Audit(context, outcome, passed: false);
            return new StepResult.Done($"Configured, but {failed} of {outcome.Results.Count} check(s) still differ; a re-check is scheduled.");
        }

        context.Group.Status = ManagedGroupStatus.VerifiedInExchange;
        access.Apply(context.Group, effective.Comparison);
        await access.ShareAsync(context.Request.RestrictedAppId, context.Group.Id, effective.Comparison, cancellationToken);
        if (!effective.Comparison.Matches)
        {
            var text = $"{outcome.Summary} {effective.Comparison.Text}";
            Audit(context, outcome with { Summary = text }, passed: false);
            return new StepResult.Done(text);
        }

        var now = context.Time.GetUtcNow();
        context.Group.VerifiedAt = now;
        var statement = VerificationStatement.For(modes.Get(context.Request.RestrictionMode).AccessTestName, outcome.Results.Count, now,
            context.Options.ReverificationSchedule, now);
        Audit(context, outcome with { Summary = $"{outcome.Summary} {statement}" }, passed: true);
        return new StepResult.Done($"{outcome.Summary} {effective.Access.Summary} {statement}");
    }

    private static void Audit(SetupStepContext context, VerificationOutcome outcome, bool passed) =>
        context.AuditSummary(AuditActions.VerificationCompleted, context.GroupTarget(), outcome.Summary, passed ? AuditOutcome.Succeeded : AuditOutcome.Failed);
}
