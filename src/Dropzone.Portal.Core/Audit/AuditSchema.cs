namespace Dropzone.Portal.Core.Audit;

/// <summary>How a column's value is stored and written: the sequence (a whole number), a UTC time, or text.</summary>
public enum AuditColumnType
{
    Sequence,
    Time,
    Text,
}

/// <summary>
/// One field of an <see cref="AuditEntry"/>: its table column (the property name), its name in exports and
/// archive files, and how its value reads and writes as text (enums by name). Everything that lists the
/// fields (the canonical form, the exports, the archive files, the raw SQLite paths, the EF mapping) iterates
/// <see cref="AuditSchema.Columns"/> instead of spelling them out.
/// </summary>
public sealed class AuditColumn
{
    private readonly Func<AuditEntry, string?> _format;
    private readonly Action<AuditEntry, string?> _parse;

    internal AuditColumn(
        string name, AuditColumnType type, int? maxLength, bool nullable,
        Func<AuditEntry, string?> format, Action<AuditEntry, string?> parse)
    {
        Name = name;
        JsonName = char.ToLowerInvariant(name[0]) + name[1..];
        Type = type;
        MaxLength = maxLength;
        Nullable = nullable;
        _format = format;
        _parse = parse;
    }

    /// <summary>The property of <see cref="AuditEntry"/> and the column of the table.</summary>
    public string Name { get; }

    /// <summary>The property name in JSON exports, archive files and the CSV header.</summary>
    public string JsonName { get; }

    public AuditColumnType Type { get; }

    /// <summary>Longest stored value (text columns); longer input is cut when recorded.</summary>
    public int? MaxLength { get; }

    public bool Nullable { get; }

    /// <summary>The value as text: numbers in invariant decimal, times in <see cref="AuditChain.TimeFormat"/>, enums by name.</summary>
    public string? Format(AuditEntry entry) => _format(entry);

    /// <summary>Sets the value from the text <see cref="Format"/> produces.</summary>
    public void Parse(AuditEntry entry, string? text) => _parse(entry, text);
}

/// <summary>
/// The audit entry's fields in their one order: the table's column order, the canonical (hashed) order of
/// <see cref="AuditChain"/> (every column but <see cref="AuditEntry.Hash"/>), and the order of the exports.
/// Adding a field means adding it here (and to <see cref="AuditEntry"/> and a migration); it is then hashed,
/// exported, archived and read back everywhere. It also changes the canonical form: bump its version header.
/// </summary>
public static class AuditSchema
{
    public static IReadOnlyList<AuditColumn> Columns { get; } =
    [
        new(nameof(AuditEntry.Sequence), AuditColumnType.Sequence, null, false,
            e => e.Sequence.ToString(CultureInfo.InvariantCulture), (e, v) => e.Sequence = long.Parse(v!, CultureInfo.InvariantCulture)),
        new(nameof(AuditEntry.OccurredAt), AuditColumnType.Time, null, false,
            e => e.OccurredAt.ToString(AuditChain.TimeFormat, CultureInfo.InvariantCulture), (e, v) => e.OccurredAt = ParseTime(v!)),
        new(nameof(AuditEntry.ActorKind), AuditColumnType.Text, 16, false,
            e => ActorKindName(e.ActorKind), (e, v) => e.ActorKind = ParseActorKind(v!)),
        Text(nameof(AuditEntry.ActorId), AuditEntry.MaxIdLength, e => e.ActorId, (e, v) => e.ActorId = v),
        Text(nameof(AuditEntry.ActorUpn), AuditEntry.MaxIdLength, e => e.ActorUpn, (e, v) => e.ActorUpn = v),
        Text(nameof(AuditEntry.ActorName), AuditEntry.MaxDisplayLength, e => e.ActorName, (e, v) => e.ActorName = v),
        new(nameof(AuditEntry.Action), AuditColumnType.Text, 100, false, e => e.Action, (e, v) => e.Action = v!),
        Text(nameof(AuditEntry.TargetType), 32, e => e.TargetType, (e, v) => e.TargetType = v),
        Text(nameof(AuditEntry.TargetId), AuditEntry.MaxIdLength, e => e.TargetId, (e, v) => e.TargetId = v),
        Text(nameof(AuditEntry.TargetDisplay), AuditEntry.MaxDisplayLength, e => e.TargetDisplay, (e, v) => e.TargetDisplay = v),
        Text(nameof(AuditEntry.GroupId), AuditEntry.MaxIdLength, e => e.GroupId, (e, v) => e.GroupId = v),
        new(nameof(AuditEntry.Outcome), AuditColumnType.Text, 16, false,
            e => OutcomeName(e.Outcome), (e, v) => e.Outcome = ParseOutcome(v!)),
        Text(nameof(AuditEntry.Command), AuditEntry.MaxTextLength, e => e.Command, (e, v) => e.Command = v),
        Text(nameof(AuditEntry.Answer), AuditEntry.MaxTextLength, e => e.Answer, (e, v) => e.Answer = v),
        Text(nameof(AuditEntry.RunId), AuditEntry.MaxIdLength, e => e.RunId, (e, v) => e.RunId = v),
        Text(nameof(AuditEntry.StepAttemptId), AuditEntry.MaxIdLength, e => e.StepAttemptId, (e, v) => e.StepAttemptId = v),
        Text(nameof(AuditEntry.RequestId), AuditEntry.MaxIdLength, e => e.RequestId, (e, v) => e.RequestId = v),
        Text(nameof(AuditEntry.TraceId), AuditEntry.MaxIdLength, e => e.TraceId, (e, v) => e.TraceId = v),
        Text(nameof(AuditEntry.ClientIp), 64, e => e.ClientIp, (e, v) => e.ClientIp = v),
        new(nameof(AuditEntry.PreviousHash), AuditColumnType.Text, 64, false, e => e.PreviousHash, (e, v) => e.PreviousHash = v!),
        new(nameof(AuditEntry.Hash), AuditColumnType.Text, 64, false, e => e.Hash, (e, v) => e.Hash = v!),
    ];

    /// <summary>Position of <see cref="AuditEntry.PreviousHash"/>, the last hashed column.</summary>
    public static int PreviousHashIndex { get; } = IndexOf(nameof(AuditEntry.PreviousHash));

    /// <summary>Position of <see cref="AuditEntry.Hash"/>, the only column not hashed (it is the hash).</summary>
    public static int HashIndex { get; } = IndexOf(nameof(AuditEntry.Hash));

    /// <summary>The hashed columns, in canonical order.</summary>
    public static IReadOnlyList<AuditColumn> Hashed { get; } = [.. Columns.Where((_, i) => i != HashIndex)];

    /// <summary><c>"Sequence", "OccurredAt", …</c> for raw SQL over the table.</summary>
    public static string SelectList { get; } = string.Join(", ", Columns.Select(c => $"\"{c.Name}\""));

    public static string ActorKindName(AuditActorKind kind) => kind switch
    {
        AuditActorKind.User => "User",
        AuditActorKind.Job => "Job",
        AuditActorKind.System => "System",
        _ => ((int)kind).ToString(CultureInfo.InvariantCulture),
    };

    public static string OutcomeName(AuditOutcome outcome) => outcome switch
    {
        AuditOutcome.Succeeded => "Succeeded",
        AuditOutcome.Failed => "Failed",
        AuditOutcome.Denied => "Denied",
        AuditOutcome.Skipped => "Skipped",
        _ => ((int)outcome).ToString(CultureInfo.InvariantCulture),
    };

    private static AuditActorKind ParseActorKind(string name) => name switch
    {
        "User" => AuditActorKind.User,
        "Job" => AuditActorKind.Job,
        "System" => AuditActorKind.System,
        _ => Enum.Parse<AuditActorKind>(name),
    };

    private static AuditOutcome ParseOutcome(string name) => name switch
    {
        "Succeeded" => AuditOutcome.Succeeded,
        "Failed" => AuditOutcome.Failed,
        "Denied" => AuditOutcome.Denied,
        "Skipped" => AuditOutcome.Skipped,
        _ => Enum.Parse<AuditOutcome>(name),
    };

    private static DateTime ParseTime(string text) => DateTime.SpecifyKind(
        DateTime.ParseExact(text, AuditChain.TimeFormat, CultureInfo.InvariantCulture,
            DateTimeStyles.AdjustToUniversal | DateTimeStyles.AssumeUniversal), DateTimeKind.Utc);

    private static AuditColumn Text(string name, int maxLength, Func<AuditEntry, string?> format, Action<AuditEntry, string?> parse) =>
        new(name, AuditColumnType.Text, maxLength, true, format, parse);

    private static int IndexOf(string name)
    {
        for (var i = 0; i < Columns.Count; i++)
        {
            if (Columns[i].Name == name) return i;
        }
        throw new InvalidOperationException($"No audit column {name}.");
    }
}
