namespace Dropzone.Portal.Benchmarks;

/// <summary>A named benchmark. Found by reflection, so adding a class is all it takes.</summary>
public interface IBenchmarkScenario
{
    /// <summary>The command-line name, e.g. <c>client-overhead</c>.</summary>
    string Name { get; }

    string Description { get; }

    /// <summary>Runs and prints a final line <c>RESULT {Name} key=value ...</c>; returns the process exit code.</summary>
    Task<int> RunAsync(BenchmarkArguments args);
}

/// <summary><c>--key value</c> options after the scenario name.</summary>
public sealed class BenchmarkArguments(IReadOnlyList<string> args)
{
    /// <summary>The options as given, for scenarios that parse their own.</summary>
    public string[] Raw => [.. args];

    public int Count(string name, int fallback)
    {
        var value = Value(name);
        return value is null ? fallback : int.Parse(value, CultureInfo.InvariantCulture);
    }

    public string? Value(string name)
    {
        for (var i = 0; i < args.Count - 1; i++)
        {
            if (args[i] == "--" + name)
            {
                return args[i + 1];
            }
        }

        return null;
    }
}

public static class Percentiles
{
    /// <summary>Nearest-rank percentile of already sorted values.</summary>
    public static double Of(double[] sorted, double percentile)
    {
        if (sorted.Length == 0)
        {
            return double.NaN;
        }

        var rank = (int)Math.Ceiling(percentile / 100 * sorted.Length) - 1;
        return sorted[Math.Clamp(rank, 0, sorted.Length - 1)];
    }
}
