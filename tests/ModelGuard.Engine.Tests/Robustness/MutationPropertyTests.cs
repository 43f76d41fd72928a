using System;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Text;
using ModelGuard.Engine.Rules;
using ModelGuard.Engine.Scanning;

namespace ModelGuard.Engine.Tests.Robustness;

/// <summary>
/// Property: whatever is done to a real file (bit flips, truncations, inserted bytes, length fields set to 0, 2^32-1,
/// 2^63-1, 2^64-1 or the file length ± 1, ...), ModelScanner.Scan ends in findings or a clean result within the time bound:
/// never an exception, never MG9001 (an internal error is a bug), never the time limit. The seed is fixed per file, so a
/// failure reproduces; its message names the seed, the mutation and a copy of the input. The time bound is 2 s of the scanning
/// thread's CPU time per mutated file.
/// </summary>
public sealed class MutationPropertyTests
{
    /// <summary>Mutations per corpus file (about 170 files: some 17,000 scans).</summary>
    private const int MutationsPerFile = 100;

    /// <summary>
    /// The per-file time bound, in CPU time of the scanning thread (the suite runs beside builds and a fuzzing campaign, so
    /// wall-clock time would measure the machine's load). Typical scans take a millisecond.
    /// </summary>
    private static readonly TimeSpan TimeBound = TimeSpan.FromSeconds(2);

    /// <summary>The engine's own wall-clock limit, a backstop for a hang: reaching it (MG3021) fails the test too.</summary>
    private static readonly TimeSpan WallLimit = TimeSpan.FromSeconds(30);

    /// <summary>
    /// Production options, except that a decompressed stream may produce 4 MiB (32 MiB per file): mutated bombs would otherwise
    /// spend the suite's time decompressing, which the limit tests cover on their own.
    /// </summary>
    private static readonly ScanOptions Options = new()
    {
        MaxScanTime = WallLimit,
        MaxDecompressedBytes = 4L * 1024 * 1024,
        MaxTotalDecompressedBytes = 32L * 1024 * 1024,
    };

    public static TheoryData<string> CorpusFiles() => RobustnessCorpus.Theory();

    [Fact]
    public void The_corpus_covers_fixtures_peer_files_and_generated_checkpoints()
    {
        var names = RobustnessCorpus.Names;
        Assert.True(names.Count(n => n.StartsWith("fixtures/", StringComparison.Ordinal)) > 100, string.Join("\n", names));
        Assert.True(names.Count(n => n.StartsWith("picklescan/", StringComparison.Ordinal)) > 20, string.Join("\n", names));
        Assert.Contains("generated/deflated.pt", names);
    }

    [Fact]
    public void The_time_bound_measures_the_thread_s_cpu_time()
    {
        var clock = ThreadCpuClock.Start();
        System.Threading.Thread.Sleep(300);
        var sleeping = clock.Elapsed;
        var busy = ThreadCpuClock.Start();
        var spin = System.Diagnostics.Stopwatch.StartNew();
        while (spin.ElapsedMilliseconds < 200)
        {
        }

        Assert.True(busy.Elapsed > TimeSpan.Zero, $"spinning 200 ms measured {busy.Elapsed}");
        if (OperatingSystem.IsLinux())
        {
            Assert.True(ThreadCpuClock.MeasuresCpu);
            Assert.True(sleeping < TimeSpan.FromMilliseconds(100), $"sleeping 300 ms measured {sleeping} of CPU time");
        }
    }

    [Theory]
    [MemberData(nameof(CorpusFiles))]
    public void Mutated_files_end_in_findings_or_a_clean_result(string name)
    {
        var original = RobustnessCorpus.Read(name);
        var seed = StableSeed(name);
        var mutator = new Mutator(original, seed);
        var scanner = new ModelScanner(Options);
        var displayName = Path.GetFileName(name);
        for (var i = 0; i < MutationsPerFile; i++)
        {
            var input = mutator.Next(out var mutation);
            string? problem = null;
            var clock = ThreadCpuClock.Start();
            try
            {
                using var stream = new MemoryStream(input, writable: false);
                var result = scanner.Scan(stream, displayName);
                var cpu = clock.Elapsed;
                if (result.Findings.FirstOrDefault(f => f.Rule.Id is RuleIds.InternalError or RuleIds.ScanTimeLimitExceeded) is { } bad)
                {
                    problem = bad.ToString();
                }
                else if (cpu > TimeBound)
                {
                    problem = $"the scan took {cpu.TotalMilliseconds:0} ms of CPU time ({clock.Wall.TotalMilliseconds:0} ms wall clock)";
                }
            }
            catch (Exception ex)
            {
                problem = "an exception escaped ModelScanner.Scan: " + ex;
            }

            if (problem is not null)
            {
                Assert.Fail(Report(name, seed, i, mutation, input, problem));
            }
        }
    }

    /// <summary>A seed that depends only on the name (string.GetHashCode is randomised per process).</summary>
    internal static int StableSeed(string name)
    {
        var hash = 2166136261u;
        foreach (var b in Encoding.UTF8.GetBytes(name))
        {
            hash = (hash ^ b) * 16777619u;
        }

        return (int)(hash & 0x7FFFFFFF);
    }

    private static string Report(string name, int seed, int index, string mutation, byte[] input, string problem)
    {
        var folder = Path.Combine(Path.GetTempPath(), "modelguard-mutation-failures");
        Directory.CreateDirectory(folder);
        var copy = Path.Combine(folder, string.Create(CultureInfo.InvariantCulture, $"{name.Replace('/', '_')}-seed{seed}-mutation{index}.bin"));
        File.WriteAllBytes(copy, input);
        return string.Create(
            CultureInfo.InvariantCulture,
            $"{name}, seed {seed}, mutation #{index} ({mutation}): {problem}\nThe mutated input ({input.Length} bytes) is in {copy}");
    }
}
