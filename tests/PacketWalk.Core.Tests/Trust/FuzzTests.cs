namespace PacketWalk.Core.Tests.Trust;

/// <summary>
/// Runs <see cref="SnapshotFuzzer"/> for a fixed, seeded number of inputs (PACKETWALK_FUZZ_ITERATIONS, PACKETWALK_FUZZ_SEED
/// and PACKETWALK_FUZZ_SECONDS make it hunt longer), and replays every kept crash under tests/fuzz-regressions.
/// </summary>
public class FuzzTests
{
    private static int EnvInt(string name, int fallback) => int.TryParse(Environment.GetEnvironmentVariable(name), out var n) && n > 0 ? n : fallback;

    /// <summary>How long one input may take to read and walk before it counts as a hang.</summary>
    private static readonly TimeSpan HangLimit = TimeSpan.FromSeconds(30);

    [Fact]
    public void Mutated_snapshots_give_only_snapshot_errors_or_verdicts()
    {
        int iterations = EnvInt("PACKETWALK_FUZZ_ITERATIONS", 1500);
        int seconds = EnvInt("PACKETWALK_FUZZ_SECONDS", 0);
        var random = new Random(EnvInt("PACKETWALK_FUZZ_SEED", 20261125));
        var seeds = SnapshotFuzzer.Seeds(generated: 12, random);
        var crashes = new List<SnapshotFuzzer.Crash>();
        var clock = System.Diagnostics.Stopwatch.StartNew();
        int run = 0;
        while (seconds > 0 ? clock.Elapsed.TotalSeconds < seconds : run < iterations)
        {
            run++;
            var input = seeds[random.Next(seeds.Count)];
            for (int m = random.Next(1, 4); m > 0; m--) input = SnapshotFuzzer.Mutate(input, random);
            var walkRandom = new Random(random.Next());
            var task = Task.Run(() => SnapshotFuzzer.Check(input, walks: 6, walkRandom));
            SnapshotFuzzer.Crash? crash = task.Wait(HangLimit) ? task.Result : new SnapshotFuzzer.Crash($"no answer within {HangLimit.TotalSeconds:0} s (hang)", input);
            if (crash is not null) crashes.Add(crash);
            if (crashes.Count >= 5) break;
        }
        if (crashes.Count == 0) return;
        var directory = Environment.GetEnvironmentVariable("PACKETWALK_FUZZ_CRASH_DIR") ?? Path.Combine(ScenarioTests.RepoRoot(), "out", "fuzz-crashes");
        var saved = crashes.Select(c => $"{SnapshotFuzzer.Save(c, directory)}: {c.Input.Name}\n  {c.Description.Split('\n')[0]}");
        Assert.Fail($"{crashes.Count} crashing input(s) in {run} runs; keep each under tests/fuzz-regressions once fixed:\n{string.Join("\n", saved)}");
    }

    public static IEnumerable<object[]> Regressions()
    {
        var root = Path.Combine(ScenarioTests.RepoRoot(), "tests", "fuzz-regressions");
        if (!Directory.Exists(root)) yield break;
        foreach (var d in Directory.GetDirectories(root).OrderBy(d => d, StringComparer.Ordinal))
            yield return new object[] { Path.GetFileName(d) };
    }

    [Fact]
    public void Every_kept_fuzz_crash_now_reads_or_fails_cleanly()
    {
        var root = Path.Combine(ScenarioTests.RepoRoot(), "tests", "fuzz-regressions");
        Assert.True(Directory.Exists(root), "tests/fuzz-regressions holds every input the fuzzer ever crashed on");
        var failures = new List<string>();
        foreach (var name in Regressions().Select(r => (string)r[0]))
        {
            var folder = Path.Combine(root, name, "snapshot");
            var input = new SnapshotFuzzer.Snapshot(name, Directory.GetFiles(folder).OrderBy(f => f, StringComparer.Ordinal)
                .Select(f => (Path.GetFileName(f), File.ReadAllBytes(f))).ToList());
            // Many walks, every protocol, deterministic: the crash was in the reader or in some walk of this estate.
            if (SnapshotFuzzer.Check(input, walks: 200, new Random(1)) is { } crash) failures.Add($"{name}: {crash.Description.Split('\n')[0]}");
        }
        Assert.True(failures.Count == 0, string.Join("\n", failures));
    }
}
