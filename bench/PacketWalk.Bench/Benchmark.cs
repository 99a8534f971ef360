using System.Diagnostics;
using System.Globalization;
using System.Runtime;
using System.Text;
using PacketWalk.Core.Model;
using PacketWalk.Core.Net;
using PacketWalk.Core.Snapshot;
using PacketWalk.Core.Walk;
using PacketWalk.EstateGenerator;

namespace PacketWalk.Bench;

public sealed record BenchOptions
{
    public IReadOnlyList<string> Sizes { get; init; } = new[] { "small", "medium", "large" };
    public int Seed { get; init; } = 42;
    public string OutputFolder { get; init; } = "out/bench";
    /// <summary>Sources and destinations of the all-pairs matrix (N x N walks).</summary>
    public int Pairs { get; init; } = 1000;
    /// <summary>Sources and destinations of the sub-matrix walked with both the indexed and the baseline model.</summary>
    public int BaselinePairs { get; init; } = 100;
    /// <summary>Sources and destinations of the matrix walked with the decision cache off and on, in alternating rounds.</summary>
    public int CachePairs { get; init; } = 250;
    public int CacheRounds { get; init; } = 5;
    public int LoadRuns { get; init; } = 3;
    public int WalkSamples { get; init; } = 2000;
    /// <summary>Live walks per topology against the local EC2 stub: the first is cold, the median is of the others.</summary>
    public int LiveRuns { get; init; } = 8;
}

/// <summary>Everything measured for one estate size.</summary>
public sealed record SizeResult(
    string Size, GeneratedEstate Estate, Stats LoadMs, Stats LoadCpuMs, Stats FirstWalkMs, Stats PeakMb, Stats HeapMb,
    Stats WalkUs, Stats ReachableWalkUs, Stats BaselineWalkUs, Stats BaselineReachableWalkUs,
    double WalksPerMinute, double CapacityPerMinute, Stats BlockWalksPerMinute, long MatrixWalks, double MatrixSeconds, IReadOnlyDictionary<string, int> Verdicts,
    double SubMatrixPerMinute, double BaselineSubMatrixPerMinute, int SubMatrixWalks, int SubMatrixMismatches,
    Stats TgwLookupNs, Stats BaselineTgwLookupNs, Stats VpcLookupNs, Stats BaselineVpcLookupNs, int TgwTableRoutes,
    CacheComparison Cache,
    string LoadAverageBefore, string LoadAverageAfter);

/// <summary>The NACL/security-group decision cache off and on over the same walks (see DecisionCache).</summary>
public sealed record CacheComparison(
    Stats WalkUsOff, Stats WalkUsOn, int Pairs, Stats MatrixPerMinuteOff, Stats MatrixPerMinuteOn, int Mismatches,
    long AllPairsWalks, long AllPairsMisses, int AllPairsStored, int Capacity)
{
    public double DecisionsPerWalk { get; init; }
    /// <summary>Per round of one-thread blocks: time with the cache off over time with it on (paired, so load falls on both).</summary>
    public Stats WalkRatios { get; init; } = Stats.Of(Array.Empty<double>());
    public Stats RoundRatios { get; init; } = Stats.Of(Array.Empty<double>());
    /// <summary>Per round: process CPU time with the cache off over CPU time with it on (less sensitive to other processes).</summary>
    public Stats CpuRatios { get; init; } = Stats.Of(Array.Empty<double>());
    /// <summary>ns per NACL and per security-group decision alone: direct evaluation and a warm cache.</summary>
    public Stats NaclNsOff { get; init; } = Stats.Of(Array.Empty<double>());
    public Stats NaclNsOn { get; init; } = Stats.Of(Array.Empty<double>());
    public Stats GroupNsOff { get; init; } = Stats.Of(Array.Empty<double>());
    public Stats GroupNsOn { get; init; } = Stats.Of(Array.Empty<double>());
}

public static class Benchmark
{
    public static int Run(BenchOptions options)
    {
        var outDir = Path.GetFullPath(options.OutputFolder);
        Directory.CreateDirectory(outDir);
        var results = new List<SizeResult>();
        Console.WriteLine(Machine());
        var live = new List<LiveResult>();
        foreach (var liveCase in LiveApiCalls.DefaultCases(RepoRoot()))
        {
            var r = LiveApiCalls.Measure(liveCase, options.LiveRuns);
            live.Add(r);
            Console.WriteLine($"[live] {liveCase.Topology}, {liveCase.WalkText}: {r.ReaderCalls} API calls ({LiveApiCalls.Breakdown(r.ReaderCallsByOperation)}); stub received {r.StubRequests}; {r.Verdict} as offline; first run {r.FirstRunMs:0} ms, then {r.WarmMs.RangeText("0.0")} ms");
        }
        foreach (var size in options.Sizes)
        {
            var spec = EstateSpec.ByName(size);
            var root = Path.Combine(outDir, "estates", $"{spec.Name}-{options.Seed}");
            var watch = Stopwatch.StartNew();
            if (EstateGenerator.EstateGenerator.EnsureGenerated(spec, options.Seed, root, out _))
                Console.WriteLine($"[{size}] generated in {watch.Elapsed.TotalSeconds:0.0} s");
            var estate = ReadEstate(root, spec, options.Seed);
            Console.WriteLine($"[{size}] {root}: {estate.Files} files, {estate.Bytes / 1048576.0:0.0} MiB");
            results.Add(RunSize(size, root, estate, options));
            var report = Report(results, live, options);
            File.WriteAllText(Path.Combine(outDir, "results.md"), report);
        }
        var final = Report(results, live, options);
        Console.WriteLine();
        Console.WriteLine(final);
        Console.WriteLine($"Written to {Path.Combine(outDir, "results.md")}");
        return 0;
    }

    /// <summary>The files of the estate; its resource counts are filled from the loaded model.</summary>
    private static GeneratedEstate ReadEstate(string root, EstateSpec spec, int seed)
    {
        var files = Directory.GetFiles(Path.Combine(root, "aws_configs"), "*.json", SearchOption.AllDirectories);
        return new GeneratedEstate(root, spec.Name, seed, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, files.Length, files.Sum(f => new FileInfo(f).Length));
    }

    private static SizeResult RunSize(string size, string root, GeneratedEstate estate, BenchOptions options)
    {
        var loadBefore = LoadAverage();
        // 1. Load: cold, one child process per run.
        var loads = new List<LoadMeasurement>();
        for (int i = 0; i < options.LoadRuns; i++)
        {
            var m = LoadProbe.Measure(root);
            loads.Add(m);
            Console.WriteLine($"[{size}] load {i + 1}/{options.LoadRuns}: {m.LoadMs:0} ms (CPU {m.LoadCpuMs:0} ms), first walk {m.FirstWalkMs:0.0} ms, peak working set {LoadProbe.Mb(m.PeakWorkingSetBytes)} MiB, heap {LoadProbe.Mb(m.ManagedHeapBytes)} MiB");
        }

        // 2. In this process: the indexed model and the baseline model over the same files.
        var model = SnapshotReader.Read(root);
        var builder = new NetworkModelBuilder { LinearLookups = true };
        SnapshotReader.ReadInto(builder, root);
        var baselineModel = builder.Build();
        estate = estate with
        {
            Vpcs = model.Vpcs.Count, Subnets = model.Subnets.Count, Instances = model.Instances.Count, NetworkInterfaces = model.NetworkInterfaces.Count,
            SecurityGroups = model.SecurityGroups.Count, NetworkAcls = model.NetworkAcls.Count, RouteTables = model.RouteTables.Count,
            TransitGateways = model.TransitGateways.Count, PeeringConnections = model.VpcPeeringConnections.Count,
            TransitGatewayRoutes = model.TransitGatewayRoutes.Values.Sum(l => l.Count) + model.TransitGatewayPropagations.Values.Sum(l => l.Count),
        };
        var walker = new PacketWalker(model);
        var baseline = new PacketWalker(baselineModel);

        var rng = new Random(options.Seed);
        var instances = model.Instances.Keys.Order(StringComparer.Ordinal).ToArray();
        int n = Math.Min(options.Pairs, instances.Length);
        var sources = Sample(instances, n, rng);
        var destinations = Sample(instances, n, rng);

        // 3. Warm up both walkers (JIT, lazily built indexes).
        for (int i = 0; i < Math.Min(2000, n * n); i++)
        {
            var r = Request(sources[i % n], destinations[(i * 7) % n]);
            walker.Walk(r);
            if (i < 300) baseline.Walk(r);
        }

        // 4. One walk, forward and return: each sample timed on its own.
        var pairs = Enumerable.Range(0, options.WalkSamples).Select(_ => (sources[rng.Next(n)], destinations[rng.Next(n)])).ToArray();
        var (walkUs, reachableUs) = TimeWalks(walker, pairs);
        var baselinePairs = pairs.Take(Math.Max(200, options.WalkSamples / 4)).ToArray();
        var (baseUs, baseReachableUs) = TimeWalks(baseline, baselinePairs);
        Console.WriteLine($"[{size}] one walk: {walkUs.Text("0.0")} us; reachable only {reachableUs.Text("0.0")} us; baseline {baseUs.Text("0.0")} us");
        var uncached = new PacketWalker(model, cacheDecisions: false);
        TimeWalks(uncached, pairs.Take(300).ToArray());   // JIT of the direct paths
        // Off and on timed walk by walk in turn, so a change in the machine's load falls on both alike.
        var (walkUsOff, walkUsOn, walkRatios) = TimeBlocksInTurn(uncached, walker, pairs, rounds: 12);
        // How many NACL and security-group decisions a walk asks for: a cache that stores nothing evaluates every one.
        var counting = new DecisionCache(model, capacity: 0);
        var countingWalker = new PacketWalker(model, counting);
        foreach (var (s, d) in pairs) countingWalker.Walk(Request(s, d));
        double decisionsPerWalk = counting.Misses / (double)pairs.Length;
        Console.WriteLine($"[{size}] one walk, blocks in turn on one thread: decision cache off {walkUsOff.Text("0.0")} us, on (warm) {walkUsOn.Text("0.0")} us; off/on per round {walkRatios.Text("0.000")}; {decisionsPerWalk:0.0} decisions per walk");

        // 5. All pairs on every core, in blocks of sources so the spread shows.
        GC.Collect();
        var verdicts = new Dictionary<string, int>(StringComparer.Ordinal);
        int blocks = Math.Min(5, n);
        var blockRates = new List<double>();
        using var process = Process.GetCurrentProcess();
        var cpuBefore = process.TotalProcessorTime;
        var total = Stopwatch.StartNew();
        for (int b = 0; b < blocks; b++)
        {
            int from = b * n / blocks, to = (b + 1) * n / blocks;
            var watch = Stopwatch.StartNew();
            var counts = Matrix(walker, sources[from..to], destinations);
            watch.Stop();
            blockRates.Add((to - from) * (double)n / watch.Elapsed.TotalMinutes);
            foreach (var (k, v) in counts) verdicts[k] = verdicts.GetValueOrDefault(k) + v;
        }
        total.Stop();
        process.Refresh();
        double cpuMinutes = (process.TotalProcessorTime - cpuBefore).TotalMinutes;
        long matrixWalks = (long)n * n;
        double perMinute = matrixWalks / total.Elapsed.TotalMinutes;
        // What the cores would do if they were ours alone: walks per CPU-minute (GC included) times the core count.
        double capacityPerMinute = matrixWalks / cpuMinutes * Environment.ProcessorCount;
        Console.WriteLine($"[{size}] all pairs {n}x{n}: {total.Elapsed.TotalSeconds:0.0} s = {perMinute:N0} walks/minute (CPU {cpuMinutes * 60:0.0} s: {capacityPerMinute:N0} walks/minute on {Environment.ProcessorCount} idle cores); {string.Join(", ", verdicts.OrderBy(k => k.Key).Select(kv => $"{kv.Key} {kv.Value}"))}");

        // 6. The same sub-matrix with the index and with the baseline, answers compared.
        int m2 = Math.Min(options.BaselinePairs, n);
        var subSources = sources[..m2];
        var subDestinations = destinations[..m2];
        var indexedAnswers = new string[m2 * m2];
        var baselineAnswers = new string[m2 * m2];
        var sw = Stopwatch.StartNew();
        Matrix(walker, subSources, subDestinations, indexedAnswers);
        double subRate = m2 * (double)m2 / sw.Elapsed.TotalMinutes;
        sw.Restart();
        Matrix(baseline, subSources, subDestinations, baselineAnswers);
        double baseRate = m2 * (double)m2 / sw.Elapsed.TotalMinutes;
        int mismatches = indexedAnswers.Where((a, i) => a != baselineAnswers[i]).Count();
        Console.WriteLine($"[{size}] sub-matrix {m2}x{m2}: indexed {subRate:N0}/min, baseline {baseRate:N0}/min, {mismatches} answers differ");

        // 6b. The decision cache off and on: the same matrix in alternating rounds (the machine is shared, so the load
        // falls on both alike); each cache-on round starts from an empty cache, so filling it is part of the cost.
        var cacheStats = walker.Decisions!;
        var (allPairsMisses, allPairsStored) = (cacheStats.Misses, cacheStats.Stored);
        var cache = CompareCache(model, uncached, sources, destinations, options, size);
        var (naclOff, naclOn, groupOff, groupOn) = TimeDecisions(model, sources, destinations, rng);
        Console.WriteLine($"[{size}] NACL decision {naclOff.Median:0} ns direct vs {naclOn.Median:0} ns cached; security groups {groupOff.Median:0} ns vs {groupOn.Median:0} ns");
        cache = cache with { NaclNsOff = naclOff, NaclNsOn = naclOn, GroupNsOff = groupOff, GroupNsOn = groupOn, WalkUsOff = walkUsOff, WalkUsOn = walkUsOn, WalkRatios = walkRatios, DecisionsPerWalk = decisionsPerWalk, AllPairsWalks = matrixWalks, AllPairsMisses = allPairsMisses, AllPairsStored = allPairsStored, Capacity = cacheStats.Capacity };

        // 7. Route lookups alone.
        var (tgwNs, baseTgwNs, tgwRoutes) = TimeTgwLookups(model, baselineModel, rng);
        var (vpcNs, baseVpcNs) = TimeVpcLookups(model, baselineModel, rng);
        Console.WriteLine($"[{size}] TGW lookup ({tgwRoutes} routes): {tgwNs.Median:0} ns vs {baseTgwNs.Median:0} ns; VPC route lookup {vpcNs.Median:0} ns vs {baseVpcNs.Median:0} ns");

        return new SizeResult(size, estate,
            Stats.Of(loads.Select(l => l.LoadMs)), Stats.Of(loads.Select(l => l.LoadCpuMs)), Stats.Of(loads.Select(l => l.FirstWalkMs)),
            Stats.Of(loads.Select(l => l.PeakWorkingSetBytes / 1048576.0)), Stats.Of(loads.Select(l => l.ManagedHeapBytes / 1048576.0)),
            walkUs, reachableUs, baseUs, baseReachableUs, perMinute, capacityPerMinute, Stats.Of(blockRates), matrixWalks, total.Elapsed.TotalSeconds, verdicts,
            subRate, baseRate, m2 * m2, mismatches, tgwNs, baseTgwNs, vpcNs, baseVpcNs, tgwRoutes, cache, loadBefore, LoadAverage());
    }

    private static CacheComparison CompareCache(NetworkModel model, PacketWalker uncached, string[] sources, string[] destinations, BenchOptions options, string size)
    {
        int m = Math.Min(options.CachePairs, sources.Length);
        var rowSources = sources[..m];
        var columnDestinations = destinations[..m];
        var off = new List<double>();
        var on = new List<double>();
        var roundRatios = new List<double>();
        var cpuRatios = new List<double>();
        using var process = Process.GetCurrentProcess();
        (double PerMinute, TimeSpan Cpu) Timed(PacketWalker walker)
        {
            GC.Collect();
            process.Refresh();
            var cpu = process.TotalProcessorTime;
            var watch = Stopwatch.StartNew();
            Matrix(walker, rowSources, columnDestinations);
            watch.Stop();
            process.Refresh();
            return (m * (double)m / watch.Elapsed.TotalMinutes, process.TotalProcessorTime - cpu);
        }
        for (int round = 0; round < options.CacheRounds; round++)
        {
            var fresh = new PacketWalker(model, cacheDecisions: true);
            // Alternate which goes first within a round.
            (double PerMinute, TimeSpan Cpu) direct, cached;
            if (round % 2 == 0) { direct = Timed(uncached); cached = Timed(fresh); }
            else { cached = Timed(fresh); direct = Timed(uncached); }
            off.Add(direct.PerMinute);
            on.Add(cached.PerMinute);
            roundRatios.Add(cached.PerMinute / direct.PerMinute);
            cpuRatios.Add(direct.Cpu.TotalMilliseconds / Math.Max(1, cached.Cpu.TotalMilliseconds));
            Console.WriteLine($"[{size}] decision cache round {round + 1}: off {direct.PerMinute:N0}/min (CPU {direct.Cpu.TotalMilliseconds:0} ms), on {cached.PerMinute:N0}/min (CPU {cached.Cpu.TotalMilliseconds:0} ms; {fresh.Decisions!.Stored:N0} decisions stored, {fresh.Decisions.Misses:N0} evaluated directly)");
        }
        // Every answer compared (untimed): a warm cache against direct evaluation.
        var warm = new PacketWalker(model, cacheDecisions: true);
        Matrix(warm, rowSources, columnDestinations);
        var cachedAnswers = new string[m * m];
        var directAnswers = new string[m * m];
        Matrix(warm, rowSources, columnDestinations, cachedAnswers);
        Matrix(uncached, rowSources, columnDestinations, directAnswers);
        int mismatches = cachedAnswers.Where((a, i) => a != directAnswers[i]).Count();
        var result = new CacheComparison(Stats.Of(Array.Empty<double>()), Stats.Of(Array.Empty<double>()), m * m, Stats.Of(off), Stats.Of(on), mismatches, 0, 0, 0, 0)
        {
            RoundRatios = Stats.Of(roundRatios), CpuRatios = Stats.Of(cpuRatios),
        };
        Console.WriteLine($"[{size}] decision cache {m}x{m}: off {result.MatrixPerMinuteOff.Median:N0}/min, on {result.MatrixPerMinuteOn.Median:N0}/min; on/off per round {result.RoundRatios.RangeText("0.00")}, CPU off/on {result.CpuRatios.RangeText("0.00")}; {mismatches} answers differ");
        if (mismatches > 0)
            throw new BenchCheckException($"{size}: {mismatches} of {m * m} answers differ between the decision cache and direct evaluation");
        return result;
    }

    /// <summary>
    /// The checks of a tcp/443 walk between instance pairs (both NACLs each way, both interfaces' groups), evaluated alone:
    /// directly and through a warm DecisionCache, ns per decision.
    /// </summary>
    private static (Stats NaclOff, Stats NaclOn, Stats GroupOff, Stats GroupOn) TimeDecisions(NetworkModel model, string[] sources, string[] destinations, Random rng)
    {
        var request = PortSet.Of(443);
        var reply = PortSet.Of(new[] { PacketWalker.LinuxEphemeral });
        var nacls = new List<(NetworkAcl Acl, RuleDirection Direction, IpAddress Peer, PortSet Ports)>();
        var groups = new List<(NetworkInterface Eni, RuleDirection Direction, IpAddress Peer, NetworkInterface[] PeerEnis)>();
        for (int i = 0; i < 4096; i++)
        {
            var a = model.NetworkInterfaces[model.Instances[sources[rng.Next(sources.Length)]].NetworkInterfaceIds[0]];
            var b = model.NetworkInterfaces[model.Instances[destinations[rng.Next(destinations.Length)]].NetworkInterfaceIds[0]];
            if (a.PrimaryPrivateIp is not { } aIp || b.PrimaryPrivateIp is not { } bIp) continue;
            var aclA = model.NetworkAclForSubnet(model.Subnets[a.SubnetId]);
            var aclB = model.NetworkAclForSubnet(model.Subnets[b.SubnetId]);
            if (aclA is null || aclB is null) continue;
            nacls.Add((aclA, RuleDirection.Outbound, bIp, request));
            nacls.Add((aclB, RuleDirection.Inbound, aIp, request));
            nacls.Add((aclB, RuleDirection.Outbound, aIp, reply));
            nacls.Add((aclA, RuleDirection.Inbound, bIp, reply));
            groups.Add((a, RuleDirection.Outbound, bIp, new[] { b }));
            groups.Add((b, RuleDirection.Inbound, aIp, new[] { a }));
        }
        var evaluator = new SecurityGroupEvaluator(model);
        var cache = new DecisionCache(model);
        int n = 0, g = 0;
        var naclOff = TimeCalls(nacls.Count, () => { var c = nacls[n++ % nacls.Count]; return NaclEvaluator.Evaluate(c.Acl, c.Direction, c.Peer, IpProtocol.Tcp, c.Ports, null, null); });
        foreach (var c in nacls) cache.Nacl(c.Acl, c.Direction, c.Peer, IpProtocol.Tcp, c.Ports, null, null);
        n = 0;
        var naclOn = TimeCalls(nacls.Count, () => { var c = nacls[n++ % nacls.Count]; return cache.Nacl(c.Acl, c.Direction, c.Peer, IpProtocol.Tcp, c.Ports, null, null); });
        var groupOff = TimeCalls(groups.Count, () => { var c = groups[g++ % groups.Count]; return evaluator.Evaluate(c.Eni, c.Direction, c.Peer, c.PeerEnis, true, IpProtocol.Tcp, request, null, null); });
        foreach (var c in groups) cache.SecurityGroups(c.Eni, c.Direction, c.Peer, c.PeerEnis, true, IpProtocol.Tcp, request, null, null);
        g = 0;
        var groupOn = TimeCalls(groups.Count, () => { var c = groups[g++ % groups.Count]; return cache.SecurityGroups(c.Eni, c.Direction, c.Peer, c.PeerEnis, true, IpProtocol.Tcp, request, null, null); });
        return (naclOff, naclOn, groupOff, groupOn);
    }

    /// <summary>
    /// ns per call: 15 rounds of <paramref name="perRound"/> calls, each round one sample, after a quarter second of
    /// calls (tiered JIT compiles hot code again after about 100 ms; timing before that measures unoptimised code).
    /// </summary>
    private static Stats TimeCalls<T>(int perRound, Func<T> call)
    {
        var warmUp = Stopwatch.StartNew();
        while (warmUp.ElapsedMilliseconds < 250)
            for (int i = 0; i < perRound; i++) GC.KeepAlive(call());
        var samples = new List<double>();
        for (int round = 0; round < 15; round++)
        {
            long t0 = Stopwatch.GetTimestamp();
            for (int i = 0; i < perRound; i++) GC.KeepAlive(call());
            samples.Add((Stopwatch.GetTimestamp() - t0) * 1e9 / Stopwatch.Frequency / perRound);
        }
        return Stats.Of(samples);
    }

    private static string[] Sample(string[] items, int count, Random rng)
    {
        var copy = (string[])items.Clone();
        rng.Shuffle(copy);
        return copy[..count];
    }

    private static WalkRequest Request(string source, string destination) => new() { Source = source, Destination = destination, Protocol = IpProtocol.Tcp, Port = 443 };

    private static (Stats All, Stats Reachable) TimeWalks(PacketWalker walker, (string, string)[] pairs)
    {
        var all = new List<double>(pairs.Length);
        var reachable = new List<double>(pairs.Length);
        double tickUs = 1e6 / Stopwatch.Frequency;
        foreach (var (s, d) in pairs)
        {
            var request = Request(s, d);
            long t0 = Stopwatch.GetTimestamp();
            var result = walker.Walk(request);
            long t1 = Stopwatch.GetTimestamp();
            double us = (t1 - t0) * tickUs;
            all.Add(us);
            if (result.Verdict == PathVerdict.Reachable) reachable.Add(us);
        }
        return (Stats.Of(all), Stats.Of(reachable));
    }

    /// <summary>
    /// The same walks on one thread as whole blocks, the two walkers in turn (alternating which goes first), each round one
    /// sample: µs per walk for each and, per round, the first's time over the second's. Timing walk by walk in turn was
    /// tried first: the second walk of a pair finds the first's data in the CPU caches, which swamps a small difference.
    /// </summary>
    private static (Stats First, Stats Second, Stats Ratios) TimeBlocksInTurn(PacketWalker first, PacketWalker second, (string, string)[] pairs, int rounds)
    {
        var requests = pairs.Select(p => Request(p.Item1, p.Item2)).ToArray();
        var a = new List<double>(rounds);
        var b = new List<double>(rounds);
        double Block(PacketWalker walker)
        {
            long t0 = Stopwatch.GetTimestamp();
            foreach (var request in requests) walker.Walk(request);
            return (Stopwatch.GetTimestamp() - t0) * 1e6 / Stopwatch.Frequency / requests.Length;
        }
        for (int round = 0; round < rounds; round++)
        {
            if (round % 2 == 0) { a.Add(Block(first)); b.Add(Block(second)); }
            else { b.Add(Block(second)); a.Add(Block(first)); }
        }
        return (Stats.Of(a), Stats.Of(b), Stats.Of(a.Select((x, i) => x / b[i])));
    }

    /// <summary>
    /// Walks every source to every destination on all cores; returns verdict counts (by verdict and reason). With
    /// <paramref name="answers"/>, also keeps each walk's full answer (row-major) to compare two walkers' results.
    /// </summary>
    private static Dictionary<string, int> Matrix(PacketWalker walker, string[] sources, string[] destinations, string[]? answers = null)
    {
        var total = new Dictionary<string, int>(StringComparer.Ordinal);
        var gate = new object();
        Parallel.For(0, sources.Length, new ParallelOptions { MaxDegreeOfParallelism = Environment.ProcessorCount },
            () => new Dictionary<string, int>(StringComparer.Ordinal),
            (row, _, local) =>
            {
                for (int column = 0; column < destinations.Length; column++)
                {
                    var result = walker.Walk(Request(sources[row], destinations[column]));
                    var key = result.Verdict == PathVerdict.Reachable ? "Reachable" : $"{result.Verdict} {result.Reason}";
                    local[key] = local.GetValueOrDefault(key) + 1;
                    if (answers is not null) answers[row * destinations.Length + column] = Signature(result);
                }
                return local;
            },
            local => { lock (gate) foreach (var (k, v) in local) total[k] = total.GetValueOrDefault(k) + v; });
        return total;
    }

    internal static string Signature(PacketPathResult r) =>
        $"{r.Verdict}|{r.BlockedDirection}|{r.BlockedAt}|{r.Reason}|{r.Rule}|{r.Explanation}|{r.ForwardPathText}|{r.ReturnPathText}|{r.ReturnPortsAllowed}|{string.Join(";", r.Notes)}|"
        + string.Join(";", r.Hops.Select(h => $"{h.Step}/{h.Component}/{h.Decision}/{h.Rule}/{h.Reason}/{h.Note}"));

    private static (Stats Indexed, Stats Baseline, int Routes) TimeTgwLookups(NetworkModel model, NetworkModel baselineModel, Random rng)
    {
        var table = model.TransitGatewayRouteTables.Keys
            .OrderByDescending(id => model.TransitGatewayRoutes.GetValueOrDefault(id)?.Count ?? 0).ThenBy(id => id, StringComparer.Ordinal).First();
        int routes = model.TransitGatewayRoutes.GetValueOrDefault(table)?.Count ?? 0;
        routes += model.TransitGatewayPropagations.GetValueOrDefault(table)?.Count ?? 0;
        var addresses = RandomEstateAddresses(model, rng, 4096);
        return (TimeLookups(addresses, a => TgwRouteResolver.Lookup(model, table, a)),
                TimeLookups(addresses, a => TgwRouteResolver.Lookup(baselineModel, table, a)), routes);
    }

    private static (Stats Indexed, Stats Baseline) TimeVpcLookups(NetworkModel model, NetworkModel baselineModel, Random rng)
    {
        var tables = model.RouteTables.Values.Where(t => t.Associations.Any(a => a.SubnetId is not null)).OrderBy(t => t.RouteTableId, StringComparer.Ordinal).ToArray();
        var addresses = RandomEstateAddresses(model, rng, 4096);
        var picks = addresses.Select((a, i) => (a, tables[(i * 31) % tables.Length])).ToArray();
        // Build every picked table's trie (and JIT the scan) first: the timing is of lookups, not of first-use builds.
        foreach (var (a, t) in picks) { RouteResolver.Lookup(model, t, a); RouteResolver.Lookup(baselineModel, t, a); }
        int k = 0;
        var indexed = TimeLookups(addresses, a => RouteResolver.Lookup(model, picks[k++ % picks.Length].Item2, a));
        k = 0;
        var baseline = TimeLookups(addresses, a => RouteResolver.Lookup(baselineModel, picks[k++ % picks.Length].Item2, a));
        return (indexed, baseline);
    }

    private static IpAddress[] RandomEstateAddresses(NetworkModel model, Random rng, int count)
    {
        var enis = model.NetworkInterfaces.Values.OrderBy(e => e.NetworkInterfaceId, StringComparer.Ordinal).ToArray();
        return Enumerable.Range(0, count).Select(_ => enis[rng.Next(enis.Length)].PrimaryPrivateIp!.Value).ToArray();
    }

    /// <summary>
    /// ns per lookup: rounds over the addresses, each round one sample, up to 20 rounds or about two seconds (at least
    /// 3 rounds; a slow baseline uses fewer addresses per round so it ends in reasonable time).
    /// </summary>
    private static Stats TimeLookups<T>(IpAddress[] addresses, Func<IpAddress, T> lookup)
    {
        long probe = Stopwatch.GetTimestamp();
        foreach (var a in addresses.Take(64)) GC.KeepAlive(lookup(a));
        double perLookupSeconds = Stopwatch.GetElapsedTime(probe).TotalSeconds / 64;
        int perRound = (int)Math.Clamp(0.1 / Math.Max(perLookupSeconds, 1e-9), 64, addresses.Length);
        var samples = new List<double>();
        var budget = Stopwatch.StartNew();
        for (int round = 0; round < 20 && (round < 3 || budget.Elapsed.TotalSeconds < 2); round++)
        {
            long t0 = Stopwatch.GetTimestamp();
            for (int i = 0; i < perRound; i++) GC.KeepAlive(lookup(addresses[i]));
            long t1 = Stopwatch.GetTimestamp();
            samples.Add((t1 - t0) * 1e9 / Stopwatch.Frequency / perRound);
        }
        return Stats.Of(samples);
    }

    /// <summary>The 1, 5 and 15 minute load averages: the machine is shared, so every figure says how busy it was.</summary>
    private static string LoadAverage()
    {
        try { return string.Join(" ", File.ReadAllText("/proc/loadavg").Split(' ').Take(3)); }
        catch (IOException) { return "n/a"; }
        catch (UnauthorizedAccessException) { return "n/a"; }
    }

    internal static string Machine()
    {
        string cpu = "unknown";
        string memory = "unknown";
        try
        {
            cpu = File.ReadLines("/proc/cpuinfo").FirstOrDefault(l => l.StartsWith("model name", StringComparison.Ordinal))?.Split(':', 2)[1].Trim() ?? cpu;
            var kb = File.ReadLines("/proc/meminfo").First(l => l.StartsWith("MemTotal", StringComparison.Ordinal)).Split(' ', StringSplitOptions.RemoveEmptyEntries)[1];
            memory = $"{long.Parse(kb, CultureInfo.InvariantCulture) / 1048576.0:0.0} GiB";
        }
        catch (IOException) { }
        catch (UnauthorizedAccessException) { }
        return $"Machine: {Environment.ProcessorCount} cores ({cpu}), {memory} memory, {System.Runtime.InteropServices.RuntimeInformation.FrameworkDescription}, {System.Runtime.InteropServices.RuntimeInformation.OSDescription}, GC {(GCSettings.IsServerGC ? "server" : "workstation")}{(GCSettings.LatencyMode == GCLatencyMode.Interactive ? " concurrent" : "")}";
    }

    /// <summary>The checkout the benchmark was built in (the seed sample and the scenarios are read from it).</summary>
    private static string RepoRoot()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "PacketWalk.sln"))) dir = dir.Parent;
        return dir?.FullName ?? throw new BenchCheckException($"PacketWalk.sln not found above {AppContext.BaseDirectory}");
    }

    private static string Report(IReadOnlyList<SizeResult> results, IReadOnlyList<LiveResult> live, BenchOptions options)
    {
        var inv = CultureInfo.InvariantCulture;
        var sb = new StringBuilder();
        sb.AppendLine("# PacketWalk benchmark");
        sb.AppendLine();
        sb.AppendLine(Machine());
        sb.AppendLine();
        sb.AppendLine(string.Create(inv, $"Seed {options.Seed}; walks are tcp/443 between instances; medians with (p10, p90) or (min, max). Load runs: {options.LoadRuns} cold child processes per size. Baseline = the same engine with linear scans for TGW and VPC route tables and VPC/subnet containment instead of prefix tries (both with the NACL/security-group decision cache on, so the ratio is the route structures alone; the cache has its own comparison below). The sub-matrix is walked by both on all cores and every answer (verdict, paths, every hop) compared; its timings include building that comparison text."));
        sb.AppendLine();
        sb.AppendLine("## Estates");
        sb.AppendLine();
        sb.AppendLine("| size | VPCs | subnets | instances | ENIs | SGs | NACLs | route tables | TGWs | TGW routes (static+propagations) | peerings | files | JSON MiB |");
        sb.AppendLine("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|");
        foreach (var r in results)
        {
            var e = r.Estate;
            sb.AppendLine(string.Create(inv, $"| {r.Size} | {e.Vpcs:N0} | {e.Subnets:N0} | {e.Instances:N0} | {e.NetworkInterfaces:N0} | {e.SecurityGroups:N0} | {e.NetworkAcls:N0} | {e.RouteTables:N0} | {e.TransitGateways} | {e.TransitGatewayRoutes:N0} | {e.PeeringConnections} | {e.Files:N0} | {e.Bytes / 1048576.0:0.0} |"));
        }
        sb.AppendLine();
        sb.AppendLine("## Results");
        sb.AppendLine();
        sb.AppendLine("| size | load ms (parse+index) | load CPU ms (all threads) | first walk ms | peak working set MiB | managed heap MiB | one walk µs (all) | one walk µs (Reachable) | all-pairs walks/min | all-pairs blocks walks/min | all-pairs walks/min from CPU time (cores ours alone) |");
        sb.AppendLine("|---|---|---|---|---|---|---|---|---:|---|---:|");
        foreach (var r in results)
            sb.AppendLine(string.Create(inv, $"| {r.Size} | {r.LoadMs.RangeText("0")} | {r.LoadCpuMs.RangeText("0")} | {r.FirstWalkMs.RangeText("0.0")} | {r.PeakMb.RangeText("0")} | {r.HeapMb.Median:0} | {r.WalkUs.Text("0.0")} | {r.ReachableWalkUs.Text("0.0")} | {r.WalksPerMinute:N0} | {r.BlockWalksPerMinute.RangeText("N0")} | {r.CapacityPerMinute:N0} |"));
        sb.AppendLine();
        sb.AppendLine("## Against the baseline (same run, same walks)");
        sb.AppendLine();
        sb.AppendLine("| size | one walk µs indexed | one walk µs baseline | ratio | sub-matrix walks/min indexed | baseline | ratio | answers differing | TGW lookup ns (routes) indexed | baseline | ratio | VPC route lookup ns indexed | baseline | ratio |");
        sb.AppendLine("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|");
        foreach (var r in results)
            sb.AppendLine(string.Create(inv,
                $"| {r.Size} | {r.WalkUs.Median:0.0} | {r.BaselineWalkUs.Median:0.0} | {r.BaselineWalkUs.Median / r.WalkUs.Median:0.0}x | {r.SubMatrixPerMinute:N0} | {r.BaselineSubMatrixPerMinute:N0} | {r.SubMatrixPerMinute / r.BaselineSubMatrixPerMinute:0.0}x | {r.SubMatrixMismatches} of {r.SubMatrixWalks:N0} | {r.TgwLookupNs.Median:0} ({r.TgwTableRoutes:N0}) | {r.BaselineTgwLookupNs.Median:0} | {r.BaselineTgwLookupNs.Median / r.TgwLookupNs.Median:0}x | {r.VpcLookupNs.Median:0} | {r.BaselineVpcLookupNs.Median:0} | {r.BaselineVpcLookupNs.Median / r.VpcLookupNs.Median:0.0}x |"));
        sb.AppendLine();
        sb.AppendLine("## Decision cache off vs on (same run, same walks)");
        sb.AppendLine();
        sb.AppendLine("NACL and security-group decisions cached per (resource, header class) for the walker (DecisionCache). Decisions alone: the NACL and security-group checks of tcp/443 walks between random instance pairs (request and reply NACLs both ways), evaluated directly and through a warm cache. One walk: the 2,000 sample walks on one thread as whole blocks, a direct-evaluation walker and the warm all-pairs walker in turn, 12 rounds; µs per walk (median of rounds) and off/on per round, median (p10, p90); above 1 = the cache is faster. Matrix: the same sources x destinations on all cores, cache off and on in each round (alternating which goes first), each cache-on round from an empty cache; median (min, max) of the rounds, and per round the on/off rate and the off/on process CPU time (CPU time is less disturbed by other processes on a shared machine). Answers: every answer of the matrix (verdict, paths, every hop) compared between a warm cache and direct evaluation. Misses and stored: the all-pairs walker's cache at the end of its run (warm-up, one-walk samples and the all-pairs matrix); decisions per walk counted over the 2,000 sample walks with a cache that keeps nothing, and the hit share estimated from it.");
        sb.AppendLine();
        sb.AppendLine("| size | NACL decision ns direct | cached | security-group decision ns direct | cached | one walk µs off | one walk µs on | off/on per round | matrix | walks/min off | walks/min on | on/off per round | CPU off/on per round | answers differing | decisions per walk | all-pairs decisions evaluated directly (misses) | decisions stored (cap) |");
        sb.AppendLine("|---|---:|---:|---:|---:|---:|---:|---|---|---|---|---|---|---:|---:|---:|---:|");
        foreach (var r in results)
        {
            var c = r.Cache;
            int side = (int)Math.Round(Math.Sqrt(c.Pairs));
            sb.AppendLine(string.Create(inv,
                $"| {r.Size} | {c.NaclNsOff.Median:0} | {c.NaclNsOn.Median:0} | {c.GroupNsOff.Median:0} | {c.GroupNsOn.Median:0} | {c.WalkUsOff.Median:0.0} | {c.WalkUsOn.Median:0.0} | {c.WalkRatios.Text("0.000")} | {side} x {side} | {c.MatrixPerMinuteOff.RangeText("N0")} | {c.MatrixPerMinuteOn.RangeText("N0")} | {c.RoundRatios.RangeText("0.00")} | {c.CpuRatios.RangeText("0.00")} | {c.Mismatches} of {c.Pairs:N0} | {c.DecisionsPerWalk:0.0} | {c.AllPairsMisses:N0} ({1 - c.AllPairsMisses / Math.Max(1, c.AllPairsWalks * c.DecisionsPerWalk):P2} hits) | {c.AllPairsStored:N0} ({c.Capacity:N0}) |"));
        }
        sb.AppendLine();
        sb.AppendLine("## Machine load while measuring (1/5/15-minute load averages, 2 cores)");
        sb.AppendLine();
        foreach (var r in results) sb.AppendLine($"- {r.Size}: {r.LoadAverageBefore} at the start, {r.LoadAverageAfter} at the end");
        sb.AppendLine();
        sb.AppendLine("## All-pairs verdicts");
        sb.AppendLine();
        foreach (var r in results)
            sb.AppendLine(string.Create(inv, $"- {r.Size} ({r.MatrixWalks:N0} walks in {r.MatrixSeconds:0.0} s): {string.Join(", ", r.Verdicts.OrderByDescending(kv => kv.Value).Select(kv => $"{kv.Key} {kv.Value:N0} ({100.0 * kv.Value / r.MatrixWalks:0.0}%)"))}"));
        sb.AppendLine();
        sb.AppendLine("## Live path: API calls for one walk (local EC2 stub)");
        sb.AppendLine();
        sb.AppendLine(string.Create(inv, $"The live reader of PacketWalk.Aws (what Get-PacketPath -EndpointUrl runs) reads what one walk needs from tests/PacketWalk.Ec2Stub serving the snapshot on 127.0.0.1, then walks it forward and back. API calls are counted by the reader (pages count, SDK retries do not) and by the stub (requests received); the run fails unless they agree, per operation, and unless the live answer equals the offline walk of the same snapshot (verdict, paths and every hop). Wall time is credentials + read + model + walk, {options.LiveRuns} runs per topology: the first run, then the median of the rest (only the first topology's first run pays for JIT and SDK start-up): against a local stub, so it excludes AWS network latency and service time."));
        sb.AppendLine();
        sb.AppendLine("| topology | walk (tcp, forward + return) | API calls (reader) | requests (stub) | calls per operation | VPCs whose subnets were read / VPCs in snapshot | verdict (live = offline) | wall ms, first run | wall ms, later runs median (min, max, n) |");
        sb.AppendLine("|---|---|---:|---:|---|---:|---|---:|---|");
        foreach (var r in live)
            sb.AppendLine(string.Create(inv, $"| {r.Case.Topology} | {r.Case.WalkText} | {r.ReaderCalls} | {r.StubRequests} | {LiveApiCalls.Breakdown(r.ReaderCallsByOperation)} | {r.VpcsRead} / {r.VpcsInSnapshot} | {r.Verdict} | {r.FirstRunMs:0} | {r.WarmMs.RangeText("0.0")} |"));
        return sb.ToString();
    }
}
