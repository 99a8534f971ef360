using System.Globalization;
using PacketWalk.Bench;

// PacketWalk.Bench run [--sizes small,medium,large] [--seed 42] [--out out/bench] [--pairs 1000] [--baseline-pairs 100] [--cache-pairs 250] [--cache-rounds 5] [--load-runs 3] [--walk-samples 2000] [--live-runs 8]
// PacketWalk.Bench load-probe SNAPSHOT_ROOT   (used by run: one cold load in a fresh process, one JSON line out)
if (args.Length >= 2 && args[0] == "load-probe") return LoadProbe.Run(args[1]);
if (args.Length == 0 || args[0] != "run")
{
    Console.Error.WriteLine("usage: PacketWalk.Bench run [--sizes small,medium,large] [--seed N] [--out FOLDER] [--pairs N] [--baseline-pairs N] [--cache-pairs N] [--cache-rounds N] [--load-runs N] [--walk-samples N] [--live-runs N]");
    return 2;
}
var options = new BenchOptions();
for (int i = 1; i < args.Length; i++)
{
    string Next() => i + 1 < args.Length ? args[++i] : throw new ArgumentException($"{args[i]} needs a value");
    int NextInt() => int.Parse(Next(), NumberStyles.None, CultureInfo.InvariantCulture);
    options = args[i] switch
    {
        "--sizes" => options with { Sizes = Next().Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries) },
        "--seed" => options with { Seed = NextInt() },
        "--out" => options with { OutputFolder = Next() },
        "--pairs" => options with { Pairs = NextInt() },
        "--baseline-pairs" => options with { BaselinePairs = NextInt() },
        "--cache-pairs" => options with { CachePairs = NextInt() },
        "--cache-rounds" => options with { CacheRounds = NextInt() },
        "--load-runs" => options with { LoadRuns = NextInt() },
        "--walk-samples" => options with { WalkSamples = NextInt() },
        "--live-runs" => options with { LiveRuns = NextInt() },
        _ => throw new ArgumentException($"unknown option '{args[i]}'"),
    };
}
try
{
    return Benchmark.Run(options);
}
catch (BenchCheckException ex)
{
    Console.Error.WriteLine($"BENCHMARK FAILED: {ex.Message}");
    return 1;
}
