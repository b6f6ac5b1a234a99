using System.Buffers;
using System.Net.Http.Headers;

namespace Dropzone.Portal.TenantClients.Exchange;

/// <summary>
/// The Exchange admin API client (EXCHANGE.md §2): InvokeCommand and <c>$batch</c> with the headers the
/// ExchangeOnlineManagement module sends, paging, and error meaning. Retries, timeouts and the
/// per-tenant concurrency limit live in the HttpClient's handlers (see <see cref="TenantResilience"/>).
/// </summary>
public sealed partial class ExchangeClient(
    HttpClient http,
    ITenantTokenProvider tokens,
    IOptions<TenantClientsOptions> options,
    TenantClientMetrics metrics,
    TimeProvider time,
    ILogger<ExchangeClient> logger) : IExchangeClient
{
    public const string HttpClientName = "Dropzone.TenantClients.Exchange";
    public const int MaxBatchSize = 10;

    // The well-known arbitration mailbox the module anchors app-only calls on.
    private const string AnchorMailboxPrefix = "APP:SystemMailbox{bb558c35-97f1-4cb9-8ff7-d53741dc928c}@";
    private const string PagePreference = "odata.maxpagesize=1000";
    private const string BatchPreference = PagePreference + ", odata.continue-on-error";
    private static readonly MediaTypeHeaderValue JsonContentType = new("application/json") { CharSet = "utf-8" };

    private readonly TenantClientsOptions _options = options.Value;

    public async Task<ExchangeResult> InvokeAsync(ExchangeCommand command, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(command);
        var tenant = TenantId();
        return await PageAsync(command, InvokeCommandUrl(tenant, command), [], [], cancellationToken);
    }

    /// <summary>
    /// Sends <paramref name="command"/> to <paramref name="url"/> and follows its next links, adding to the rows and
    /// warnings already read (a batch part's first page). Retries apply per page.
    /// </summary>
    private async Task<ExchangeResult> PageAsync(ExchangeCommand command, Uri url, List<JsonElement> rows, List<string> warnings, CancellationToken cancellationToken)
    {
        var started = time.GetTimestamp();
        var tenant = TenantId();
        var body = command.ToInvokeCommandBody();
        var retries = 0;
        var status = 0;
        var pages = 0;
        ExchangeOutcome outcome = new ExchangeOutcome.Success();
        Uri? next = url;

        while (next is not null)
        {
            pages++;
            var telemetry = new CallTelemetry("exchange", command.CmdletName, tenant) { ReplaySafety = command.ReplaySafety };
            var page = await SendAsync(next, body, command.CmdletName, tenant, telemetry, cancellationToken);
            retries += telemetry.Retries;
            status = page.Status;
            if (page.Outcome is not ExchangeOutcome.Success)
            {
                outcome = page.Outcome;
                break;
            }

            if (!ReadPage(page.Body, rows, warnings, out var nextLink))
            {
                // A 2xx that is not the admin API's JSON (a proxy's login page, a truncated body) is not success.
                outcome = new ExchangeOutcome.Other(status, "Exchange answered with a body that is not the admin API's JSON.");
                break;
            }

            next = nextLink;
        }

        var duration = time.GetElapsedTime(started);
        Record(command.CmdletName, outcome, status, retries, rows.Count, duration);
        return new ExchangeResult(command, outcome, rows, warnings, status, retries, duration) { FollowUpCalls = pages - 1 };
    }

    public async Task<IReadOnlyList<ExchangeResult>> InvokeBatchAsync(IReadOnlyList<ExchangeCommand> commands, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(commands);
        var results = new ExchangeResult[commands.Count];
        if (commands.Count == 1)
        {
            results[0] = await InvokeAsync(commands[0], cancellationToken);
            return results;
        }

        for (var offset = 0; offset < commands.Count; offset += MaxBatchSize)
        {
            var chunk = commands.Skip(offset).Take(MaxBatchSize).ToArray();
            var chunkResults = await InvokeOneBatchAsync(chunk, cancellationToken);
            chunkResults.CopyTo(results, offset);
        }

        return results;
    }

    private async Task<ExchangeResult[]> InvokeOneBatchAsync(ExchangeCommand[] commands, CancellationToken cancellationToken)
    {
        var started = time.GetTimestamp();
        var tenant = TenantId();
        string authorization;
        try
        {
            authorization = await tokens.GetAuthorizationHeaderAsync(_options.ExchangeScope, cancellationToken);
        }
        catch (TenantTokenException ex)
        {
            var refused = new ExchangeOutcome.PermissionMissing(MissingPermission.AppCredentials, ex.Remedy, ex.Message);
            return [.. commands.Select(c => new ExchangeResult(c, refused, [], [], 0, 0, TimeSpan.Zero))];
        }

        var buffer = new ArrayBufferWriter<byte>(512 * commands.Length);
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            writer.WriteStartArray("requests"u8);
            for (var i = 0; i < commands.Length; i++)
            {
                writer.WriteStartObject();
                writer.WriteString("id"u8, (i + 1).ToString(System.Globalization.CultureInfo.InvariantCulture));
                writer.WriteString("method"u8, "POST"u8);
                writer.WriteString("url"u8, InvokeCommandUrl(tenant, commands[i]).AbsoluteUri);
                writer.WritePropertyName("body"u8);
                commands[i].WriteInvokeCommandBody(writer);
                // Each part carries the headers of a request of its own, as the module's own batches do.
                writer.WriteStartObject("headers"u8);
                writer.WriteString("Content-Type"u8, "application/json"u8);
                writer.WriteString("Authorization"u8, authorization);
                writer.WriteString("X-AnchorMailbox"u8, AnchorMailboxPrefix + tenant);
                writer.WriteString("X-CmdletName"u8, commands[i].CmdletName);
                writer.WriteEndObject();
                writer.WriteEndObject();
            }

            writer.WriteEndArray();
            writer.WriteEndObject();
        }

        // The whole batch is only as replayable as its least replayable command.
        var safety = commands.Max(c => c.ReplaySafety);
        var telemetry = new CallTelemetry("exchange", "$batch", tenant) { ReplaySafety = safety };
        // Without continue-on-error an OData service stops at the first failed part and answers nothing for the rest.
        var response = await SendAsync(new Uri(BaseUrl(tenant), "$batch"), buffer.WrittenSpan.ToArray(), "$batch", tenant, telemetry, cancellationToken, BatchPreference);
        var results = new ExchangeResult?[commands.Length];
        var duration = time.GetElapsedTime(started);

        var unfinished = new FirstPage?[commands.Length];
        if (response.Outcome is ExchangeOutcome.Success)
        {
            ReadBatch(response.Body, commands, results, unfinished, telemetry.Retries, duration);
        }

        // A part with more pages continues from its next link; anything else the batch did not settle (the batch
        // itself failed, a part was throttled or odd) goes alone through InvokeAsync, where retries and paging apply
        // per command. Either way its calls after the batch are counted as follow-ups.
        for (var i = 0; i < commands.Length; i++)
        {
            var settled = results[i];
            if (unfinished[i] is { } first)
            {
                var rest = await PageAsync(commands[i], first.NextLink, first.Rows, first.Warnings, cancellationToken);
                results[i] = rest with { FollowUpCalls = rest.FollowUpCalls + 1 };
            }
            else if (settled is null)
            {
                if (response.Outcome is not ExchangeOutcome.Success && !CanResend(commands[i], response.Outcome))
                {
                    results[i] = new ExchangeResult(commands[i], response.Outcome, [], [], response.Status, telemetry.Retries, duration);
                    continue;
                }

                results[i] = await ResendAloneAsync(commands[i], cancellationToken);
            }
            else if (settled.Outcome.IsTransient && CanResend(commands[i], settled.Outcome))
            {
                results[i] = await ResendAloneAsync(commands[i], cancellationToken);
            }
        }

        return results!;
    }

    private async Task<ExchangeResult> ResendAloneAsync(ExchangeCommand command, CancellationToken cancellationToken)
    {
        var alone = await InvokeAsync(command, cancellationToken);
        return alone with { FollowUpCalls = alone.FollowUpCalls + 1 };
    }

    private readonly record struct Page(ExchangeOutcome Outcome, int Status, byte[] Body);

    private async Task<Page> SendAsync(Uri url, byte[] body, string cmdletName, string tenant, CallTelemetry telemetry, CancellationToken cancellationToken, string prefer = PagePreference)
    {
        string authorization;
        try
        {
            authorization = await tokens.GetAuthorizationHeaderAsync(_options.ExchangeScope, cancellationToken);
        }
        catch (TenantTokenException ex)
        {
            return new Page(new ExchangeOutcome.PermissionMissing(MissingPermission.AppCredentials, ex.Remedy, ex.Message), 0, []);
        }

        using var request = new HttpRequestMessage(HttpMethod.Post, url);
        request.Content = new ByteArrayContent(body);
        request.Content.Headers.ContentType = JsonContentType;
        var headers = request.Headers;
        headers.TryAddWithoutValidation("Authorization", authorization);
        headers.TryAddWithoutValidation("X-AnchorMailbox", AnchorMailboxPrefix + tenant);
        headers.TryAddWithoutValidation("Prefer", prefer);
        headers.TryAddWithoutValidation("X-ResponseFormat", "json");
        headers.TryAddWithoutValidation("X-CmdletName", cmdletName);
        headers.TryAddWithoutValidation("X-ClientApplication", _options.ClientApplication);
        headers.TryAddWithoutValidation("client-request-id", Guid.NewGuid().ToString());
        request.Options.Set(CallTelemetry.Key, telemetry);

        try
        {
            using var response = await http.SendAsync(request, HttpCompletionOption.ResponseContentRead, cancellationToken);
            var bytes = await response.Content.ReadAsByteArrayAsync(cancellationToken);
            var status = (int)response.StatusCode;
            if (response.IsSuccessStatusCode)
            {
                return new Page(new ExchangeOutcome.Success(), status, bytes);
            }

            var retryAfter = status == 429 ? TenantResilience.RetryAfter(response, time, _options.MaxRetryAfter) : null;
            return new Page(ExchangeErrorParser.Parse(response.StatusCode, bytes, retryAfter), status, bytes);
        }
        catch (TimeoutRejectedException)
        {
            return new Page(new ExchangeOutcome.Timeout($"No answer within the timeout; {cmdletName} may or may not have been applied."), 0, []);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return new Page(new ExchangeOutcome.Timeout($"The request was cancelled by a timeout; {cmdletName} may or may not have been applied."), 0, []);
        }
        catch (HttpRequestException ex)
        {
            return new Page(new ExchangeOutcome.Transient($"Exchange unreachable: {ex.HttpRequestError}."), 0, []);
        }
        catch (Polly.RateLimiting.RateLimiterRejectedException)
        {
            return new Page(new ExchangeOutcome.Throttled(null, "The portal's own concurrency limit rejected the call."), 0, []);
        }
    }

    private void Record(string cmdlet, ExchangeOutcome outcome, int status, int retries, int rowCount, TimeSpan duration)
    {
        metrics.Call("exchange", cmdlet, outcome.Kind, duration.TotalMilliseconds);
        // Parameter values (addresses, names) are personal data and stay out of logs; the cmdlet name does not.
        var level = outcome.IsSuccess || outcome is ExchangeOutcome.NotFound ? LogLevel.Information : LogLevel.Warning;
        logger.Log(level, "Exchange {Cmdlet}: {Outcome} (HTTP {Status}) in {DurationMs:F0} ms, {Retries} retries, {Rows} rows",
            cmdlet, outcome.Kind, status, duration.TotalMilliseconds, retries, rowCount);
    }

    private string TenantId()
    {
        var tenant = _options.TenantId;
        if (string.IsNullOrWhiteSpace(tenant))
        {
            throw new InvalidOperationException(
                $"No tenant configured: set {TenantClientsOptions.SectionName}:TenantId or {_options.AzureAdSection}:TenantId to the tenant's GUID.");
        }

        return tenant;
    }

    private Uri BaseUrl(string tenant) => new(_options.ExchangeBaseUrl, $"/adminapi/beta/{Uri.EscapeDataString(tenant)}/");

    private Uri InvokeCommandUrl(string tenant, ExchangeCommand command) =>
        new(BaseUrl(tenant), command.Properties is { } properties ? "InvokeCommand?$select=" + string.Join(',', properties) : "InvokeCommand");
}
