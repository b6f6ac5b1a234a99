namespace Dropzone.Portal.Features.Runs;

public sealed record SetupRunActionResult(bool Succeeded, string Message);

/// <summary>
/// The state-changing actions on a run, each checked against the admin policy here on the server:
/// hiding the buttons is a courtesy, this is the rule.
/// </summary>
public sealed class SetupRunActions(IAuthorizationService authorization, SetupRunEngine engine, FailedSetupChanges failedSetups)
{
    public async Task<SetupRunActionResult> CancelAsync(ClaimsPrincipal user, Guid runId, CancellationToken cancellationToken = default)
    {
        if (!await IsAdminAsync(user))
        {
            return Denied;
        }
        return await engine.CancelAsync(runId, user.ToPortalUser(), cancellationToken)
            ? new(true, "Cancellation requested.")
            : new(false, "The run has already finished; there is nothing to cancel.");
    }

    public async Task<SetupRunActionResult> RetryFromStepAsync(ClaimsPrincipal user, Guid runId, int stepIndex, CancellationToken cancellationToken = default)
    {
        if (!await IsAdminAsync(user))
        {
            return Denied;
        }
        return await engine.RetryFromStepAsync(runId, stepIndex, user.ToPortalUser(), cancellationToken)
            ? new(true, $"Retrying from step {stepIndex + 1}.")
            : new(false, "Only a failed run can be retried, from its failed step or an earlier one.");
    }

    /// <summary>Another display name and alias for the group of a run that stopped before creating it.</summary>
    public async Task<SetupRunActionResult> CorrectGroupAsync(ClaimsPrincipal user, Guid runId, string displayName, string alias, CancellationToken cancellationToken = default)
    {
        if (!await IsAdminAsync(user))
        {
            return Denied;
        }
        var result = await failedSetups.CorrectGroupAsync(runId, displayName, alias, user.ToPortalUser(), cancellationToken);
        return new(result.Succeeded, result.Message);
    }

    /// <summary>Takes a failed setup's group off the portal's lists; nothing changes in Exchange.</summary>
    public async Task<SetupRunActionResult> AbandonAsync(ClaimsPrincipal user, Guid runId, CancellationToken cancellationToken = default)
    {
        if (!await IsAdminAsync(user))
        {
            return Denied;
        }
        var result = await failedSetups.AbandonAsync(runId, user.ToPortalUser(), cancellationToken);
        return new(result.Succeeded, result.Message);
    }

    private async Task<bool> IsAdminAsync(ClaimsPrincipal user) =>
        (await authorization.AuthorizeAsync(user, PortalPolicies.Admin)).Succeeded;

    private static readonly SetupRunActionResult Denied = new(false, $"Only a {PortalRoles.Admin} can change a run.");
}
