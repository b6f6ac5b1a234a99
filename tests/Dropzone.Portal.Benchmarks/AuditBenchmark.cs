namespace Dropzone.Portal.Benchmarks;

/// <summary>Exposes the audit scenario (written before the dispatcher) to it under its old name.</summary>
internal sealed class AuditBenchmark : IBenchmarkScenario
{
    public string Name => "audit";

    public string Description => "audit history at scale: --entries N [--db path] [--keep]";

    public Task<int> RunAsync(BenchmarkArguments args) => AuditScenario.RunAsync(Environment.GetCommandLineArgs().SkipWhile(a => a != "audit").Skip(1).ToArray());
}
