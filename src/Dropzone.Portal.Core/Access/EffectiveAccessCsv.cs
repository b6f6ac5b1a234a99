namespace Dropzone.Portal.Core.Access;

/// <summary>
/// The effective access as CSV, one mailbox a row: address, object id, display name, verdict, the reasons, and when
/// it was established (UTC, ISO 8601). By default the mailboxes the application can read or send as; all of them on request.
/// </summary>
public static class EffectiveAccessCsv
{
    public static readonly string[] Columns = ["Mailbox", "ObjectId", "DisplayName", "Verdict", "CanRead", "CanSend", "Reasons", "EstablishedAtUtc"];

    private static readonly CsvWriterOptions Options = new()
    {
        // Display names come from the tenant; a spreadsheet must not run one as a formula.
        Injection = CsvInjection.Escape,
    };

    public static async Task<int> WriteAsync(EffectiveAccess access, bool everyMailbox, DateTimeOffset establishedAt, Stream output, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(access);
        await using var csv = CsvWriter.Create(output, Options, leaveOpen: true);
        csv.WriteHeader(Columns);
        var at = establishedAt.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture);
        var rows = 0;
        foreach (var m in access.Mailboxes.Where(m => everyMailbox || m.CanRead || m.CanSend).OrderBy(m => m.Mailbox.Address, StringComparer.OrdinalIgnoreCase))
        {
            csv.WriteField(m.Mailbox.Address);
            csv.WriteField(m.Mailbox.ObjectId ?? "");
            csv.WriteField(m.Mailbox.DisplayName ?? "");
            csv.WriteField(m.Verdict);
            csv.WriteField(m.CanRead ? "true" : "false");
            csv.WriteField(m.CanSend ? "true" : "false");
            csv.WriteField(string.Join(" | ", m.Reasons));
            csv.WriteField(at);
            await csv.EndRecordAsync(cancellationToken);
            rows++;
        }

        await csv.FlushAsync(cancellationToken);
        return rows;
    }
}
