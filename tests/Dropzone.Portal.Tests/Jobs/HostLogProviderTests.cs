using Dropzone.Portal.Jobs;
using Hangfire.Storage.SQLite;
using Microsoft.Extensions.Logging;
using HangfireLogLevel = Hangfire.Logging.LogLevel;

namespace Dropzone.Portal.Tests.Jobs;

public sealed class HostLogProviderTests
{
    [Fact]
    public void LiveFactory_HangfireMessagesReachTheHostsLoggers()
    {
        var sink = new CapturingProvider();
        using var factory = LoggerFactory.Create(logging => logging.AddProvider(sink).SetMinimumLevel(LogLevel.Trace));

        var logged = new HostLogProvider(factory).GetLogger("Hangfire.Test").Log(HangfireLogLevel.Warn, () => "queue stalled");

        Assert.True(logged);
        Assert.Equal("queue stalled", Assert.Single(sink.Messages));
    }

    [Fact]
    public void DisposedFactory_LoggerIsSilentInsteadOfThrowing()
    {
        var factory = LoggerFactory.Create(logging => logging.AddProvider(new CapturingProvider()));
        var provider = new HostLogProvider(factory);
        factory.Dispose();

        var logger = provider.GetLogger("Hangfire.Test");

        Assert.False(logger.Log(HangfireLogLevel.Error, () => "after the host stopped"));
    }

    [Fact]
    public async Task HostStopped_StorageCreatedLaterInTheProcessStillOpens()
    {
        // Hangfire's log provider is process-wide and set by the last host configured. A storage constructed after that
        // host was disposed (a tool, another test) used to fail with ObjectDisposedException from its logger factory.
        // The back-end host logs through Microsoft's LoggerFactory, which throws once disposed.
        var data = Path.Combine(Path.GetTempPath(), $"dropzone-host-{Guid.NewGuid():N}");
        await using (var host = await SetupHost.StartAsync(data))
        {
            _ = host.Services.GetRequiredService<IGlobalConfiguration>();
        }
        var file = Path.Combine(Path.GetTempPath(), $"dropzone-jobs-{Guid.NewGuid():N}.db");
        try
        {
            using var storage = new SQLiteStorage(file, new SQLiteStorageOptions());
            Assert.True(File.Exists(file));
        }
        finally
        {
            Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
            File.Delete(file);
            Directory.Delete(data, recursive: true);
        }
    }

    private sealed class CapturingProvider : ILoggerProvider
    {
        public List<string> Messages { get; } = [];

        public ILogger CreateLogger(string categoryName) => new Capturing(Messages);

        public void Dispose()
        {
        }

        private sealed class Capturing(List<string> messages) : ILogger
        {
            public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

            public bool IsEnabled(LogLevel logLevel) => true;

            public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
                messages.Add(formatter(state, exception));
        }
    }
}
