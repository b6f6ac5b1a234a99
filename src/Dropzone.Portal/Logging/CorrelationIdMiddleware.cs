using Serilog.Context;

namespace Dropzone.Portal.Logging;

/// <summary>
/// Gives every request a correlation id (the caller's <c>X-Correlation-ID</c> when it is a plain token,
/// else the trace id), echoes it in the response, and puts it on every log event of the request.
/// </summary>
public sealed class CorrelationIdMiddleware(RequestDelegate next)
{
    public const string HeaderName = "X-Correlation-ID";
    public const string LogProperty = "CorrelationId";
    private const int MaxLength = 64;

    public async Task InvokeAsync(HttpContext context)
    {
        var correlationId = FromHeader(context.Request.Headers[HeaderName].ToString())
            ?? Activity.Current?.TraceId.ToString()
            ?? context.TraceIdentifier;
        context.Items[LogProperty] = correlationId;
        context.Response.OnStarting(() =>
        {
            context.Response.Headers[HeaderName] = correlationId;
            return Task.CompletedTask;
        });
        using (LogContext.PushProperty(LogProperty, correlationId))
        {
            await next(context);
        }
    }

    // Only short, plain tokens are echoed: a header is attacker-controlled and ends up in logs.
    private static string? FromHeader(string value) =>
        value.Length is > 0 and <= MaxLength && value.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.')
            ? value
            : null;
}
