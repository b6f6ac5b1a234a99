namespace Dropzone.Portal.Core.Setup;

/// <summary>
/// The tenant calls of one piece of work (a step attempt, a verification, a re-check): every command sent
/// (redacted) and every answer, counted, with the calls on the critical path (those that had to wait for one another).
/// </summary>
public sealed class TenantCallLog(IExchangeClient exchange, IDirectoryClient directory, int concurrency)
{
    private const int MaxLoggedCommands = 40;
    private readonly Lock _gate = new();
    private readonly List<string> _commands = [];
    private readonly List<string> _answers = [];
    private int _unloggedCommands;

    public int Calls { get; private set; }

    public int CriticalPathCalls { get; private set; }

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

    /// <summary>One command: its calls (one, or one a page) are all on the critical path.</summary>
    public async Task<ExchangeResult> InvokeAsync(ExchangeCommand command, CancellationToken cancellationToken)
    {
        var result = await exchange.InvokeAsync(command, cancellationToken);
        lock (_gate)
        {
            Calls += 1 + result.FollowUpCalls;
            CriticalPathCalls += 1 + result.FollowUpCalls;
            Log(command, result);
        }

        return result;
    }

    /// <summary>
    /// Independent commands, ten to a <c>$batch</c>, with at most the configured concurrency of batches in
    /// flight. Results come back in the order of <paramref name="commands"/>.
    /// </summary>
    public async Task<IReadOnlyList<ExchangeResult>> InvokeManyAsync(IReadOnlyList<ExchangeCommand> commands, CancellationToken cancellationToken)
    {
        var results = new ExchangeResult[commands.Count];
        if (commands.Count == 0)
        {
            return results;
        }

        var chunks = commands.Select((c, i) => (c, i)).Chunk(ExchangeClient.MaxBatchSize).ToList();
        var parallel = Math.Max(1, concurrency);
        await Parallel.ForEachAsync(chunks, new ParallelOptions { MaxDegreeOfParallelism = parallel, CancellationToken = cancellationToken }, async (chunk, ct) =>
        {
            var answers = await exchange.InvokeBatchAsync([.. chunk.Select(x => x.c)], ct);
            for (var k = 0; k < chunk.Length; k++)
            {
                results[chunk[k].i] = answers[k];
            }
        });
        lock (_gate)
        {
            // Batches go out in rounds of the concurrency; a batch's follow-ups (next pages, parts resent alone) come
            // one after another after it, so the longest such tail lengthens the critical path.
            var followUps = chunks.Select(chunk => chunk.Sum(x => results[x.i].FollowUpCalls)).ToList();
            Calls += chunks.Count + followUps.Sum();
            CriticalPathCalls += (chunks.Count + parallel - 1) / parallel + followUps.Max();
            foreach (var result in results)
            {
                Log(result.Command, result);
            }
        }

        return results;
    }

    /// <summary>A Graph call, counted like an Exchange call (it is on the critical path too).</summary>
    public async Task<T> CallDirectoryAsync<T>(string description, Func<IDirectoryClient, Task<T>> call)
    {
        var result = await call(directory);
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

    /// <summary>
    /// Makes an earlier call the one the step shows, when a later read-back only confirmed it (a create refused
    /// as "already exists" explains a failure; the Get that found nothing afterwards does not).
    /// </summary>
    public void ShowAsLast(ExchangeResult result)
    {
        ArgumentNullException.ThrowIfNull(result);
        lock (_gate)
        {
            LastCommand = result.Command.ToAuditText();
            LastAnswer = Describe(result);
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
}
