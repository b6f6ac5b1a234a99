using System.Reflection;
using Dropzone.Portal.Benchmarks;

// Dispatches to a named scenario: dotnet run -c Release --project tests/Dropzone.Portal.Benchmarks -- <scenario> [--options]
// Each scenario ends by printing one line "RESULT <scenario> key=value ...". To add one, implement IBenchmarkScenario.
var scenarios = Assembly.GetExecutingAssembly().GetTypes()
    .Where(t => typeof(IBenchmarkScenario).IsAssignableFrom(t) && t is { IsAbstract: false, IsInterface: false })
    .Select(t => (IBenchmarkScenario)Activator.CreateInstance(t)!)
    .OrderBy(s => s.Name, StringComparer.Ordinal)
    .ToList();

if (args.Length == 0 || args[0] is "list" or "--help" or "-h")
{
    Console.WriteLine("Scenarios:");
    foreach (var s in scenarios)
    {
        Console.WriteLine($"  {s.Name,-24} {s.Description}");
    }

    return args.Length == 0 ? 1 : 0;
}

var scenario = scenarios.FirstOrDefault(s => string.Equals(s.Name, args[0], StringComparison.OrdinalIgnoreCase));
if (scenario is null)
{
    Console.Error.WriteLine($"Unknown scenario '{args[0]}'. Run with 'list' to see them.");
    return 2;
}

return await scenario.RunAsync(new BenchmarkArguments(args[1..]));
