using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using PacketWalk.Core.Snapshot;
using PacketWalk.Core.Walk;

namespace PacketWalk.Bench;

/// <summary>What one fresh process measured while loading a snapshot.</summary>
public sealed record LoadMeasurement(double LoadMs, double LoadCpuMs, double FirstWalkMs, long PeakWorkingSetBytes, long ManagedHeapBytes, int Vpcs, int NetworkInterfaces, int TgwRoutes);

/// <summary>
/// Runs in a child process per measurement, so the load is cold (nothing cached, JIT included, as in a new
/// PowerShell session) and the peak working set belongs to this load alone.
/// </summary>
public static class LoadProbe
{
    public static int Run(string snapshotRoot)
    {
        using var self = Process.GetCurrentProcess();
        var cpuBefore = self.TotalProcessorTime;
        var watch = Stopwatch.StartNew();
        var model = SnapshotReader.Read(snapshotRoot);
        var loadMs = watch.Elapsed.TotalMilliseconds;
        self.Refresh();
        // CPU time on all threads: on a shared machine it says what the load costs when wall time is inflated by others.
        var loadCpuMs = (self.TotalProcessorTime - cpuBefore).TotalMilliseconds;

        // The first walk builds the lazily made indexes it touches (TGW route table tries) and JITs the walker.
        var instances = model.Instances.Keys.Order(StringComparer.Ordinal).ToArray();
        var walker = new PacketWalker(model);
        watch.Restart();
        walker.Walk(new WalkRequest { Source = instances[0], Destination = instances[^1], Protocol = 6, Port = 443 });
        var firstWalkMs = watch.Elapsed.TotalMilliseconds;

        long heap = GC.GetTotalMemory(forceFullCollection: true);
        GC.KeepAlive(model);
        using var process = Process.GetCurrentProcess();
        process.Refresh();
        var m = new LoadMeasurement(loadMs, loadCpuMs, firstWalkMs, process.PeakWorkingSet64, heap, model.Vpcs.Count, model.NetworkInterfaces.Count, model.TransitGatewayRoutes.Values.Sum(l => l.Count));
        Console.WriteLine(JsonSerializer.Serialize(m));
        return 0;
    }

    /// <summary>Starts this program as <c>load-probe ROOT</c> and reads its one-line JSON answer.</summary>
    public static LoadMeasurement Measure(string snapshotRoot)
    {
        var self = Environment.ProcessPath ?? throw new InvalidOperationException("no process path");
        var psi = new ProcessStartInfo { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        if (Path.GetFileNameWithoutExtension(self) == "dotnet")
        {
            psi.FileName = self;
            psi.ArgumentList.Add(typeof(LoadProbe).Assembly.Location);
        }
        else psi.FileName = self;
        psi.ArgumentList.Add("load-probe");
        psi.ArgumentList.Add(snapshotRoot);
        using var child = Process.Start(psi) ?? throw new InvalidOperationException("could not start the load probe");
        var stderr = child.StandardError.ReadToEndAsync();
        var output = child.StandardOutput.ReadToEnd();
        child.WaitForExit();
        if (child.ExitCode != 0) throw new InvalidOperationException($"load probe failed ({child.ExitCode}): {stderr.Result}");
        var line = output.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Last();
        return JsonSerializer.Deserialize<LoadMeasurement>(line) ?? throw new InvalidOperationException($"load probe said '{line}'");
    }

    public static string Mb(long bytes) => (bytes / 1048576.0).ToString("0", CultureInfo.InvariantCulture);
}
