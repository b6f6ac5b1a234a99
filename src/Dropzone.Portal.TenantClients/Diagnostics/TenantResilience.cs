using System.Net.Http.Headers;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Http.Resilience;
using Polly;
using Polly.Retry;
using Polly.Telemetry;

namespace Dropzone.Portal.TenantClients.Diagnostics;

/// <summary>
/// The retry and timeout pipeline shared by the Exchange and Graph clients: total timeout → retry
/// (exponential backoff with jitter, <c>Retry-After</c> honoured) → per-attempt timeout.
/// </summary>
internal static class TenantResilience
{
    public static void Configure(ResiliencePipelineBuilder<HttpResponseMessage> builder, IServiceProvider services)
    {
        var options = services.GetRequiredService<IOptions<TenantClientsOptions>>().Value;
        var metrics = services.GetRequiredService<TenantClientMetrics>();
        var time = services.GetService<TimeProvider>() ?? TimeProvider.System;
        builder.TimeProvider = time;

        builder.AddTimeout(options.TotalTimeout);
        builder.AddRetry(new HttpRetryStrategyOptions
        {
            MaxRetryAttempts = Math.Max(0, options.MaxRetries),
            Delay = options.RetryBaseDelay,
            BackoffType = DelayBackoffType.Exponential,
            UseJitter = true,
            MaxDelay = options.MaxRetryAfter,
            // Our own DelayGenerator reads Retry-After (both forms) and caps it.
            ShouldRetryAfterHeader = false,
            ShouldHandle = args => ShouldRetryAsync(args.Outcome, args.Context.GetRequestMessage(), args.Context.CancellationToken),
            DelayGenerator = args => ValueTask.FromResult(
                args.Outcome.Result is { } response ? RetryAfter(response, time, options.MaxRetryAfter) : null),
            OnRetry = args =>
            {
                var telemetry = CallTelemetry.From(args.Context.GetRequestMessage());
                metrics.Retry(telemetry?.Api ?? "unknown", telemetry?.Operation ?? "unknown");
                return default;
            },
        });
        builder.AddTimeout(options.AttemptTimeout);
    }

    /// <summary>Per-call events (an attempt, a pipeline run) at Debug; everything else as Polly rates it.</summary>
    internal static ResilienceEventSeverity Severity(SeverityProviderArguments args) =>
        args.Event.Severity == ResilienceEventSeverity.Information
        && args.Event.EventName is "ExecutionAttempt" or "PipelineExecuting" or "PipelineExecuted"
            ? ResilienceEventSeverity.Debug
            : args.Event.Severity;

    /// <summary>
    /// Decides whether an attempt's outcome may be sent again. 429 always (the service refused it before
    /// running it); other transient answers and timeouts only for reads and idempotent writes, because a
    /// New-* that may have run must be looked up, not repeated.
    /// </summary>
    internal static async ValueTask<bool> ShouldRetryAsync(Outcome<HttpResponseMessage> outcome, HttpRequestMessage? request, CancellationToken cancellationToken)
    {
        var safety = CallTelemetry.From(request)?.ReplaySafety ?? ReplaySafety.ReadOnly;
        if (outcome.Exception is not null)
        {
            return outcome.Exception is HttpRequestException or TimeoutRejectedException && IsReplayable(safety);
        }

        var response = outcome.Result;
        if (response is null)
        {
            return false;
        }

        var status = (int)response.StatusCode;
        if (status == 429)
        {
            return true;
        }

        if (!IsReplayable(safety))
        {
            return false;
        }

        if (status is 502 or 503 or 504)
        {
            return true;
        }

        if (status is 400 or 500 && response.Content is not null)
        {
            // Exchange reports directory hiccups (DCOverloadedException, ...) as 400/500 with a body naming them.
            await response.Content.LoadIntoBufferAsync(cancellationToken);
            var body = await response.Content.ReadAsStringAsync(cancellationToken);
            return ExchangeErrorParser.NamesTransient(body);
        }

        return false;
    }

    private static bool IsReplayable(ReplaySafety safety) => safety is ReplaySafety.ReadOnly or ReplaySafety.Idempotent;

    /// <summary><c>Retry-After</c> as seconds or as an HTTP date, capped; null when absent or unusable.</summary>
    internal static TimeSpan? RetryAfter(HttpResponseMessage response, TimeProvider time, TimeSpan max)
    {
        var header = response.Headers.RetryAfter;
        TimeSpan? delay = null;
        if (header?.Delta is { } delta)
        {
            delay = delta;
        }
        else if (header?.Date is { } date)
        {
            delay = date - time.GetUtcNow();
        }
        else if (response.Headers.TryGetValues("Retry-After", out var raw) && raw.FirstOrDefault() is { } text
            && double.TryParse(text, System.Globalization.NumberStyles.Float, System.Globalization.CultureInfo.InvariantCulture, out var seconds))
        {
            // Some services send fractional seconds, which the typed header rejects.
            delay = TimeSpan.FromSeconds(seconds);
        }

        if (delay is null)
        {
            return null;
        }

        return delay < TimeSpan.Zero ? TimeSpan.Zero : delay > max ? max : delay;
    }

    internal static TimeSpan? RetryAfter(HttpResponseHeaders headers, TimeProvider time, TimeSpan max)
    {
        using var response = new HttpResponseMessage(HttpStatusCode.TooManyRequests);
        foreach (var header in headers)
        {
            response.Headers.TryAddWithoutValidation(header.Key, header.Value);
        }

        return RetryAfter(response, time, max);
    }
}
