using System.Buffers;
using System.Globalization;
using System.Text;
using System.Text.Json;
using CsvHelper;

namespace Dropzone.Portal.Core.Audit;

public enum AuditExportFormat
{
    Csv,
    JsonLines,
}

/// <summary>
/// Writes entries as CSV or JSON Lines while they stream in: nothing is buffered beyond the writers' own
/// buffers, which go out every few thousand rows so the client sees progress and memory stays flat.
/// Both formats carry the hashes, so an exported or archived range can be re-verified offline.
/// </summary>
public static class AuditExporter
{
    private const int FlushEvery = 2_000;

    internal static readonly string[] ColumnNames =
    [
        "sequence", "occurredAt", "actorKind", "actorId", "actorUpn", "actorName", "action", "targetType", "targetId",
        "targetDisplay", "groupId", "outcome", "command", "answer", "runId", "stepAttemptId", "requestId", "traceId",
        "clientIp", "previousHash", "hash",
    ];

    internal static readonly CsvWriterOptions CsvOptions = new()
    {
        // Entries hold text from the tenant and from users; a spreadsheet must not run it as a formula.
        Injection = CsvInjection.Escape,
    };

    public static async Task<long> WriteCsvAsync(IAsyncEnumerable<AuditEntry> entries, Stream output, CancellationToken cancellationToken = default)
    {
        await using var csv = CsvWriter.Create(output, CsvOptions, leaveOpen: true);
        csv.WriteHeader(ColumnNames);
        long rows = 0;
        await foreach (var e in entries.WithCancellation(cancellationToken))
        {
            csv.WriteField(e.Sequence, default);
            csv.WriteField(e.OccurredAt, AuditChain.TimeFormat);
            csv.WriteField(ActorKindName(e.ActorKind));
            csv.WriteField(e.ActorId);
            csv.WriteField(e.ActorUpn);
            csv.WriteField(e.ActorName);
            csv.WriteField(e.Action);
            csv.WriteField(e.TargetType);
            csv.WriteField(e.TargetId);
            csv.WriteField(e.TargetDisplay);
            csv.WriteField(e.GroupId);
            csv.WriteField(OutcomeName(e.Outcome));
            csv.WriteField(e.Command);
            csv.WriteField(e.Answer);
            csv.WriteField(e.RunId);
            csv.WriteField(e.StepAttemptId);
            csv.WriteField(e.RequestId);
            csv.WriteField(e.TraceId);
            csv.WriteField(e.ClientIp);
            csv.WriteField(e.PreviousHash);
            csv.WriteField(e.Hash);
            // Writes to the stream only when the writer's buffer is mostly full, so this is the flow control.
            await csv.EndRecordAsync(cancellationToken);
            rows++;
        }
        await csv.FlushAsync(cancellationToken);
        return rows;
    }

    private static string ActorKindName(AuditActorKind kind) => kind switch
    {
        AuditActorKind.User => "User",
        AuditActorKind.Job => "Job",
        _ => kind.ToString(),
    };

    private static string OutcomeName(AuditOutcome outcome) => outcome switch
    {
        AuditOutcome.Succeeded => "Succeeded",
        AuditOutcome.Failed => "Failed",
        _ => outcome.ToString(),
    };

    public static async Task<long> WriteJsonLinesAsync(IAsyncEnumerable<AuditEntry> entries, Stream output, CancellationToken cancellationToken = default)
    {
        var buffer = new System.Buffers.ArrayBufferWriter<byte>(64 * 1024);
        await using var json = new Utf8JsonWriter(buffer);
        long rows = 0;
        await foreach (var entry in entries.WithCancellation(cancellationToken))
        {
            WriteJson(json, entry);
            await json.FlushAsync(cancellationToken);
            buffer.Write("\n"u8);
            json.Reset(buffer);
            if (++rows % FlushEvery == 0 || buffer.WrittenCount > 48 * 1024)
            {
                await output.WriteAsync(buffer.WrittenMemory, cancellationToken);
                buffer.ResetWrittenCount();
            }
        }
        await output.WriteAsync(buffer.WrittenMemory, cancellationToken);
        await output.FlushAsync(cancellationToken);
        return rows;
    }

    /// <summary>One entry as a JSON object; the property names are the archive file format (docs/audit.md).</summary>
    public static void WriteJson(Utf8JsonWriter json, AuditEntry e)
    {
        json.WriteStartObject();
        json.WriteNumber("sequence", e.Sequence);
        json.WriteString("occurredAt", e.OccurredAt.ToString(AuditChain.TimeFormat, CultureInfo.InvariantCulture));
        json.WriteString("actorKind", ActorKindName(e.ActorKind));
        json.WriteString("actorId", e.ActorId);
        json.WriteString("actorUpn", e.ActorUpn);
        json.WriteString("actorName", e.ActorName);
        json.WriteString("action", e.Action);
        json.WriteString("targetType", e.TargetType);
        json.WriteString("targetId", e.TargetId);
        json.WriteString("targetDisplay", e.TargetDisplay);
        json.WriteString("groupId", e.GroupId);
        json.WriteString("outcome", OutcomeName(e.Outcome));
        json.WriteString("command", e.Command);
        json.WriteString("answer", e.Answer);
        json.WriteString("runId", e.RunId);
        json.WriteString("stepAttemptId", e.StepAttemptId);
        json.WriteString("requestId", e.RequestId);
        json.WriteString("traceId", e.TraceId);
        json.WriteString("clientIp", e.ClientIp);
        json.WriteString("previousHash", e.PreviousHash);
        json.WriteString("hash", e.Hash);
        json.WriteEndObject();
    }

    /// <summary>Reads one line written by <see cref="WriteJson"/> back into an entry (archive verification).</summary>
    public static AuditEntry ReadJson(ReadOnlySpan<byte> line)
    {
        using var doc = JsonDocument.Parse(line.ToArray());
        var r = doc.RootElement;
        string? S(string name) => r.GetProperty(name).GetString();
        return new AuditEntry
        {
            Sequence = r.GetProperty("sequence").GetInt64(),
            OccurredAt = DateTime.SpecifyKind(DateTime.ParseExact(S("occurredAt")!, AuditChain.TimeFormat, CultureInfo.InvariantCulture,
                DateTimeStyles.AdjustToUniversal | DateTimeStyles.AssumeUniversal), DateTimeKind.Utc),
            ActorKind = Enum.Parse<AuditActorKind>(S("actorKind")!),
            ActorId = S("actorId"),
            ActorUpn = S("actorUpn"),
            ActorName = S("actorName"),
            Action = S("action")!,
            TargetType = S("targetType"),
            TargetId = S("targetId"),
            TargetDisplay = S("targetDisplay"),
            GroupId = S("groupId"),
            Outcome = Enum.Parse<AuditOutcome>(S("outcome")!),
            Command = S("command"),
            Answer = S("answer"),
            RunId = S("runId"),
            StepAttemptId = S("stepAttemptId"),
            RequestId = S("requestId"),
            TraceId = S("traceId"),
            ClientIp = S("clientIp"),
            PreviousHash = S("previousHash")!,
            Hash = S("hash")!,
        };
    }
}
