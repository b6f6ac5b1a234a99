using System.Diagnostics;
using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;

namespace Dropzone.Portal.Testing;

/// <summary>
/// A built app (the portal or the standalone emulator) running as its own operating-system process, as it runs in
/// production: on a port Kestrel picks (read back from its "Now listening on" line, so two processes never race for
/// one), with its console output kept for assertions and failure messages, and killable with SIGKILL mid-flight.
/// </summary>
public sealed partial class AppProcess : IAsyncDisposable
{
    private readonly Process _process;
    private readonly StringBuilder _output = new();
    private readonly TaskCompletionSource<Uri> _listening = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly Lock _gate = new();

    private AppProcess(string name, Process process)
    {
        Name = name;
        _process = process;
    }

    public string Name { get; }

    public int Id => _process.Id;

    public bool HasExited => _process.HasExited;

    public int ExitCode => _process.ExitCode;

    /// <summary>Everything the process wrote to stdout and stderr so far.</summary>
    public string Output
    {
        get { lock (_gate) { return _output.ToString(); } }
    }

    /// <summary>
    /// Starts <c>dotnet {assembly}</c> with its folder as working directory (its content root) on a loopback port of
    /// Kestrel's choosing. <paramref name="settings"/> become environment variables (<c>A:B</c> is <c>A__B</c>).
    /// </summary>
    public static AppProcess Start(string name, string assemblyPath, IEnumerable<KeyValuePair<string, string?>> settings, string environment = "Development")
    {
        if (!File.Exists(assemblyPath))
        {
            throw new FileNotFoundException($"{name}: {assemblyPath} is not built; build the solution first.", assemblyPath);
        }
        var info = new ProcessStartInfo("dotnet")
        {
            WorkingDirectory = Path.GetDirectoryName(assemblyPath)!,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        info.ArgumentList.Add(assemblyPath);
        info.Environment["ASPNETCORE_URLS"] = "http://127.0.0.1:0";
        info.Environment["ASPNETCORE_ENVIRONMENT"] = environment;
        info.Environment["DOTNET_ENVIRONMENT"] = environment;
        // Plain lines: the address is read from the console.
        info.Environment["DOTNET_SYSTEM_CONSOLE_ALLOW_ANSI_COLOR_REDIRECTION"] = "false";
        info.Environment["Logging__Console__FormatterName"] = "simple";
        foreach (var (key, value) in settings)
        {
            info.Environment[key.Replace(":", "__", StringComparison.Ordinal)] = value;
        }
        var process = new Process { StartInfo = info, EnableRaisingEvents = true };
        var app = new AppProcess(name, process);
        process.OutputDataReceived += (_, e) => app.Receive(e.Data);
        process.ErrorDataReceived += (_, e) => app.Receive(e.Data);
        process.Exited += (_, _) => app._listening.TrySetException(new InvalidOperationException($"{name} exited before listening:\n{app.Output}"));
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return app;
    }

    /// <summary>The address once Kestrel has said it listens; fails with the process's output if it exits first.</summary>
    public async Task<Uri> WaitUntilListeningAsync(TimeSpan? timeout = null)
    {
        try
        {
            return await _listening.Task.WaitAsync(timeout ?? TimeSpan.FromSeconds(120));
        }
        catch (TimeoutException)
        {
            throw new TimeoutException($"{Name} did not listen within {timeout ?? TimeSpan.FromSeconds(120)}:\n{Output}");
        }
    }

    /// <summary>Waits for the process to end by itself (e.g. after refusing to start).</summary>
    public async Task<int> WaitForExitAsync(TimeSpan? timeout = null)
    {
        using var cancel = new CancellationTokenSource(timeout ?? TimeSpan.FromSeconds(120));
        await _process.WaitForExitAsync(cancel.Token);
        return _process.ExitCode;
    }

    /// <summary>
    /// SIGSTOP: frozen where it is, so a test can look at what it left in the database before it kills it (a statement
    /// already sent still completes on the server; nothing new is sent). <see cref="ThawAsync"/> lets it go on.
    /// </summary>
    public Task FreezeAsync() => SignalAsync("STOP");

    public Task ThawAsync() => SignalAsync("CONT");

    private async Task SignalAsync(string signal)
    {
        using var kill = Process.Start(new ProcessStartInfo("kill", ["-" + signal, _process.Id.ToString(CultureInfo.InvariantCulture)]) { UseShellExecute = false })
            ?? throw new InvalidOperationException("Could not run kill.");
        await kill.WaitForExitAsync();
        if (kill.ExitCode != 0) throw new InvalidOperationException($"kill -{signal} {_process.Id} failed ({kill.ExitCode}).");
    }

    /// <summary>SIGKILL: no shutdown hooks, no flushing, no lease released; as a crashed machine or OOM kill.</summary>
    public async Task KillAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: false);
        }
        await _process.WaitForExitAsync();
    }

    private void Receive(string? line)
    {
        if (line is null)
        {
            return;
        }
        lock (_gate)
        {
            _output.AppendLine(line);
        }
        if (ListeningLine().Match(line) is { Success: true } match)
        {
            _listening.TrySetResult(new Uri(match.Groups[1].Value));
        }
    }

    [GeneratedRegex(@"Now listening on: (https?://\S+)")]
    private static partial Regex ListeningLine();

    public async ValueTask DisposeAsync()
    {
        await KillAsync();
        _process.Dispose();
    }
}
