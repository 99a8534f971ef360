using System.Buffers.Text;
using System.Diagnostics;
using System.Globalization;
using System.IO.Compression;
using System.Text;
using PacketWalk.Core.FlowLogs;
using PacketWalk.Core.Net;
using PacketWalk.Core.Snapshot;
using PacketWalk.Core.Walk;

// FlowLogBench: how long does filtering a day of VPC Flow Logs take?
//
// Generates (once, cached) a day of version-2 flow logs as AWS delivers them to S3 — 288 gzip files, one per five
// minutes, under AWSLogs/<account>/vpcflowlogs/<region>/yyyy/mm/dd/ — totalling --size-mb of uncompressed records, with
// the seed's eight records of the bonus section hidden at 00:44. Then times, over the whole folder:
//   interface  keep the records of one ENI (Get-FlowLogRecord -Interface)
//   evidence   check the seed walk (tcp/8000 from 49999) against the day (Test-PacketPathFlowLog -LogPath)
//   all        build every record, no filter (the worst case: Get-FlowLogRecord without filters)
// and fails (exit 1) when the evidence is not Confirmed or a filtered pass takes a minute or more.

var options = BenchOptions.Parse(args);
var repoRoot = FindRepoRoot();
var dataRoot = options.DataFolder ?? Path.Combine(repoRoot, "out", "bench", "flowlogs");
var day = EnsureDay(dataRoot, options.SizeMegabytes, options.Files);

Console.WriteLine($"Machine: {Environment.ProcessorCount} logical cores, .NET {Environment.Version}, {RuntimeInfo()}");
Console.WriteLine($"Data: {day.Files} gzip files, {day.UncompressedBytes / 1048576.0:0} MiB uncompressed ({day.CompressedBytes / 1048576.0:0} MiB on disk), {day.Records:N0} records in {day.Folder}");

var model = SnapshotReader.Read(Path.Combine(repoRoot, "src", "PacketWalk.PowerShell", "samples", "seed"));
var walk = new PacketWalker(model).Walk(new WalkRequest { Source = "i-0a00000000000000a", Destination = "i-0b00000000000000b", Port = 8000, SourcePort = 49999 });
var failures = new List<string>();
var oneMinute = TimeSpan.FromMinutes(1);

// 1. One ENI's records.
{
    var filter = new FlowLogFilter { InterfaceIds = new[] { "eni-084d826e4b1e0e190" } };
    var (elapsed, count, stats) = Time(() =>
    {
        var reader = new FlowLogReader(filter: filter);
        long n = reader.ReadPaths(new[] { day.Folder }).LongCount();
        return (n, reader.Statistics);
    });
    Report("interface", elapsed, stats, $"{count:N0} records of eni-084d826e4b1e0e190");
    if (elapsed >= oneMinute) failures.Add($"interface filter took {elapsed.TotalSeconds:0.0} s");
    if (count < 2) failures.Add($"interface filter found {count} records, expected at least HOST-A's two seed records");
}

// 2. Evidence for the seed walk.
{
    FlowLogEvidenceReport? report = null;
    var (elapsed, matched, stats) = Time(() =>
    {
        var matcher = new FlowLogEvidenceMatcher(walk);
        var reader = new FlowLogReader(filter: matcher.Filter);
        foreach (var r in reader.ReadPaths(new[] { day.Folder })) matcher.Add(r);
        report = matcher.Complete();
        return (report.RecordsMatched, reader.Statistics);
    });
    Report("evidence", elapsed, stats, $"verdict {report!.Verdict}, {report.ConfirmedHops}/{report.ExpectedHops} hops confirmed, {matched} records matched");
    if (elapsed >= oneMinute) failures.Add($"evidence took {elapsed.TotalSeconds:0.0} s");
    if (report.Verdict != FlowLogVerdict.Confirmed) failures.Add($"evidence verdict {report.Verdict}: {report.Explanation}");
}

// 3. Every record built.
if (!options.SkipAll)
{
    var (elapsed, count, stats) = Time(() =>
    {
        var reader = new FlowLogReader();
        long n = reader.ReadPaths(new[] { day.Folder }).LongCount();
        return (n, reader.Statistics);
    });
    Report("all", elapsed, stats, $"{count:N0} records built");
    if (count != day.Records) failures.Add($"read {count} records, generated {day.Records}");
}

foreach (var f in failures) Console.WriteLine("FAILED: " + f);
Console.WriteLine(failures.Count == 0 ? "FlowLogBench: ok" : "FlowLogBench: failed");
return failures.Count == 0 ? 0 : 1;

static (TimeSpan, T, FlowLogReadStatistics) Time<T>(Func<(T, FlowLogReadStatistics)> run)
{
    GC.Collect();
    var cpu = Process.GetCurrentProcess().TotalProcessorTime;
    var watch = Stopwatch.StartNew();
    var (value, stats) = run();
    watch.Stop();
    LastCpu = Process.GetCurrentProcess().TotalProcessorTime - cpu;
    return (watch.Elapsed, value, stats);
}

static void Report(string name, TimeSpan elapsed, FlowLogReadStatistics stats, string result)
{
    var mib = stats.Bytes / 1048576.0;
    Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
        $"{name,-9} {elapsed.TotalSeconds,6:0.00} s wall, {LastCpu.TotalSeconds,6:0.00} s CPU, {mib / elapsed.TotalSeconds,6:0} MiB/s, {stats.Lines:N0} lines: {result}"));
}

static string RuntimeInfo() => System.Runtime.InteropServices.RuntimeInformation.OSDescription;

static string FindRepoRoot()
{
    var dir = new DirectoryInfo(AppContext.BaseDirectory);
    while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "PacketWalk.sln"))) dir = dir.Parent;
    return dir?.FullName ?? throw new InvalidOperationException("PacketWalk.sln not found above the bench binaries");
}

static DayOfLogs EnsureDay(string root, int sizeMb, int files)
{
    var folder = Path.Combine(root, $"day-{sizeMb}mb-{files}", "AWSLogs", "123456789012", "vpcflowlogs", "us-east-1", "2022", "12", "20");
    var marker = Path.Combine(root, $"day-{sizeMb}mb-{files}", "complete.txt");
    if (File.Exists(marker))
    {
        var parts = File.ReadAllText(marker).Split(' ');
        return new DayOfLogs(Path.Combine(root, $"day-{sizeMb}mb-{files}", "AWSLogs"), files, long.Parse(parts[0], CultureInfo.InvariantCulture),
            long.Parse(parts[1], CultureInfo.InvariantCulture), long.Parse(parts[2], CultureInfo.InvariantCulture));
    }
    if (Directory.Exists(Path.GetDirectoryName(marker)!)) Directory.Delete(Path.GetDirectoryName(marker)!, recursive: true);
    Directory.CreateDirectory(folder);
    Console.WriteLine($"Generating {sizeMb} MiB of flow logs in {files} files (once; cached in {root}) …");
    var watch = Stopwatch.StartNew();
    long perFile = (long)sizeMb * 1048576 / files;
    long records = 0, uncompressed = 0, compressed = 0;
    const int seedFile = 9;   // the 00:45 file: the seed records start at 00:44:24 and are delivered after the window
    Parallel.For(0, files, new ParallelOptions { MaxDegreeOfParallelism = Environment.ProcessorCount }, i =>
    {
        var start = new DateTimeOffset(2022, 12, 20, 0, 0, 0, TimeSpan.Zero).AddMinutes(5 * i);
        var name = Path.Combine(folder, $"123456789012_vpcflowlogs_us-east-1_fl-0b1e2c3a4d5f60789_{start:yyyyMMdd'T'HHmm}Z_{i:x8}.log.gz");
        var (n, bytes) = WriteFile(name, start.ToUnixTimeSeconds(), perFile, seed: i, includeSeedRecords: i == Math.Min(seedFile, files - 1));
        Interlocked.Add(ref records, n);
        Interlocked.Add(ref uncompressed, bytes);
        Interlocked.Add(ref compressed, new FileInfo(name).Length);
    });
    File.WriteAllText(marker, $"{records} {uncompressed} {compressed}");
    Console.WriteLine($"Generated in {watch.Elapsed.TotalSeconds:0} s");
    return new DayOfLogs(Path.Combine(root, $"day-{sizeMb}mb-{files}", "AWSLogs"), files, records, uncompressed, compressed);
}

static (long Records, long Bytes) WriteFile(string path, long windowStart, long targetBytes, int seed, bool includeSeedRecords)
{
    var random = new Random(seed);
    using var file = File.Create(path);
    using var gzip = new GZipStream(file, CompressionLevel.Fastest);
    var line = new byte[256];
    long records = 0, bytes = 0;
    void Emit(ReadOnlySpan<byte> text) { gzip.Write(text); bytes += text.Length; }
    Emit("version account-id interface-id srcaddr dstaddr srcport dstport protocol packets bytes start end action log-status\n"u8);
    if (includeSeedRecords)
    {
        foreach (var s in SeedRecords)
        {
            Emit(Encoding.ASCII.GetBytes(s + "\n"));
            records++;
        }
    }
    while (bytes < targetBytes)
    {
        int n = 0;
        void Put(ReadOnlySpan<byte> s) { s.CopyTo(line.AsSpan(n)); n += s.Length; }
        void Num(long v) { Utf8Formatter.TryFormat(v, line.AsSpan(n), out int w); n += w; }
        Put("2 123456789012 eni-0"u8);
        // 2000 ENIs; HOST-A's ENI among them so the interface filter finds more than the seed records.
        int eni = random.Next(2000);
        if (eni == 0) Put("84d826e4b1e0e190"u8); else { Put("a00000000"u8); Put(Encoding.ASCII.GetBytes(eni.ToString("x7", CultureInfo.InvariantCulture))); }
        Put(" 10."u8); Num(random.Next(4)); Put("."u8); Num(random.Next(256)); Put("."u8); Num(random.Next(256));
        Put(" 10."u8); Num(random.Next(4)); Put("."u8); Num(random.Next(256)); Put("."u8); Num(random.Next(256));
        bool reply = random.Next(2) == 0;
        int service = new[] { 443, 80, 22, 5432, 8000, 53 }[random.Next(6)];
        int ephemeral = 32768 + random.Next(28232);
        Put(" "u8); Num(reply ? service : ephemeral); Put(" "u8); Num(reply ? ephemeral : service);
        Put(random.Next(10) == 0 ? " 17 "u8 : " 6 "u8);
        int packets = 1 + random.Next(200);
        Num(packets); Put(" "u8); Num(packets * (40 + random.Next(1400)));
        long start = windowStart + random.Next(300);
        Put(" "u8); Num(start); Put(" "u8); Num(start + random.Next(60));
        Put(random.Next(20) == 0 ? " REJECT OK\n"u8 : " ACCEPT OK\n"u8);
        Emit(line.AsSpan(0, n));
        records++;
    }
    return (records, bytes);
}

sealed record DayOfLogs(string Folder, int Files, long Records, long UncompressedBytes, long CompressedBytes);

sealed record BenchOptions(int SizeMegabytes, int Files, string? DataFolder, bool SkipAll)
{
    public static BenchOptions Parse(string[] args)
    {
        int size = 1024, files = 288;
        string? data = null;
        bool skipAll = false;
        for (int i = 0; i < args.Length; i++)
        {
            switch (args[i])
            {
                case "--size-mb": size = int.Parse(args[++i], CultureInfo.InvariantCulture); break;
                case "--files": files = int.Parse(args[++i], CultureInfo.InvariantCulture); break;
                case "--data": data = args[++i]; break;
                case "--skip-all": skipAll = true; break;
                default: throw new ArgumentException($"Unknown option {args[i]}. Options: --size-mb N (default 1024), --files N (288), --data FOLDER, --skip-all");
            }
        }
        return new BenchOptions(size, files, data, skipAll);
    }
}

static partial class Program
{
    internal static TimeSpan LastCpu;

    /// <summary>The eight records of the seed's bonus section.</summary>
    internal static readonly string[] SeedRecords = File.ReadAllLines(Path.Combine(FindRepoRootStatic(), "tests", "flowlogs", "seed-bonus", "records.log"))
        .Where(l => l.Length > 0).ToArray();

    private static string FindRepoRootStatic()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "PacketWalk.sln"))) dir = dir.Parent;
        return dir?.FullName ?? throw new InvalidOperationException("PacketWalk.sln not found");
    }
}
