namespace Dropzone.Portal.Core.Setup.Wizard;

public enum MemberRowStatus
{
    Valid,
    InvalidAddress,
    Duplicate,
    Unknown,
    NotMailEnabled,
}

/// <summary>One CSV row's fate; <see cref="Member"/> is set only for valid rows.</summary>
public sealed record MemberRowResult(int Row, string Input, MemberRowStatus Status, string Message, SetupMember? Member = null);

/// <summary>All rows of a list, or a message why the list as a whole was refused.</summary>
public sealed record MemberListResult(IReadOnlyList<MemberRowResult> Rows, string? Error = null)
{
    public IReadOnlyList<SetupMember> ValidMembers => [.. Rows.Where(r => r.Member is not null).Select(r => r.Member!)];

    public int Count(MemberRowStatus status) => Rows.Count(r => r.Status == status);

    public IReadOnlyList<MemberRowResult> Problems => _problems ??= [.. Rows.Where(r => r.Status != MemberRowStatus.Valid)];

    private IReadOnlyList<MemberRowResult>? _problems;

    /// <summary>The problem rows as CSV (line, value, problem, reason), for the admin to fix in the source list.</summary>
    public async Task WriteProblemsCsvAsync(Stream output, CancellationToken cancellationToken = default)
    {
        // The values are pasted text; a spreadsheet must not run one as a formula.
        await using var csv = CsvWriter.Create(output, new CsvWriterOptions { Injection = CsvInjection.Escape }, leaveOpen: true);
        csv.WriteHeader(["line", "value", "problem", "reason"]);
        foreach (var row in Problems)
        {
            csv.WriteField(row.Row.ToString(CultureInfo.InvariantCulture));
            csv.WriteField(row.Input);
            csv.WriteField(row.Status.ToString());
            csv.WriteField(row.Message);
            await csv.EndRecordAsync(cancellationToken);
        }
        await csv.FlushAsync(cancellationToken);
    }
}

/// <summary>How far a list check has come: addresses asked of the directory so far, of how many.</summary>
public sealed record MemberCheckProgress(int Checked, int Total);

/// <summary>
/// Reads a pasted or uploaded list of addresses (one per row, first column, header optional) and resolves
/// them against the directory in one batched call, never one request per row.
/// </summary>
public sealed class MemberListResolver(IDirectoryClient directory)
{
    public const int MaxRows = 10_000;

    private static readonly HashSet<string> HeaderNames = new(StringComparer.OrdinalIgnoreCase)
    {
        "address", "email", "e-mail", "mail", "emailaddress", "email address", "primarysmtpaddress", "smtp", "upn", "userprincipalname", "member", "members",
    };

    /// <summary>The first column of each non-empty row, with its 1-based row number, the header (if any) skipped.</summary>
    public static IReadOnlyList<(int Row, string Value)> Parse(string text)
    {
        var rows = new List<(int, string)>();
        var options = new CsvReaderOptions
        {
            HasHeader = false,
            SkipEmptyLines = true,
            TrimWhitespace = true,
            // A pasted list is not worth refusing over a stray quote or an extra column: read what is there.
            MalformedData = CsvMalformedDataHandling.Recover,
            FieldCountMismatch = CsvFieldCountHandling.Allow,
            MissingField = CsvMissingFieldHandling.ReturnEmpty,
            // Problem rows are reported by their line in the file, as the admin's editor numbers them.
            TrackLineNumbers = true,
        };
        using var csv = CsvReader.FromText(text, options);
        while (csv.Read())
        {
            var row = (int)csv.LineNumber;
            var value = (csv.FieldCount > 0 ? csv.GetString(0) : "").Trim().Trim('\uFEFF');
            if (value.Length == 0)
            {
                continue;
            }
            if (rows.Count == 0 && !value.Contains('@', StringComparison.Ordinal) && HeaderNames.Contains(value))
            {
                continue;
            }
            rows.Add((row, value));
        }
        return rows;
    }

    public async Task<MemberListResult> ResolveAsync(string text, IProgress<MemberCheckProgress>? progress = null, CancellationToken cancellationToken = default)
    {
        var parsed = Parse(text ?? "");
        if (parsed.Count == 0)
        {
            return new MemberListResult([], "The list has no addresses: paste one address per row.");
        }
        if (parsed.Count > MaxRows)
        {
            return new MemberListResult([], $"The list has {parsed.Count:N0} addresses; at most {MaxRows:N0} can be added in one setup.");
        }

        var seen = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        var firstPass = new List<(int Row, string Value, MemberRowStatus? Status)>(parsed.Count);
        foreach (var (row, value) in parsed)
        {
            MemberRowStatus? status = !GroupNameRules.IsValidAddress(value) ? MemberRowStatus.InvalidAddress
                : !seen.Add(value) ? MemberRowStatus.Duplicate
                : null;
            firstPass.Add((row, value, status));
        }

        var toResolve = firstPass.Where(r => r.Status is null).Select(r => r.Value).ToList();
        progress?.Report(new MemberCheckProgress(0, toResolve.Count));
        var found = toResolve.Count == 0
            ? new Dictionary<string, DirectoryUser>()
            : await directory.ResolveAddressesAsync(toResolve, progress is null ? null : new AddressProgress(progress, toResolve.Count), cancellationToken);

        var results = new List<MemberRowResult>(firstPass.Count);
        foreach (var (row, value, status) in firstPass)
        {
            results.Add(status switch
            {
                MemberRowStatus.InvalidAddress => new MemberRowResult(row, value, MemberRowStatus.InvalidAddress, "Not a valid email address."),
                MemberRowStatus.Duplicate => new MemberRowResult(row, value, MemberRowStatus.Duplicate, "Already listed on an earlier row."),
                _ => Resolved(row, value, Lookup(found, value)),
            });
        }
        return new MemberListResult(results);
    }

    private static DirectoryUser? Lookup(IReadOnlyDictionary<string, DirectoryUser> found, string address) =>
        found.TryGetValue(address, out var user) ? user
        : found.FirstOrDefault(p => string.Equals(p.Key, address, StringComparison.OrdinalIgnoreCase)).Value;

    private static MemberRowResult Resolved(int row, string value, DirectoryUser? user) => user switch
    {
        null => new MemberRowResult(row, value, MemberRowStatus.Unknown, "No user or mailbox with this address in the tenant."),
        { Mail: null or "" } => new MemberRowResult(row, value, MemberRowStatus.NotMailEnabled,
            $"{user.DisplayName ?? value} has no mailbox (not mail-enabled), so the group cannot contain them."),
        _ => new MemberRowResult(row, value, MemberRowStatus.Valid, "Found.", new SetupMember(user.Mail!, user.Id, user.DisplayName)),
    };

    /// <summary>Passes the directory's count straight on (no synchronization context hop, unlike Progress&lt;T&gt;).</summary>
    private sealed class AddressProgress(IProgress<MemberCheckProgress> target, int total) : IProgress<int>
    {
        public void Report(int value) => target.Report(new MemberCheckProgress(value, total));
    }
}
