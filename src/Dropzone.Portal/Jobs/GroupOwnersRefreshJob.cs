namespace Dropzone.Portal.Jobs;

/// <summary>The recurring job: every group's owners read from Exchange again (decision 010 bounds the copy's age by it).</summary>
public sealed class GroupOwnersRefreshJob(GroupOwnership ownership)
{
    public const string RecurringJobId = "groups-owners-refresh";

    [AutomaticRetry(Attempts = 0)]
    [DisableConcurrentExecution(timeoutInSeconds: 60)]
    [JobDisplayName("Refresh group owners from Exchange")]
    public Task<int> RefreshAsync(CancellationToken cancellationToken) => ownership.RefreshAllAsync(cancellationToken);
}
