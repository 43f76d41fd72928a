using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Reflection;
using System.Text.Json;
using System.Threading.Tasks;
using ModelGuard.TestSupport;

namespace ModelGuard.OnnxRuntimeTests;

/// <summary>
/// Opens every ONNX fixture in ONNX Runtime 1.32.0 (one child process each, 60 s at most): benign ones must load; for the others
/// the runtime's verdict (loaded, refused, crashed, timed out) must equal runtime-verdicts.tsv, the table the engine tests hold
/// ModelGuard to. MODELGUARD_UPDATE_RUNTIME_TABLE=1 rewrites the table from this run; review the diff.
/// </summary>
public sealed class RuntimeVerdictTests
{
    private static readonly string Fixtures = RepositoryRoot.Combine("tests", "ModelGuard.Engine.Tests", "Fixtures", "onnx");

    private static readonly string TablePath = Path.Combine(Fixtures, "runtime-verdicts.tsv");

    [Fact]
    public async Task Benign_fixtures_load_and_every_verdict_matches_the_recorded_table()
    {
        var models = Models();
        Assert.True(models.Count > 40, string.Join("\n", models));
        var verdicts = new SortedDictionary<string, (string Verdict, string Detail)>(StringComparer.Ordinal);
        foreach (var model in models)
        {
            verdicts[model] = await OpenAsync(model);
        }

        var benignFailures = verdicts.Where(v => v.Key.StartsWith("benign/", StringComparison.Ordinal) && v.Value.Verdict != "loaded").Select(v => $"{v.Key}: {v.Value.Verdict} {v.Value.Detail}").ToList();
        Assert.True(benignFailures.Count == 0, string.Join("\n", benignFailures));

        var table = "# ONNX Runtime (Microsoft.ML.OnnxRuntime 1.32.0, linux-x64) opening each fixture in an InferenceSession; written by\n"
            + "# RuntimeVerdictTests (tests/ModelGuard.OnnxRuntimeTests) with MODELGUARD_UPDATE_RUNTIME_TABLE=1. Columns: fixture, verdict, detail.\n"
            + string.Concat(verdicts.Select(v => $"{v.Key}\t{v.Value.Verdict}\t{v.Value.Detail}\n"));
        if (Environment.GetEnvironmentVariable("MODELGUARD_UPDATE_RUNTIME_TABLE") == "1")
        {
            File.WriteAllText(TablePath, table);
        }

        var recorded = File.ReadAllLines(TablePath).Where(l => l.Length > 0 && l[0] != '#').Select(l => l.Split('\t')).ToDictionary(c => c[0], c => c[1], StringComparer.Ordinal);
        var differences = verdicts.Where(v => !recorded.TryGetValue(v.Key, out var r) || r != v.Value.Verdict).Select(v => $"{v.Key}: now {v.Value.Verdict} ({v.Value.Detail}), recorded {(recorded.TryGetValue(v.Key, out var r) ? r : "nothing")}").ToList();
        Assert.True(differences.Count == 0, "the runtime's verdicts differ from runtime-verdicts.tsv (MODELGUARD_UPDATE_RUNTIME_TABLE=1 rewrites it):\n" + string.Join("\n", differences));
    }

    private static List<string> Models()
    {
        using var expected = JsonDocument.Parse(File.ReadAllText(Path.Combine(Fixtures, "expected.json")));
        return expected.RootElement.EnumerateObject().Select(p => p.Name).Where(n => !n.EndsWith(".json", StringComparison.Ordinal)).OrderBy(n => n, StringComparer.Ordinal).ToList();
    }

    private static async Task<(string Verdict, string Detail)> OpenAsync(string model)
    {
        var probe = Path.Combine(ProbeDirectory(), "ModelGuard.OnnxRuntimeProbe.dll");
        var result = await ChildProcess.RunAsync(ChildProcess.Dotnet, new[] { probe, model }, Fixtures, TimeSpan.FromSeconds(60));
        var firstLine = result.Output.Split('\n').Select(l => l.Trim()).FirstOrDefault(l => l.StartsWith("loaded", StringComparison.Ordinal) || l.StartsWith("refused:", StringComparison.Ordinal)) ?? string.Empty;
        if (result.TimedOut)
        {
            return ("timeout", "no verdict within 60 s");
        }

        return result.ExitCode switch
        {
            0 when firstLine == "loaded" => ("loaded", string.Empty),
            1 when firstLine.StartsWith("refused:", StringComparison.Ordinal) => ("refused", Shorten(firstLine.Substring("refused:".Length).Trim())),
            _ => ("crashed", $"exit code {result.ExitCode}"),
        };
    }

    /// <summary>The message without paths and line numbers that change between machines and runtime builds.</summary>
    private static string Shorten(string message)
    {
        var text = System.Text.RegularExpressions.Regex.Replace(message, @"/[^\s""']*/", string.Empty);
        return text.Length > 160 ? text.Substring(0, 160) : text;
    }

    private static string ProbeDirectory()
        => typeof(RuntimeVerdictTests).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>().Single(a => a.Key == "ProbeDirectory").Value!;
}
