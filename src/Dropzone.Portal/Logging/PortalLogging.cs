using Serilog;
using Serilog.Events;

namespace Dropzone.Portal.Logging;

/// <summary>Serilog from configuration, with request logging and a correlation id on every event.</summary>
public static class PortalLogging
{
    public const string DefaultFilePath = "data/logs/portal-.log";

    public static IHostApplicationBuilder AddPortalLogging(this IHostApplicationBuilder builder)
    {
        var file = builder.Configuration.GetSection("Logging:File");
        // Anchored to the content root like the database, so the logs sit beside the data whatever the working directory.
        var filePath = Path.GetFullPath(file["Path"] ?? DefaultFilePath, builder.Environment.ContentRootPath);
        builder.Services.AddSerilog(
            (services, logger) => logger
            .ReadFrom.Configuration(builder.Configuration)
            .ReadFrom.Services(services)
            .Enrich.FromLogContext()
            .Enrich.WithProperty("Application", "Dropzone.Portal")
            .WriteTo.File(
                filePath,
                rollingInterval: RollingInterval.Day,
                retainedFileCountLimit: file.GetValue("RetainedFiles", 14),
                fileSizeLimitBytes: file.GetValue<long?>("MaxFileBytes", 50L * 1024 * 1024),
                rollOnFileSizeLimit: true,
                outputTemplate: "{Timestamp:o} [{Level:u3}] {SourceContext} {CorrelationId} {Message:lj}{NewLine}{Exception}"),
            // The static logger stays the bootstrap one, so several hosts can start in one process (tests).
            preserveStaticLogger: true);
        return builder;
    }

    public static WebApplication UsePortalRequestLogging(this WebApplication app)
    {
        app.UseMiddleware<CorrelationIdMiddleware>();
        app.UseSerilogRequestLogging(options =>
        {
            // Path only: query strings can carry authorization codes and state during sign-in.
            options.MessageTemplate = "HTTP {RequestMethod} {RequestPath} responded {StatusCode} in {Elapsed:0.0} ms";
            options.GetLevel = (context, _, exception) =>
                exception is not null || context.Response.StatusCode >= 500 ? LogEventLevel.Error
                // Probes arrive every few seconds from every orchestrator; an Information line each would bury the rest.
                : context.Request.Path.StartsWithSegments("/_blazor") || context.Request.Path.StartsWithSegments("/_framework")
                    || context.Request.Path.StartsWithSegments("/healthz")
                    ? LogEventLevel.Debug
                    : LogEventLevel.Information;
        });
        return app;
    }
}
