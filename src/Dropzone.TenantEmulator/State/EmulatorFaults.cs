namespace Dropzone.TenantEmulator.State;

/// <summary>
/// Faults and delays, settable at run time through the control surface or <see cref="TenantState.SetFaults"/>.
/// Rates are probabilities in [0, 1] drawn from a random sequence seeded by <see cref="Seed"/>, so a test
/// that sets a seed sees the same sequence of faults on every run. Faults hit Graph and Exchange calls only;
/// sign-in and the control surface stay reliable so that a test can always set things back.
/// </summary>
public sealed record EmulatorFaults
{
    public TimeSpan Latency { get; init; }
    public double ThrottleRate { get; init; }
    public int RetryAfterSeconds { get; init; } = 2;
    /// <summary>Send Retry-After as an HTTP date instead of seconds; the live services use both forms.</summary>
    public bool RetryAfterAsHttpDate { get; init; }
    public double UnavailableRate { get; init; }
    public double TimeoutRate { get; init; }
    /// <summary>Exchange only: a cmdlet error naming one of the transient exceptions of EXCHANGE.md (DCOverloadedException, ...).</summary>
    public double TransientErrorRate { get; init; }
    /// <summary>A newly created group answers "not found" for this long.</summary>
    public TimeSpan ReplicationDelay { get; init; }
    /// <summary>
    /// Graph keeps enforcing the old access for this long after an access policy, scope or role assignment changes,
    /// while Test-ApplicationAccessPolicy and Test-ServicePrincipalAuthorization reflect the change at once
    /// (Microsoft documents up to an hour or more for Graph, 30 minutes to 2 hours for RBAC's cache).
    /// </summary>
    public TimeSpan GraphEnforcementDelay { get; init; }
    /// <summary>Membership arrays larger than this answer a timeout, although the change is applied.</summary>
    public int BulkTimeoutAppliedThreshold { get; init; } = 2000;
    /// <summary>Membership arrays larger than this answer a timeout and nothing changes.</summary>
    public int BulkTimeoutDroppedThreshold { get; init; } = 4000;
    /// <summary>
    /// How long Update-DistributionGroupMember runs on the server when its array is larger than
    /// <see cref="LongOperationMemberThreshold"/>; zero: it finishes at once. The change appears when the operation
    /// ends, whether or not the caller is still waiting (Exchange's REST cmdlets may run up to 15 minutes, and a
    /// client that gives up earlier does not stop them).
    /// </summary>
    public TimeSpan LongOperationDuration { get; init; }
    /// <summary>Membership arrays larger than this run for <see cref="LongOperationDuration"/>.</summary>
    public int LongOperationMemberThreshold { get; init; } = 1000;
    /// <summary>
    /// Calls each service (Graph, Exchange) takes from this tenant per <see cref="ThrottleBudgetWindow"/>; beyond it 429
    /// with a Retry-After of the time until the window ends, as the services throttle by budget. 0: no budget.
    /// </summary>
    public int ThrottleBudget { get; init; }
    public TimeSpan ThrottleBudgetWindow { get; init; } = TimeSpan.FromMinutes(1);
    /// <summary>
    /// The directory holds two mailboxes with the display name "Pat Plain", as real tenants hold namesakes: an identity
    /// both match answers "matches multiple entries" (a demo shows how the portal names the clash).
    /// </summary>
    public bool AmbiguousIdentities { get; init; }
    public int Seed { get; init; } = 1;

    /// <summary>No faults. A fresh instance each time: configuration binding writes into the instance it finds.</summary>
    public static EmulatorFaults None => new();
}
