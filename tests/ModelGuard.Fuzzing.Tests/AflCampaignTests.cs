using System;
using System.Collections.Concurrent;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Reflection;
using System.Text;
using System.Threading;
using System.Threading.Tasks;
using ModelGuard.TestSupport;
using Xunit.Abstractions;

namespace ModelGuard.Fuzzing.Tests;

/// <summary>
/// A bounded coverage-guided fuzzing campaign of every parser, as part of the normal test run (and so of CI): AFL++ from Debian
/// (installed by tests/ModelGuard.Fuzzing/install.sh), the harness's ModelGuard.Engine.dll instrumented by the SharpFuzz tool,
/// seed corpora copied from the test fixtures and the peer corpus at run time. Every crash or hang AFL++ saves is replayed without
/// AFL++; the test fails listing each one that reproduces (copied to fuzz-findings/ in the test output folder).
/// </summary>
public sealed class AflCampaignTests
{
    /// <summary>Seconds per target unless MODELGUARD_FUZZ_SECONDS says otherwise; 14 targets, two at a time on two cores: about 4 minutes.</summary>
    private const int DefaultSecondsPerTarget = 30;

    /// <summary>AFL++'s per-input timeout: far above what any input takes (the harness scans with a 5 s time limit), far below a hang.</summary>
    private const int ExecTimeoutMs = 10_000;

    private readonly ITestOutputHelper _output;

    public AflCampaignTests(ITestOutputHelper output) => _output = output;

    [Fact]
    public async Task Every_parser_survives_a_bounded_afl_campaign()
    {
        var seconds = SecondsPerTarget();
        var repo = RepositoryRoot.Path;
        var install = await ChildProcess.RunAsync("bash", new[] { Path.Combine(repo, "tests", "ModelGuard.Fuzzing", "install.sh") }, repo, TimeSpan.FromMinutes(10));
        Assert.True(install.ExitCode == 0, "AFL++ or the SharpFuzz tool could not be installed: " + install.Describe());
        Log(install.Output.Trim());

        var harness = HarnessDirectory();
        var harnessDll = Path.Combine(harness, "ModelGuard.Fuzzing.dll");
        Assert.True(File.Exists(harnessDll), $"The fuzzing harness is not built at {harnessDll} (build Analyzers.sln first).");

        var work = Path.Combine(Path.GetTempPath(), "modelguard-fuzz-" + Guid.NewGuid().ToString("N").Substring(0, 8));
        try
        {
            // AFL++ runs an instrumented copy; seeds and replays use the plain build (instrumented code needs AFL++'s coverage map).
            var instrumented = Path.Combine(work, "instrumented");
            CopyDirectory(harness, instrumented);
            var sharpfuzz = await ChildProcess.RunAsync(ChildProcess.Dotnet, new[] { "tool", "run", "sharpfuzz", Path.Combine(instrumented, "ModelGuard.Engine.dll") }, repo, TimeSpan.FromMinutes(5));
            Assert.True(sharpfuzz.ExitCode == 0, "SharpFuzz could not instrument ModelGuard.Engine.dll: " + sharpfuzz.Describe());

            var list = await ChildProcess.RunAsync(ChildProcess.Dotnet, new[] { harnessDll, "list" }, work, TimeSpan.FromMinutes(2));
            Assert.True(list.ExitCode == 0, list.Describe());
            var targets = list.Output.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Select(l => l.Split('\t')[0]).ToArray();
            Assert.True(targets.Length >= 13, "expected a fuzz target per parser:\n" + list.Output);

            var campaigns = new ConcurrentBag<Campaign>();
            using var slots = new SemaphoreSlim(Math.Clamp(Environment.ProcessorCount, 1, 4));
            await Task.WhenAll(targets.Select(async target =>
            {
                await slots.WaitAsync();
                try
                {
                    campaigns.Add(await RunCampaignAsync(target, harnessDll, Path.Combine(instrumented, "ModelGuard.Fuzzing.dll"), Path.Combine(work, target), seconds));
                }
                finally
                {
                    slots.Release();
                }
            }));

            var problems = new List<string>();
            Log($"{"target",-20} {"execs",10} {"corpus",7} {"coverage",9} {"crashes",8} {"hangs",6}");
            foreach (var campaign in campaigns.OrderBy(c => c.Target, StringComparer.Ordinal))
            {
                Log($"{campaign.Target,-20} {campaign.Stat("execs_done"),10} {campaign.Stat("corpus_count"),7} {campaign.Stat("bitmap_cvg"),9} {campaign.Stat("saved_crashes"),8} {campaign.Stat("saved_hangs"),6}");
                problems.AddRange(campaign.Problems);
                foreach (var note in campaign.Notes)
                {
                    Log("  " + note);
                }
            }

            Assert.True(problems.Count == 0, $"{problems.Count} problem(s) in the fuzzing campaign:\n\n" + string.Join("\n\n", problems));
        }
        finally
        {
            TryDelete(work);
        }
    }

    private async Task<Campaign> RunCampaignAsync(string target, string harnessDll, string instrumentedDll, string folder, int seconds)
    {
        var campaign = new Campaign(target);
        var seeds = Path.Combine(folder, "in");
        var findings = Path.Combine(folder, "out");
        var fixtures = Path.Combine(RepositoryRoot.Path, "tests", "ModelGuard.Engine.Tests", "Fixtures");
        var seeding = await ChildProcess.RunAsync(ChildProcess.Dotnet, new[] { harnessDll, "seeds", target, seeds, fixtures, PeerCorpora.Root }, RepositoryRoot.Path, TimeSpan.FromMinutes(2));
        if (seeding.ExitCode != 0)
        {
            campaign.Problems.Add($"{target}: no seed corpus: {seeding.Describe()}");
            return campaign;
        }

        var environment = new Dictionary<string, string>
        {
            ["AFL_SKIP_BIN_CHECK"] = "1", // the target is the dotnet host; the coverage comes from SharpFuzz's instrumentation
            ["AFL_NO_UI"] = "1",
            ["AFL_I_DONT_CARE_ABOUT_MISSING_CRASHES"] = "1", // core_pattern belongs to the machine, not to this test
            ["AFL_SKIP_CPUFREQ"] = "1",
            ["AFL_NO_AFFINITY"] = "1", // campaigns share the cores with each other and with the rest of the test run
            ["AFL_FAST_CAL"] = "1",
            ["MODELGUARD_FUZZ_LOG"] = Path.Combine(folder, "exceptions.log"), // the harness appends every exception it rethrows
        };
        var afl = await ChildProcess.RunAsync(
            "afl-fuzz",
            new[] { "-i", seeds, "-o", findings, "-V", seconds.ToString(CultureInfo.InvariantCulture), "-t", ExecTimeoutMs.ToString(CultureInfo.InvariantCulture) + "+", "-m", "none", "--", ChildProcess.Dotnet, instrumentedDll, "run", target },
            folder,
            TimeSpan.FromSeconds(seconds + 180),
            environment,
            maxOutputChars: 20_000);
        var stats = Path.Combine(findings, "default", "fuzzer_stats");
        if (afl.TimedOut || !File.Exists(stats))
        {
            campaign.Problems.Add($"{target}: AFL++ did not complete a campaign: {Tail(afl.Describe(), 4000)}");
            return campaign;
        }

        foreach (var line in File.ReadAllLines(stats))
        {
            var colon = line.IndexOf(':', StringComparison.Ordinal);
            if (colon > 0)
            {
                campaign.Stats[line.Substring(0, colon).Trim()] = line.Substring(colon + 1).Trim();
            }
        }

        if (!long.TryParse(campaign.Stat("execs_done"), NumberStyles.Integer, CultureInfo.InvariantCulture, out var execs) || execs == 0)
        {
            campaign.Problems.Add($"{target}: AFL++ ran no input: {Tail(afl.Describe(), 4000)}");
        }

        await TriageAsync(campaign, harnessDll, Path.Combine(findings, "default", "crashes"), hang: false);
        await TriageAsync(campaign, harnessDll, Path.Combine(findings, "default", "hangs"), hang: true);

        // An exception the harness saw is a bug even when its input does not replay (it would then depend on state).
        var exceptions = Path.Combine(folder, "exceptions.log");
        if (File.Exists(exceptions) && new FileInfo(exceptions).Length > 0)
        {
            campaign.Problems.Add($"{target}: the parser threw under AFL++ (input size and base64 head in each entry):\n{Tail(File.ReadAllText(exceptions), 6000)}");
        }

        return campaign;
    }

    /// <summary>Replays what AFL++ saved with the plain harness; what reproduces is a problem, the rest a note.</summary>
    private static async Task TriageAsync(Campaign campaign, string harnessDll, string folder, bool hang)
    {
        if (!Directory.Exists(folder))
        {
            return;
        }

        var kind = hang ? "hang" : "crash";
        foreach (var input in Directory.GetFiles(folder, "id*").OrderBy(f => f, StringComparer.Ordinal).Take(20))
        {
            var replay = await ChildProcess.RunAsync(ChildProcess.Dotnet, new[] { harnessDll, "once", campaign.Target, input }, Path.GetDirectoryName(harnessDll)!, TimeSpan.FromSeconds(60));
            var reproduced = hang ? replay.TimedOut || replay.Elapsed > TimeSpan.FromMilliseconds(ExecTimeoutMs) : replay.ExitCode != 0;
            if (!reproduced)
            {
                // SharpFuzz reports a child process that died without an exception (killed, or its pipe broke) as a crash.
                campaign.Notes.Add($"{kind} {Path.GetFileName(input)} did not reproduce outside AFL++ ({replay.Elapsed.TotalMilliseconds:0} ms, exit {replay.ExitCode}); no exception was logged for it");
                continue;
            }

            var kept = Path.Combine(AppContext.BaseDirectory, "fuzz-findings", campaign.Target, Path.GetFileName(input).Replace(':', '_').Replace(',', '_'));
            Directory.CreateDirectory(Path.GetDirectoryName(kept)!);
            File.Copy(input, kept, overwrite: true);
            var bytes = File.ReadAllBytes(input);
            var text = new StringBuilder()
                .Append(CultureInfo.InvariantCulture, $"{campaign.Target}: {kind} input {kept} ({bytes.Length} bytes)")
                .Append(bytes.Length <= 4096 ? "\n  base64: " + Convert.ToBase64String(bytes) : string.Empty)
                .Append("\n  replay: ").Append(Tail(replay.Describe(), 3000));
            campaign.Problems.Add(text.ToString());
        }
    }

    private static int SecondsPerTarget()
        => int.TryParse(Environment.GetEnvironmentVariable("MODELGUARD_FUZZ_SECONDS"), NumberStyles.Integer, CultureInfo.InvariantCulture, out var value) && value > 0
            ? value
            : DefaultSecondsPerTarget;

    private static string HarnessDirectory()
        => typeof(AflCampaignTests).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>().Single(a => a.Key == "HarnessDirectory").Value!;

    private static void CopyDirectory(string source, string destination)
    {
        foreach (var file in Directory.EnumerateFiles(source, "*", SearchOption.AllDirectories))
        {
            var target = Path.Combine(destination, Path.GetRelativePath(source, file));
            Directory.CreateDirectory(Path.GetDirectoryName(target)!);
            File.Copy(file, target, overwrite: true);
        }
    }

    private static string Tail(string text, int length) => text.Length <= length ? text : "…" + text.Substring(text.Length - length);

    private static void TryDelete(string folder)
    {
        try
        {
            Directory.Delete(folder, recursive: true);
        }
        catch (IOException)
        {
        }
        catch (UnauthorizedAccessException)
        {
        }
    }

    private void Log(string line)
    {
        _output.WriteLine(line);
    }

    private sealed class Campaign
    {
        public Campaign(string target) => Target = target;

        public string Target { get; }

        public Dictionary<string, string> Stats { get; } = new(StringComparer.Ordinal);

        public List<string> Problems { get; } = new();

        public List<string> Notes { get; } = new();

        public string Stat(string key) => Stats.TryGetValue(key, out var value) ? value : "-";
    }
}
