using Dropzone.Portal.Core.Audit;
using Dropzone.Portal.Core.Groups;
using Dropzone.Portal.Core.Verification;
using Dropzone.Portal.TenantClients.Commands;
using Dropzone.Portal.TenantClients.Exchange;
using Dropzone.Portal.TenantClients.Graph;

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
/// What one step attempt works with: the plan, the facts earlier steps saved, the tenant clients, and a log
/// of every command sent (redacted) and every answer, with the number of calls it took.
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
    TimeProvider time)
{
    private const int MaxLoggedCommands = 40;
    private readonly Lock _gate = new();
    private readonly List<string> _commands = [];
    private readonly List<string> _answers = [];
    private int _unloggedCommands;

    public SetupRun Run { get; } = run;
    public SetupStep Step { get; } = step;
    public SetupPlan Plan { get; } = plan;
    public SetupRequest Request => Plan.Request;
    public SetupRunFacts Facts { get; } = facts;
    public ManagedGroup Group { get; } = group;
    public SetupOptions Options { get; } = options;
    public IExchangeClient Exchange { get; } = exchange;
    public IDirectoryClient Directory { get; } = directory;
    public TimeProvider Time { get; } = time;

    /// <summary>An earlier attempt of this step may have sent its commands (the process may have stopped mid-call).</summary>
    public bool IsRepeatAttempt => Step.Attempts > 1;

    public int Calls { get; private set; }

    public int CriticalPathCalls { get; private set; }

    /// <summary>Audit entries to write in the same save as the step's outcome.</summary>
    public List<AuditEvent> AuditEvents { get; } = [];

    /// <summary>Verification rows to save with the step's outcome.</summary>
    public List<VerificationResult> VerificationResults { get; } = [];

    public string? LastCommand { get; private set; }

    public string? LastAnswer { get; private set; }

    public string CommandLog
    {
        get
        {
            lock (_gate)
            {
                return string.Join('\n', _commands) + (_unloggedCommands > 0 ? $"\n… and {_unloggedCommands} more command(s) of the same kind" : "");
            }
        }
    }

    public string AnswerLog
    {
        get
        {
            lock (_gate)
            {
                return string.Join('\n', _answers);
            }
        }
    }

    public DateTime UtcNow => Time.GetUtcNow().UtcDateTime;

    /// <summary>Identity for commands on the group: its directory id once known, else its address.</summary>
    public string GroupIdentity => Facts.GroupIdentity ?? Request.GroupAddress;

    /// <summary>One command, one call on the critical path.</summary>
    public async Task<ExchangeResult> InvokeAsync(ExchangeCommand command, CancellationToken cancellationToken)
    {
        var result = await Exchange.InvokeAsync(command, cancellationToken);
        lock (_gate)
        {
            Calls++;
            CriticalPathCalls++;
            Log(command, result);
        }

        return result;
    }

    /// <summary>
    /// Independent commands, ten to a <c>$batch</c>, with at most <see cref="SetupOptions.MemberCallConcurrency"/>
    /// batches in flight. Results come back in the order of <paramref name="commands"/>.
    /// </summary>
    public async Task<IReadOnlyList<ExchangeResult>> InvokeManyAsync(IReadOnlyList<ExchangeCommand> commands, CancellationToken cancellationToken)
    {
        var results = new ExchangeResult[commands.Count];
        if (commands.Count == 0)
        {
            return results;
        }

        var chunks = commands.Select((c, i) => (c, i)).Chunk(ExchangeClient.MaxBatchSize).ToList();
        var concurrency = Math.Max(1, Options.MemberCallConcurrency);
        await Parallel.ForEachAsync(chunks, new ParallelOptions { MaxDegreeOfParallelism = concurrency, CancellationToken = cancellationToken }, async (chunk, ct) =>
        {
            var answers = await Exchange.InvokeBatchAsync([.. chunk.Select(x => x.c)], ct);
            for (var k = 0; k < chunk.Length; k++)
            {
                results[chunk[k].i] = answers[k];
            }
        });
        lock (_gate)
        {
            Calls += chunks.Count;
            CriticalPathCalls += (chunks.Count + concurrency - 1) / concurrency;
            foreach (var result in results)
            {
                Log(result.Command, result);
            }
        }

        return results;
    }

    private void Log(ExchangeCommand command, ExchangeResult result)
    {
        var text = command.ToAuditText();
        var answer = Describe(result);
        LastCommand = text;
        LastAnswer = answer;
        if (_commands.Count < MaxLoggedCommands)
        {
            _commands.Add(text);
            _answers.Add($"{command.CmdletName}: {answer}");
        }
        else
        {
            _unloggedCommands++;
            if (!result.IsSuccess && _answers.Count < MaxLoggedCommands * 2)
            {
                _answers.Add($"{command.CmdletName}: {answer}");
            }
        }
    }

    /// <summary>A Graph call, counted like an Exchange call (it is on the critical path too).</summary>
    public async Task<T> CallDirectoryAsync<T>(string description, Func<IDirectoryClient, Task<T>> call)
    {
        var result = await call(Directory);
        lock (_gate)
        {
            Calls++;
            CriticalPathCalls++;
            _commands.Add(description);
            LastCommand = description;
        }

        return result;
    }

    public void Note(string answer)
    {
        lock (_gate)
        {
            _answers.Add(answer);
            LastAnswer = answer;
        }
    }

    public static string Describe(ExchangeResult result) => result.Outcome switch
    {
        ExchangeOutcome.Success => result.Rows.Count switch
        {
            0 => "OK",
            1 => "OK (1 object)",
            var n => $"OK ({n} objects)",
        },
        var o => string.IsNullOrWhiteSpace(o.Message) ? o.Kind : $"{o.Kind}: {o.Message}",
    };

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
