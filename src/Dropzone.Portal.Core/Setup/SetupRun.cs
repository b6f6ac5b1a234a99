namespace Dropzone.Portal.Core.Setup;

public enum SetupRunKind
{
    /// <summary>Create or adopt a group and tie the application to it.</summary>
    Setup,
}

public enum SetupRunState
{
    Pending,
    Running,
    Succeeded,
    Failed,
    Cancelled,
}

public enum SetupStepState
{
    Pending,
    Running,
    Succeeded,
    Skipped,
    WaitingRetry,
    Failed,
}

/// <summary>
/// One execution of a <see cref="SetupPlan"/>. The database row, not the job queue, is the truth: the current
/// step, each step's state and every attempt are saved after each transition, so any worker can resume it.
/// Times are UTC <see cref="DateTime"/>s because SQLite compares them (the lease query) as text.
/// </summary>
public sealed class SetupRun
{
    public const int MaxMessageLength = 4000;

    public Guid Id { get; set; } = Guid.NewGuid();

    public Guid GroupId { get; set; }

    public SetupRunKind Kind { get; set; }

    public SetupRunState State { get; set; }

    /// <summary>The <see cref="SetupPlan"/> as JSON, fixed when the run is created.</summary>
    public string PlanJson { get; set; } = "";

    /// <summary>What earlier steps learned from the tenant (<see cref="SetupRunFacts"/>) as JSON.</summary>
    public string FactsJson { get; set; } = "{}";

    /// <summary>Index of the first step not yet finished.</summary>
    public int CurrentStep { get; set; }

    public string CreatedByObjectId { get; set; } = "";

    public string? CreatedByName { get; set; }

    public DateTime CreatedAt { get; set; }

    public DateTime? StartedAt { get; set; }

    public DateTime? FinishedAt { get; set; }

    public DateTime UpdatedAt { get; set; }

    /// <summary>The worker advancing the run (one call of the engine); null when none is.</summary>
    public string? LeaseOwner { get; set; }

    /// <summary>The portal instance (<see cref="Instances.PortalInstance"/>) of <see cref="LeaseOwner"/>: when it is gone, the run is taken over.</summary>
    public string? LeaseInstanceId { get; set; }

    public DateTime? LeaseExpiresAt { get; set; }

    /// <summary>
    /// The fencing token: advanced by every acquisition and takeover of the lease, and checked by every save of
    /// the run (a concurrency token), so a worker that lost the lease cannot write anything of the run.
    /// </summary>
    public long LeaseGeneration { get; set; }

    public bool CancelRequested { get; set; }

    public string? CancelledBy { get; set; }

    /// <summary>Why the run stopped, in plain words (Exchange's message included).</summary>
    public string? FailureMessage { get; set; }

    /// <summary>What the admin can do about it before "Retry from this step".</summary>
    public string? FailureRemedy { get; set; }

    /// <summary>When the run next wants a worker (a step waiting to retry); null when it wants one now or never.</summary>
    public DateTime? NextAttemptAt { get; set; }

    public List<SetupStep> Steps { get; set; } = [];

    public bool IsFinished => State is SetupRunState.Succeeded or SetupRunState.Failed or SetupRunState.Cancelled;
}

/// <summary>One step of a run and where it stands.</summary>
public sealed class SetupStep
{
    public Guid Id { get; set; } = Guid.NewGuid();

    public Guid RunId { get; set; }

    public int Index { get; set; }

    public SetupStepKind Kind { get; set; }

    public string Title { get; set; } = "";

    public SetupStepState State { get; set; }

    public int Attempts { get; set; }

    public DateTime? StartedAt { get; set; }

    public DateTime? FinishedAt { get; set; }

    /// <summary>The last command sent, redacted (secrets masked, long lists cut).</summary>
    public string? LastCommand { get; set; }

    /// <summary>Exchange's last answer, in its words.</summary>
    public string? LastAnswer { get; set; }

    /// <summary>What the step found or did, in words (e.g. "Already present; nothing sent").</summary>
    public string? Summary { get; set; }

    public DateTime? NextAttemptAt { get; set; }

    public List<StepAttempt> AttemptLog { get; set; } = [];
}

public enum StepAttemptOutcome
{
    /// <summary>Started and not finished: the process stopped during it.</summary>
    Running,
    Succeeded,
    Skipped,
    Transient,
    Failed,
    Cancelled,

    /// <summary>The tenant has not caught up yet (replication, propagation): not an error; polled again later.</summary>
    Waiting,
}

/// <summary>Every attempt of every step, kept: what was sent (redacted), what the tenant answered, how long it took.</summary>
public sealed class StepAttempt
{
    public Guid Id { get; set; } = Guid.NewGuid();

    public Guid StepId { get; set; }

    public Guid RunId { get; set; }

    public int Number { get; set; }

    public DateTime StartedAt { get; set; }

    public DateTime? EndedAt { get; set; }

    public StepAttemptOutcome Outcome { get; set; }

    /// <summary>The commands sent, one per line, redacted.</summary>
    public string? Commands { get; set; }

    /// <summary>The tenant's answers, in its words, one per line.</summary>
    public string? Answer { get; set; }

    /// <summary>HTTP calls this attempt made to the tenant (a $batch of ten counts once).</summary>
    public int Calls { get; set; }

    /// <summary>Calls that had to wait for one another (parallel calls count once per round).</summary>
    public int CriticalPathCalls { get; set; }

    public string? WorkerId { get; set; }
}
