using Dropzone.Portal.Testing;
using Dropzone.TenantEmulator.Control;

namespace Dropzone.Portal.Benchmarks.Scenarios;

/// <summary>
/// Resolving N addresses to Entra users through the real directory client against the emulator, which refuses
/// filters over Graph's 15 child clauses as Graph does. Counts what Graph is asked: HTTP calls, the queries inside
/// $batch calls (each evaluated and throttled by Graph as a request of its own) and any 400.
/// </summary>
public sealed class AddressResolutionScenario : IBenchmarkScenario
{
    public string Name => "address-resolution";

    public string Description => "Graph calls to resolve N addresses (--addresses 2000); bound: ceil(N/15) + a few queries, no 400";

    public async Task<int> RunAsync(BenchmarkArguments args)
    {
        var count = args.Count("addresses", 2000);
        await using var tenant = EmulatedTenant.Start();
        var ids = tenant.Tenant.AddBulkMailboxUsers(count, "resolve").Select(id => id.ToString()).ToHashSet();
        var users = tenant.EmulatorServices.GetRequiredService<ControlService>().Snapshot()["users"]!.AsArray();
        var addresses = users.Where(u => ids.Contains(u!["id"]!.GetValue<string>())).Select(u => u!["mail"]!.GetValue<string>()).ToList();
        var before = tenant.Tenant.Calls.Count;

        var started = Stopwatch.GetTimestamp();
        var found = await tenant.Directory.ResolveAddressesAsync(addresses);
        var elapsed = Stopwatch.GetElapsedTime(started);

        var calls = tenant.Tenant.Calls.Skip(before).Where(c => c.Service == "graph").ToList();
        var parts = calls.Count(c => c.Operation?.StartsWith("$batch part", StringComparison.Ordinal) == true);
        var http = calls.Count - parts;
        var badRequests = calls.Count(c => c.Status == 400);
        var bound = (int)Math.Ceiling(count / 15.0) + 5;
        var queries = parts + calls.Count(c => c.Operation?.StartsWith("$batch part", StringComparison.Ordinal) != true && !c.Path.EndsWith("$batch", StringComparison.Ordinal));
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"RESULT {Name} addresses={count} resolved={found.Count} httpCalls={http} queries={queries} bound={bound} badRequests={badRequests} ms={elapsed.TotalMilliseconds:F0}"));
        return found.Count == count && badRequests == 0 && queries <= bound ? 0 : 1;
    }
}
