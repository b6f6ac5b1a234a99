namespace Dropzone.Portal.Benchmarks.Scenarios;

/// <summary>
/// <c>audit --entries 1000000</c>: seeds through the real write path, then measures filtered first pages,
/// the streamed CSV export and chain verification (see <see cref="AuditScenario"/>).
/// </summary>
public sealed class AuditBenchmark : IBenchmarkScenario
{
    public string Name => "audit";

    public string Description => "Audit history: seed, page p50/p95, export rows/s and peak MB, verify entries/s";

    public Task<int> RunAsync(BenchmarkArguments args) => AuditScenario.RunAsync(args.Raw);
}
