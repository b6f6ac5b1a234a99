namespace Dropzone.Portal.Core.Setup;

/// <summary>A transition of a run, pushed to whoever watches it (the progress page's circuit).</summary>
public sealed record RunProgress(
    Guid RunId,
    Guid GroupId,
    SetupRunState RunState,
    int CurrentStep,
    int? StepIndex,
    SetupStepState? StepState,
    string? Summary);

/// <summary>
/// Push of run transitions: the engine publishes after every saved transition; UI components subscribe to
/// <see cref="Progress"/> and re-read what they show. Singleton. With several portal instances each publication is
/// also forwarded (<see cref="IInstanceEventForwarder"/>), so a circuit on any instance sees every run move.
/// </summary>
public interface IRunProgressNotifier
{
    event Action<RunProgress>? Progress;

    void Publish(RunProgress progress);
}

public sealed class RunProgressNotifier(IEnumerable<IInstanceEventForwarder> forwarders)
    : InstanceEventChannel<RunProgress>(forwarders), IRunProgressNotifier
{
    public RunProgressNotifier()
        : this([])
    {
    }

    public event Action<RunProgress>? Progress
    {
        add => Subscribe(value);
        remove => Unsubscribe(value);
    }
}

/// <summary>Asks the job system to advance a run now or later; the host implements it with Hangfire.</summary>
public interface ISetupRunScheduler
{
    void Enqueue(Guid runId);

    /// <summary>
    /// A run just applied: queued as by <see cref="Enqueue"/>, and begun at once where the host can, so Apply does not
    /// wait for a worker to poll the queue. The queued job then finds the run leased or done, and ends.
    /// </summary>
    void Start(Guid runId) => Enqueue(runId);

    void Schedule(Guid runId, DateTimeOffset at);
}
