namespace Dropzone.Portal.Core.Setup;

/// <summary>Settings of setup runs (configuration section <c>Setup</c>); docs/setup-runs.md lists them with their reasons.</summary>
public sealed class SetupOptions
{
    public const string SectionName = "Setup";

    /// <summary>
    /// Largest member list sent in one call (New-DistributionGroup -Members or Update-DistributionGroupMember).
    /// Exchange answers a timeout above about 2,000 (EXCHANGE.md "large arrays").
    /// </summary>
    public int BulkMemberThreshold { get; set; } = 2000;

    /// <summary>
    /// How long Exchange may go on applying a call the portal stopped waiting for: its REST cmdlets run up to 15 minutes
    /// (Microsoft's EXO V3 documentation, with Update-DistributionGroupMember as the example). After a bulk member update
    /// got no clear answer, the membership is read back only once this has passed since it was sent, and no single
    /// member change is sent before then.
    /// </summary>
    public TimeSpan ExchangeOperationLimit { get; set; } = TimeSpan.FromMinutes(15);

    /// <summary>Single-member calls (in $batch requests of 10) in flight at once beyond the threshold, and verification checks.</summary>
    public int MemberCallConcurrency { get; set; } = 4;

    /// <summary>How often a step polls for a group that is not replicated yet.</summary>
    public TimeSpan ReplicationPollInterval { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>How long a new group may stay invisible before the run stops and says so.</summary>
    public TimeSpan ReplicationDeadline { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>
    /// How long a worker holds a run unless renewed (every save renews it, and every <see cref="LeaseRenewInterval"/>
    /// while an attempt runs). The last resort: a gone instance's runs are taken over by its heartbeat long before.
    /// </summary>
    public TimeSpan LeaseDuration { get; set; } = TimeSpan.FromMinutes(2);

    /// <summary>How often the lease is renewed while a step attempt runs; a renewal that fails stops the attempt.</summary>
    public TimeSpan LeaseRenewInterval { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>How often each instance renews its heartbeat and looks for runs of instances that are gone.</summary>
    public TimeSpan InstanceHeartbeatInterval { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>An instance whose heartbeat is older than this is gone: its runs are taken over (within this plus one heartbeat interval).</summary>
    public TimeSpan InstanceStaleAfter { get; set; } = TimeSpan.FromSeconds(20);

    /// <summary>Attempts of one step that ended transient before the run fails.</summary>
    public int MaxStepAttempts { get; set; } = 8;

    /// <summary>First wait after a transient failure; doubles per attempt up to <see cref="MaxRetryDelay"/>.</summary>
    public TimeSpan RetryBaseDelay { get; set; } = TimeSpan.FromSeconds(10);

    public TimeSpan MaxRetryDelay { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>Members checked one by one in verification; beyond it a stated sample of this size.</summary>
    public int VerificationSampleSize { get; set; } = 50;

    /// <summary>Re-verification after setup: 15 min, 1 h, 2 h, then every day.</summary>
    public IList<TimeSpan> ReverificationSchedule { get; set; } =
        [TimeSpan.FromMinutes(15), TimeSpan.FromHours(1), TimeSpan.FromHours(2)];

    public TimeSpan ReverificationInterval { get; set; } = TimeSpan.FromDays(1);

    /// <summary>Prefix of the RBAC management scope and role assignment names (followed by the group alias).</summary>
    public string RbacNamePrefix { get; set; } = "Dropzone";
}
