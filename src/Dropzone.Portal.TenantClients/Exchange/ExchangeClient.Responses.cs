namespace Dropzone.Portal.TenantClients.Exchange;

/// <summary>Reading the admin API's answers: a page's rows, warnings and next link; a batch's parts, each settled or left for a call of its own.</summary>
public sealed partial class ExchangeClient
{
    /// <summary>A batch part's first page, whose next pages are still to be read.</summary>
    private sealed record FirstPage(List<JsonElement> Rows, List<string> Warnings, Uri NextLink);

    private static bool CanResend(ExchangeCommand command, ExchangeOutcome outcome) =>
        command.ReplaySafety is ReplaySafety.ReadOnly or ReplaySafety.Idempotent || outcome is ExchangeOutcome.Throttled;

    private void ReadBatch(byte[] body, ExchangeCommand[] commands, ExchangeResult?[] results, FirstPage?[] unfinished, int retries, TimeSpan duration)
    {
        JsonElement root;
        try
        {
            var reader = new Utf8JsonReader(body);
            root = JsonElement.ParseValue(ref reader);
        }
        catch (JsonException)
        {
            return;
        }

        if (root.ValueKind != JsonValueKind.Object || !root.TryGetProperty("responses", out var responses) || responses.ValueKind != JsonValueKind.Array)
        {
            return;
        }

        foreach (var part in responses.EnumerateArray())
        {
            if (part.ValueKind != JsonValueKind.Object
                || !part.TryGetProperty("id", out var idElement)
                || !int.TryParse(idElement.ValueKind == JsonValueKind.Number ? idElement.GetRawText() : idElement.GetString(), out var id)
                || id < 1 || id > commands.Length)
            {
                continue;
            }

            var status = part.TryGetProperty("status", out var statusElement) && statusElement.TryGetInt32(out var s) ? s : 0;
            var partBody = part.TryGetProperty("body", out var b) ? b : default;
            var command = commands[id - 1];
            if (status is >= 200 and < 300)
            {
                var rows = new List<JsonElement>();
                var warnings = new List<string>();
                // A JSON body is read where it stands in the batch (a part may hold thousands of rows: no second parse);
                // a body sent as a string is parsed on its own.
                Uri? nextLink = null;
                var read = partBody.ValueKind switch
                {
                    JsonValueKind.String => ReadPage(System.Text.Encoding.UTF8.GetBytes(partBody.GetString() ?? string.Empty), rows, warnings, out nextLink),
                    JsonValueKind.Undefined or JsonValueKind.Null => true,
                    _ => ReadPage(partBody, rows, warnings, out nextLink),
                };
                if (!read)
                {
                    continue; // an odd body: left unsettled so InvokeAsync runs it alone
                }

                if (nextLink is not null)
                {
                    unfinished[id - 1] = new FirstPage(rows, warnings, nextLink);
                    continue;
                }

                results[id - 1] = new ExchangeResult(command, new ExchangeOutcome.Success(), rows, warnings, status, retries, duration);
            }
            else
            {
                TimeSpan? retryAfter = null;
                if (status == 429 && part.TryGetProperty("headers", out var headers) && headers.ValueKind == JsonValueKind.Object
                    && headers.TryGetProperty("Retry-After", out var ra) && ra.ValueKind == JsonValueKind.String
                    && int.TryParse(ra.GetString(), out var seconds))
                {
                    retryAfter = TimeSpan.FromSeconds(seconds);
                }

                var bytes = partBody.ValueKind switch
                {
                    JsonValueKind.String => System.Text.Encoding.UTF8.GetBytes(partBody.GetString() ?? string.Empty),
                    JsonValueKind.Undefined or JsonValueKind.Null => [],
                    _ => JsonSerializer.SerializeToUtf8Bytes(partBody),
                };
                var outcome = ExchangeErrorParser.Parse((HttpStatusCode)status, bytes, retryAfter);
                results[id - 1] = new ExchangeResult(command, outcome, [], [], status, retries, duration);
            }

            Record(command.CmdletName, results[id - 1]!.Outcome, status, retries, results[id - 1]!.Rows.Count, duration);
        }
    }

    /// <summary>
    /// Adds a success page's <c>value</c> rows and warnings. An empty body counts as no rows (some Set-* answer
    /// so); false when the body is not a JSON object at all.
    /// </summary>
    internal static bool ReadPage(byte[] body, List<JsonElement> rows, List<string> warnings, out Uri? nextLink)
    {
        nextLink = null;
        if (body.Length == 0)
        {
            return true;
        }

        JsonElement root;
        try
        {
            var reader = new Utf8JsonReader(body);
            root = JsonElement.ParseValue(ref reader);
        }
        catch (JsonException)
        {
            return false;
        }

        return ReadPage(root, rows, warnings, out nextLink);
    }

    /// <summary><see cref="ReadPage(byte[], List{JsonElement}, List{string}, out Uri?)"/> of a body already parsed.</summary>
    internal static bool ReadPage(JsonElement root, List<JsonElement> rows, List<string> warnings, out Uri? nextLink)
    {
        nextLink = null;
        if (root.ValueKind != JsonValueKind.Object)
        {
            return false;
        }

        if (root.TryGetProperty("value", out var value))
        {
            if (value.ValueKind == JsonValueKind.Array)
            {
                foreach (var row in value.EnumerateArray())
                {
                    rows.Add(row);
                }
            }
            else if (value.ValueKind == JsonValueKind.Object)
            {
                rows.Add(value);
            }
        }

        if (root.TryGetProperty("@adminapi.warnings", out var w) && w.ValueKind == JsonValueKind.Array)
        {
            foreach (var warning in w.EnumerateArray())
            {
                if (warning.ValueKind == JsonValueKind.String)
                {
                    warnings.Add(warning.GetString()!);
                }
            }
        }

        nextLink = NextLink(root);
        return true;
    }

    private static Uri? NextLink(JsonElement page) =>
        page.TryGetProperty("@odata.nextLink", out var link) && link.ValueKind == JsonValueKind.String
            && Uri.TryCreate(link.GetString(), UriKind.Absolute, out var next) ? next : null;
}
