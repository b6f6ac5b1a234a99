using Hangfire.Logging;

namespace Dropzone.Portal.Jobs;

/// <summary>
/// Hangfire's loggers from this host's logger factory. Hangfire keeps one log provider per process, and the last host
/// configured sets it; when that host stops, its factory is disposed while other code in the process (another host,
/// a tool) may still ask Hangfire for a logger. Such a request gets a silent logger instead of an
/// <see cref="ObjectDisposedException"/> that would fail the caller's storage or job.
/// </summary>
internal sealed class HostLogProvider(ILoggerFactory loggerFactory) : ILogProvider
{
    private readonly Hangfire.AspNetCore.AspNetCoreLogProvider _inner = new(loggerFactory);

    public ILog GetLogger(string name)
    {
        try
        {
            return _inner.GetLogger(name);
        }
        catch (ObjectDisposedException)
        {
            return SilentLog.Instance;
        }
    }

    private sealed class SilentLog : ILog
    {
        public static readonly SilentLog Instance = new();

        public bool Log(Hangfire.Logging.LogLevel logLevel, Func<string>? messageFunc, Exception? exception = null) => false;
    }
}
