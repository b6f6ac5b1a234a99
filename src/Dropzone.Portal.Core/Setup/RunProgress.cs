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

public sealed class RunProgressNotifier(IEnumerable<IInstanceEventForwarder> forwarders) : IRunProgressNotifier
{
    private readonly IInstanceEventForwarder[] _forwarders = [.. forwarders];

    public RunProgressNotifier()
        : this([])
    {
    }

    public event Action<RunProgress>? Progress;

    public void Publish(RunProgress progress)
    {
        Raise(progress);
        foreach (var forwarder in _forwarders) forwarder.Forward(progress);
    }

    /// <summary>Tells this instance's subscribers only (a transition forwarded from another instance).</summary>
    public void Raise(RunProgress progress)
    {
        var handlers = Progress;
        if (handlers is null)
        {
            return;
        }

        // One failing subscriber (a disposed circuit) must not stop the others or the run.
        foreach (var handler in handlers.GetInvocationList().Cast<Action<RunProgress>>())
        {
            try
            {
                handler(progress);
            }
            catch (Exception ex) when (ex is ObjectDisposedException or InvalidOperationException)
            {
            }
        }
    }
}

/// <summary>Asks the job system to advance a run now or later; the host implements it with Hangfire.</summary>
public interface ISetupRunScheduler
{
    void Enqueue(Guid runId);

    void Schedule(Guid runId, DateTimeOffset at);
}
