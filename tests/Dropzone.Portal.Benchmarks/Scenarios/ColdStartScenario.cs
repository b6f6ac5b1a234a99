using System.Net;
using System.Net.Sockets;

namespace Dropzone.Portal.Benchmarks.Scenarios;

/// <summary>
/// Cold start of the published portal as the image runs it (Production, a real-tenant configuration with
/// placeholder values, a new data folder each run): from process start to the first 200 from
/// <c>/healthz/ready</c>, then the working set after the portal has sat idle. Publishes with
/// <c>eng/publish.sh</c> unless <c>--published</c> names a folder.
/// </summary>
public sealed class ColdStartScenario : IBenchmarkScenario
{
    public string Name => "cold-start";

    public string Description => "published portal: start to /healthz/ready and idle working set (--runs, --idle-seconds, --published)";

    public async Task<int> RunAsync(BenchmarkArguments args)
    {
        var runs = args.Count("runs", 3);
        var idleSeconds = args.Count("idle-seconds", 10);
        var published = args.Value("published") ?? await PublishAsync();

        var readyMs = new List<double>();
        var workingSetMb = new List<double>();
        for (var run = 1; run <= runs; run++)
        {
            var (ready, workingSet) = await StartOnceAsync(published, TimeSpan.FromSeconds(idleSeconds));
            readyMs.Add(ready.TotalMilliseconds);
            workingSetMb.Add(workingSet / 1024.0 / 1024.0);
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"run {run}: ready in {ready.TotalMilliseconds:F0} ms, idle working set {workingSet / 1024.0 / 1024.0:F1} MB"));
        }

        var sorted = readyMs.Order().ToArray();
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"RESULT {Name} ready_ms_median={Percentiles.Of(sorted, 50):F0} ready_ms_max={sorted[^1]:F0} " +
            $"idle_working_set_mb_max={workingSetMb.Max():F1} runs={runs} idle_s={idleSeconds} goal_ready_ms=3000 goal_working_set_mb=200"));
        return 0;
    }

    private static async Task<(TimeSpan Ready, long WorkingSet)> StartOnceAsync(string published, TimeSpan idle)
    {
        var data = Directory.CreateTempSubdirectory("dropzone-cold-start-");
        var port = FreePort();
        var address = $"http://127.0.0.1:{port}";
        var start = new ProcessStartInfo("dotnet", Path.Combine(published, "Dropzone.Portal.dll"))
        {
            WorkingDirectory = published,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var (key, value) in new Dictionary<string, string>
        {
            ["ASPNETCORE_ENVIRONMENT"] = "Production",
            ["ASPNETCORE_URLS"] = address,
            ["ConnectionStrings__Portal"] = $"Data Source={Path.Combine(data.FullName, "portal.db")}",
            ["ConnectionStrings__Jobs"] = $"Data Source={Path.Combine(data.FullName, "jobs.db")}",
            ["Logging__File__Path"] = Path.Combine(data.FullName, "logs", "portal-.log"),
            // Production requires the key ring's certificate; the portal creates it at the configured path on first start.
            ["DataProtection__Certificate__Path"] = Path.Combine(data.FullName, "keys", "dataprotection.pfx"),
            ["AzureAd__Instance"] = "https://login.microsoftonline.com/",
            ["AzureAd__TenantId"] = "00000000-0000-4000-8000-000000000001",
            ["AzureAd__Domain"] = "contoso.example",
            ["AzureAd__ClientId"] = "00000000-0000-4000-8000-0000000000a1",
            ["AzureAd__ClientCredentials__0__SourceType"] = "ClientSecret",
            ["AzureAd__ClientCredentials__0__ClientSecret"] = "placeholder-for-the-benchmark",
            ["RestrictedApp__ClientId"] = "00000000-0000-4000-8000-0000000000b1",
        })
        {
            start.Environment[key] = value;
        }

        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(2) };
        var started = Stopwatch.GetTimestamp();
        using var process = Process.Start(start) ?? throw new InvalidOperationException("dotnet did not start.");
        // Drain the console so the portal never blocks on a full pipe.
        process.OutputDataReceived += (_, _) => { };
        process.ErrorDataReceived += (_, _) => { };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        try
        {
            var deadline = TimeSpan.FromSeconds(60);
            while (true)
            {
                if (process.HasExited)
                {
                    throw new InvalidOperationException($"The portal exited with code {process.ExitCode} before it was ready.");
                }
                if (Stopwatch.GetElapsedTime(started) > deadline)
                {
                    throw new TimeoutException("The portal was not ready within 60 s.");
                }
                try
                {
                    using var response = await http.GetAsync(address + "/healthz/ready");
                    if (response.StatusCode == HttpStatusCode.OK)
                    {
                        break;
                    }
                }
                catch (HttpRequestException)
                {
                    // Not listening yet.
                }
                catch (TaskCanceledException)
                {
                }
                await Task.Delay(25);
            }
            var ready = Stopwatch.GetElapsedTime(started);
            // Idle means idle: the job server's polling and timers run, no requests arrive.
            await Task.Delay(idle);
            process.Refresh();
            return (ready, process.WorkingSet64);
        }
        finally
        {
            if (!process.HasExited)
            {
                process.Kill(entireProcessTree: true);
                await process.WaitForExitAsync();
            }
            data.Delete(recursive: true);
        }
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    private static async Task<string> PublishAsync()
    {
        var root = AppContext.BaseDirectory;
        while (!File.Exists(Path.Combine(root, "Dropzone.Portal.sln")))
        {
            root = Path.GetDirectoryName(root.TrimEnd(Path.DirectorySeparatorChar)) ?? throw new InvalidOperationException("Run from the repository.");
        }
        var output = Path.Combine(Path.GetTempPath(), "dropzone-cold-start-published");
        foreach (var step in new[] { "restore", "publish " + output })
        {
            using var publish = Process.Start(new ProcessStartInfo("bash", $"eng/publish.sh {step}") { WorkingDirectory = root })!;
            await publish.WaitForExitAsync();
            if (publish.ExitCode != 0)
            {
                throw new InvalidOperationException($"eng/publish.sh {step} failed.");
            }
        }
        return output;
    }
}
