namespace Dropzone.TenantEmulator.Exchange;

/// <summary>What a cmdlet runs with; it runs entirely under the state's lock, so it sees and leaves a consistent tenant.</summary>
internal sealed class CmdletContext(TenantState state, string cmdletName, CmdletParameters parameters, string callerAppId)
{
    public TenantState State { get; } = state;
    public string CmdletName { get; } = cmdletName;
    public CmdletParameters Parameters { get; } = parameters;
    public string CallerAppId { get; } = callerAppId;
    public List<string> Warnings { get; } = [];

    /// <summary>The operation this cmdlet left running on the server (its answer waits for it); null when it finished at once.</summary>
    public Task? Running { get; private set; }

    /// <summary>
    /// Applies a membership change of <paramref name="size"/> entries now, or, when the tenant models long operations
    /// and the array is large enough, when the operation ends.
    /// </summary>
    public void ApplyMembershipChange(int size, Action apply)
    {
        var faults = State.Faults;
        if (faults.LongOperationDuration > TimeSpan.Zero && size > faults.LongOperationMemberThreshold)
        {
            Running = State.StartLongOperation(faults.LongOperationDuration, apply);
            return;
        }
        apply();
    }

    public DirectoryObject Recipient(string identity) =>
        Unique(identity) is { IsMailEnabled: true } found ? found : throw ExchangeCmdletException.ObjectNotFound(identity);

    /// <summary>Any directory object, mail-enabled or not, so that a rule can say why it is the wrong kind.</summary>
    public DirectoryObject DirectoryObject(string identity) =>
        Unique(identity) ?? throw ExchangeCmdletException.ObjectNotFound(identity);

    /// <summary>Exchange refuses an identity (a display name, say) that several recipients share, rather than pick one.</summary>
    private DirectoryObject? Unique(string identity)
    {
        var matches = State.ResolveAllVisible(identity);
        return matches.Count > 1 ? throw ExchangeCmdletException.Ambiguous(identity) : matches.FirstOrDefault();
    }

    public DirectoryObject Group(string identity) =>
        State.ResolveVisible(identity) is { IsGroup: true } found ? found : throw ExchangeCmdletException.ObjectNotFound(identity);

    /// <summary>ResultSize: "Unlimited" or a number; without it everything is returned (the HTTP layer pages).</summary>
    public IEnumerable<JsonObject> Limit(IEnumerable<JsonObject> rows)
    {
        var size = Parameters.Text("ResultSize");
        if (size is null || size.Equals("Unlimited", StringComparison.OrdinalIgnoreCase))
        {
            return rows;
        }
        if (!int.TryParse(size, out var n) || n < 1)
        {
            throw ExchangeCmdletException.BadParameter($"Cannot process argument transformation on parameter 'ResultSize'. Cannot convert value \"{size}\" to type \"Microsoft.Exchange.Data.Unlimited`1[System.UInt32]\".", ExchangeCmdletException.ParameterBinding);
        }
        var list = rows.ToList();
        if (list.Count > n)
        {
            Warnings.Add($"By default, only the first {n} items are returned. Use the ResultSize parameter to specify the number of items returned. To return all items, specify \"-ResultSize Unlimited\".");
        }
        return list.Take(n);
    }

    /// <summary>Anr (ambiguous name resolution): a prefix of name, alias, display name or an address.</summary>
    public bool MatchesAnr(DirectoryObject o)
    {
        var anr = Parameters.Text("Anr");
        return anr is null
            || new[] { o.Name, o.Alias, o.DisplayName, o.PrimarySmtpAddress, o.UserPrincipalName }.Any(x => x is not null && x.StartsWith(anr, StringComparison.OrdinalIgnoreCase))
            || o.DisplayName.Split(' ').Any(w => w.StartsWith(anr, StringComparison.OrdinalIgnoreCase));
    }

    public bool MatchesTypeDetails(DirectoryObject o)
    {
        var types = Parameters.List("RecipientTypeDetails")?.SelectMany(t => t.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries)).ToList();
        return types is null || types.Count == 0 || types.Contains(o.Kind.ToString(), StringComparer.OrdinalIgnoreCase);
    }
}

/// <summary>
/// A cmdlet: the parameters the emulator acts on (a trailing '*' marks a mandatory one) and what it does. Which
/// parameters bind at all comes from Microsoft's reference (<see cref="ParameterBinder"/>): every other documented
/// parameter is accepted and changes nothing here.
/// </summary>
internal sealed record CmdletDefinition(string Name, string[] ParameterSpec, Func<CmdletContext, IEnumerable<JsonObject>> Run)
{
    public IEnumerable<string> Parameters => ParameterSpec.Select(p => p.TrimEnd('*'));

    public IEnumerable<string> Mandatory => ParameterSpec.Where(p => p.EndsWith('*')).Select(p => p.TrimEnd('*'));
}
