namespace Dropzone.Portal.Core.Setup.Steps;

/// <summary>Waits (as scheduled retries, no blocked worker) until Exchange can read the new group.</summary>
public sealed class WaitForReplicationStep : ISetupStep
{
    public SetupStepKind Kind => SetupStepKind.WaitForReplication;

    public async Task<StepResult> ExecuteAsync(SetupStepContext context, CancellationToken cancellationToken)
    {
        var (group, stop) = await GroupReads.ReadGroupAsync(context, cancellationToken);
        if (group is null)
        {
            return stop!;
        }

        context.Group.MemberCount = context.Request.Members.Count;
        return new StepResult.Done(context.Facts.ReplicationWaitStartedAt is { } started && context.UtcNow - started > TimeSpan.FromSeconds(1)
            ? $"The group is visible in Exchange (after {(context.UtcNow - started).TotalSeconds:F0} s)."
            : "The group is visible in Exchange.");
    }
}
