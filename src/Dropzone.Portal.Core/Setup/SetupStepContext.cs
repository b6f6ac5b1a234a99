namespace Dropzone.Portal.Core.Setup;

/// <summary>How a step attempt ended.</summary>
public abstract record StepResult(string Summary)
{
    /// <summary>The step did what it had to.</summary>
    public sealed record Done(string Summary) : StepResult(Summary);

    /// <summary>The tenant already held the desired state; nothing was changed.</summary>
    public sealed record Skipped(string Summary) : StepResult(Summary);

    /// <summary>Worth trying again later: a transient answer, or the tenant not caught up yet (replication).</summary>
    public sealed record Retry(string Summary, TimeSpan? After = null, bool CountsAsError = true) : StepResult(Summary);

    /// <summary>Needs an admin: the run stops with this message and remedy.</summary>
    public sealed record Failed(string Summary, string? Remedy) : StepResult(Summary);
}

/// <summary>
/// What one step attempt works with: the plan, the facts earlier steps saved, the tenant calls (logged and
/// counted in <see cref="Tenant"/>), and the audit entries and verification rows to save with its outcome.
/// </summary>
public sealed class SetupStepContext(
    SetupRun run,
    SetupStep step,
    SetupPlan plan,
    SetupRunFacts facts,
    ManagedGroup group,
    SetupOptions options,
    IExchangeClient exchange,
    IDirectoryClient directory,
    TimeProvider time,
    Func<CancellationToken, Task>? saveFacts = null)
{
    public SetupRun Run { get; } = run;
    public SetupStep Step { get; } = step;
    public SetupPlan Plan { get; } = plan;
    public SetupRequest Request => Plan.Request;
    public SetupRunFacts Facts { get; } = facts;
    public ManagedGroup Group { get; } = group;
    public SetupOptions Options { get; } = options;
    public TimeProvider Time { get; } = time;

    /// <summary>Every call this attempt made, for the attempt's record.</summary>
    public TenantCallLog Tenant { get; } = new(exchange, directory, options.MemberCallConcurrency);

    /// <summary>An earlier attempt of this step may have sent its commands (the process may have stopped mid-call).</summary>
    public bool IsRepeatAttempt => Step.Attempts > 1;

    /// <summary>Audit entries to write in the same save as the step's outcome.</summary>
    public List<AuditEvent> AuditEvents { get; } = [];

    /// <summary>Verification rows to save with the step's outcome.</summary>
    public List<VerificationResult> VerificationResults { get; } = [];

    public string? LastCommand => Tenant.LastCommand;

    public string? LastAnswer => Tenant.LastAnswer;

    public DateTime UtcNow => Time.GetUtcNow().UtcDateTime;

    /// <summary>Identity for commands on the group: its directory id once known, else its address.</summary>
    public string GroupIdentity => Facts.GroupIdentity ?? Request.GroupAddress;

    /// <summary>
    /// Saves <see cref="Facts"/> now, before the step acts on them (the engine saves them with the outcome anyway):
    /// what a resumed attempt must know even if this one is cut off half-way.
    /// </summary>
    public Task SaveFactsAsync(CancellationToken cancellationToken) => saveFacts?.Invoke(cancellationToken) ?? Task.CompletedTask;

    public Task<ExchangeResult> InvokeAsync(ExchangeCommand command, CancellationToken cancellationToken) =>
        Tenant.InvokeAsync(command, cancellationToken);

    public Task<IReadOnlyList<ExchangeResult>> InvokeManyAsync(IReadOnlyList<ExchangeCommand> commands, CancellationToken cancellationToken) =>
        Tenant.InvokeManyAsync(commands, cancellationToken);

    public Task<T> CallDirectoryAsync<T>(string description, Func<IDirectoryClient, Task<T>> call) => Tenant.CallDirectoryAsync(description, call);

    public void Note(string answer) => Tenant.Note(answer);

    /// <summary>The group as an audit target, named as the request names it.</summary>
    public AuditTarget GroupTarget() => AuditTarget.Group(GroupIdentity, Request.GroupDisplayName);

    public AuditTarget GroupTarget(string? displayName) => AuditTarget.Group(GroupIdentity, displayName);

    /// <summary>An audit entry carrying the last command sent and Exchange's answer to it.</summary>
    public void AuditLastCommand(string action, AuditTarget target) =>
        AuditEvents.Add(new AuditEvent(action, AuditActor.System) { Target = target, Command = LastCommand, Answer = LastAnswer });

    /// <summary>An audit entry with a summary in words (for changes made by several calls).</summary>
    public void AuditSummary(string action, AuditTarget target, string answer, AuditOutcome outcome = AuditOutcome.Succeeded) =>
        AuditEvents.Add(new AuditEvent(action, AuditActor.System, outcome) { Target = target, Answer = answer });

    /// <summary>The restriction (policy, scope or role assignment) was created by the last command.</summary>
    public void AuditRestriction() =>
        AuditLastCommand(AuditActions.PolicyCreated, new AuditTarget(AuditTargetTypes.Policy, Request.RestrictedAppId, Request.RestrictedAppDisplayName));

    /// <summary>Turns a non-success answer into the step's result: transient → retry later, otherwise stop with a remedy.</summary>
    public static StepResult FromFailure(ExchangeResult result, string doing)
    {
        var outcome = result.Outcome;
        return outcome switch
        {
            { IsTransient: true } => new StepResult.Retry($"{doing}: Exchange did not answer in time or asked to slow down ({outcome.Kind}). {outcome.Message}".Trim(),
                outcome is ExchangeOutcome.Throttled { RetryAfter: { } after } ? after : null),
            ExchangeOutcome.PermissionMissing p => new StepResult.Failed($"{doing}: Exchange refused: the portal lacks a permission. {p.Message}".Trim(), p.Remedy),
            ExchangeOutcome.NotFound => new StepResult.Failed($"{doing}: Exchange could not find an object it was given. {outcome.Message}".Trim(),
                "Check that the addresses and the application exist in the tenant, then retry from this step."),
            ExchangeOutcome.AlreadyExists => new StepResult.Failed($"{doing}: an object with the same name or address already exists. {outcome.Message}".Trim(),
                "Choose another name or address, or adopt the existing group, then retry from this step."),
            ExchangeOutcome.InvalidInput => new StepResult.Failed($"{doing}: Exchange rejected a value. {outcome.Message}".Trim(),
                "Correct the value named in the message, then retry from this step."),
            _ => new StepResult.Failed($"{doing}: Exchange answered with an error. {outcome.Message}".Trim(),
                "If the message names a cause you can fix, fix it and retry from this step; otherwise download the diagnostics for Dropzone support."),
        };
    }
}
