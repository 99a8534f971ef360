using System.Diagnostics;
using PacketWalk.Core.Analysis;
using PacketWalk.Core.Fixes;
using PacketWalk.Core.Model;
using PacketWalk.Core.Net;
using PacketWalk.Core.Snapshot;
using PacketWalk.Core.Walk;

// Figures for docs/notes: median of repeated runs after a warm-up. Not a test: nothing here asserts a time.
var root = FindRoot();
var seed = SnapshotReader.Read(Path.Combine(root, "src/PacketWalk.PowerShell/samples/seed"));
var walker = new PacketWalker(seed);
var hostA = "i-0a00000000000000a";
var hostB = "i-0b00000000000000b";

Report("single walk, seed HOST-A -> HOST-B tcp/443", 2000, () => walker.Walk(new WalkRequest { Source = hostA, Destination = hostB, Port = 443 }));
Report("Get-ReachablePort engine, seed HOST-B -> HOST-A tcp 0-65535", 2000,
    () => walker.ReachablePorts(new WalkRequest { Source = hostB, Destination = hostA, DestinationPorts = PortSet.All }));
Report("Get-ReachablePort engine, seed HOST-A -> HOST-B tcp 0-65535", 2000,
    () => walker.ReachablePorts(new WalkRequest { Source = hostA, Destination = hostB, DestinationPorts = PortSet.All }));
var naive = Stopwatch.StartNew();
var naiveCpu = Process.GetCurrentProcess().TotalProcessorTime;
for (int p = 0; p <= 65535; p++) walker.Walk(new WalkRequest { Source = hostB, Destination = hostA, Port = p });
naive.Stop();
Console.WriteLine($"{"for comparison: 65536 single-port walks, seed HOST-B -> HOST-A",-70} {naive.Elapsed.TotalMilliseconds,10:0.0} ms (once), CPU {(Process.GetCurrentProcess().TotalProcessorTime - naiveCpu).TotalMilliseconds:0} ms");

var multi = SnapshotReader.Read(Path.Combine(root, "tests/scenarios/multi-blocker/snapshot"));
var multiWalker = new PacketWalker(multi);
Report("-AllBlockers, multi-blocker HOST-A -> HOST-B tcp/443 (4 blockers)", 2000,
    () => multiWalker.Walk(new WalkRequest { Source = hostA, Destination = hostB, Port = 443, AllBlockers = true }));
Report("fix plan incl. in-memory apply and re-walk, multi-blocker", 200,
    () => PathFixPlanner.Plan(multi, new WalkRequest { Source = hostA, Destination = hostB, Port = 443 }));

foreach (var perVpc in new[] { 50, 150 })
{
    var (big, ids) = Scale(seed, perVpc);
    var ports = new int?[] { 22, 443 };
    var flows = SnapshotComparer.Flows(big, big, IpProtocol.Tcp, ports);
    // An unrelated change (a rule in a group no instance carries) and a broad one (HOST-B-SG, on every VPC-B instance).
    var unrelated = big.With(new[] { new AddSecurityGroupRule(new SecurityGroupRule("sg-0a00000000000a000", RuleDirection.Inbound, IpProtocol.Tcp, 8080, 8080, Cidr.Parse("10.9.9.9/32"), null, null, null, null)) });
    var broad = big.With(new[] { new AddSecurityGroupRule(new SecurityGroupRule("sg-0a00000000000a801", RuleDirection.Inbound, IpProtocol.Tcp, 443, 443, Cidr.Parse("10.1.0.0/16"), null, null, null, null)) });
    foreach (var (name, other) in new[] { ("unrelated change", unrelated), ("HOST-A-SG change (every VPC-A instance)", broad) })
    {
        SnapshotComparer.Compare(big, other, flows);   // warm-up
        var watch = Stopwatch.StartNew();
        var before = Process.GetCurrentProcess().TotalProcessorTime;
        var result = SnapshotComparer.Compare(big, other, flows);
        watch.Stop();
        var cpu = (Process.GetCurrentProcess().TotalProcessorTime - before).TotalMilliseconds;
        Console.WriteLine($"{$"compare {ids} instances x 2 ports = {flows.Count} flows, {name}",-70} {watch.Elapsed.TotalMilliseconds,10:0.0} ms, CPU {cpu:0} ms (walked twice: {result.FlowsWalkedTwice}, changed: {result.Changes.Count})");
    }
}

// Wall-clock median and p95, plus CPU time per run: on a shared machine the wall clock includes time spent waiting for a core.
static void Report(string name, int iterations, Action action)
{
    for (int i = 0; i < Math.Min(200, iterations); i++) action();
    var samples = new double[iterations];
    var cpu = Process.GetCurrentProcess().TotalProcessorTime;
    for (int i = 0; i < iterations; i++)
    {
        var t = Stopwatch.GetTimestamp();
        action();
        samples[i] = Stopwatch.GetElapsedTime(t).TotalMilliseconds;
    }
    var cpuPerRun = (Process.GetCurrentProcess().TotalProcessorTime - cpu).TotalMilliseconds / iterations;
    Array.Sort(samples);
    Console.WriteLine($"{name,-70} {samples[iterations / 2],10:0.000} ms median, p95 {samples[(int)(iterations * 0.95)]:0.000} ms, CPU {cpuPerRun:0.000} ms/run");
}

// The seed with perVpc more instances in HOST-A's and HOST-B's subnets (same groups, route tables and NACLs).
static (NetworkModel Model, int Instances) Scale(NetworkModel seed, int perVpc)
{
    var b = seed.ToBuilder();
    void Add(string prefix, string subnetId, string vpcId, string az, string groupId, string network, int i)
    {
        var id = $"{prefix}{i:x12}";
        var ip = IpAddress.Parse($"{network}.{i / 200 + 10}.{i % 200 + 20}");
        b.Instances.Add(new Instance("i-" + id, subnetId, vpcId, ip.ToString(), null, "running", az, new[] { "eni-" + id }, ResourceOrigin.Unknown));
        b.NetworkInterfaces.Add(new NetworkInterface("eni-" + id, subnetId, vpcId, az, ip, new[] { ip }, Array.Empty<IpAddress>(), new[] { groupId }, true,
            "interface", null, "i-" + id, 0, false, "in-use", null, null, ResourceOrigin.Unknown));
    }
    for (int i = 0; i < perVpc; i++)
    {
        Add("0a5", "subnet-0a00000000000a801", "vpc-0a000000000000001", "us-east-1b", "sg-0a00000000000a801", "10.0", i);
        Add("0b5", "subnet-0b00000000000b801", "vpc-0b000000000000001", "us-east-1a", "sg-0b00000000000b801", "10.1", i);
    }
    var model = b.Build();
    return (model, model.Instances.Count);
}

static string FindRoot()
{
    var dir = new DirectoryInfo(AppContext.BaseDirectory);
    while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "PacketWalk.sln"))) dir = dir.Parent;
    return dir?.FullName ?? throw new InvalidOperationException("PacketWalk.sln not found");
}
