using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using ModelGuard.Engine.Rules;
using ModelGuard.Engine.Tests.Scanning;
using ModelGuard.TestSupport;
using Xunit.Abstractions;

namespace ModelGuard.Engine.Tests.Formats.Gguf;

/// <summary>
/// Replays the verdicts @huggingface/gguf gave on every GGUF fixture and thousands of mutations of them
/// (Fixtures/gguf/reference/verdicts.tsv, recorded by record.mjs there; Node.js is not needed here). Every file the
/// reference rejects or crashes on must get an error from ModelGuard. Files it accepts and ModelGuard flags are the
/// documented disagreements (the reference checks neither tensor types, block sizes nor the data layout): they are counted
/// per rule and printed, not failed.
/// </summary>
public sealed class GgufReferenceVerdictTests
{
    private readonly ITestOutputHelper _output;

    public GgufReferenceVerdictTests(ITestOutputHelper output) => _output = output;

    private static string FixturesRoot => Path.Combine(AppContext.BaseDirectory, "Fixtures", "gguf");

    [Fact]
    public void Every_file_the_reference_rejects_is_flagged()
    {
        var missed = Replay("verdicts.tsv", row => row[2] != "OK" ? "@huggingface/gguf: " + row[2] : null);
        Assert.True(missed.Count == 0, $"{missed.Count} files the reference rejects pass ModelGuard:\n" + string.Join("\n", missed.Take(30)));
    }

    /// <summary>
    /// llama.cpp as LLamaSharp 0.30.0 ships it (reference/llamacpp-verdicts.tsv, recorded by tests/ModelGuard.LlamaCppProbe):
    /// every file its GGUF reader refuses or crashes on, and every file its model loader crashes on, must be flagged. A loader
    /// refusal of a file whose header is valid (a vocabulary it cannot build from mutated token strings) is counted, not failed.
    /// </summary>
    [Fact]
    public void Every_file_llama_cpp_refuses_or_crashes_on_is_flagged()
    {
        var missed = Replay("llamacpp-verdicts.tsv", row => row[2] != "OK" ? "llama.cpp header: " + row[2] : row[3].StartsWith("CRASH", StringComparison.Ordinal) ? "llama.cpp loader: " + row[3] : null);
        Assert.True(missed.Count == 0, $"{missed.Count} files llama.cpp refuses or crashes on pass ModelGuard:\n" + string.Join("\n", missed.Take(30)));
    }

    /// <summary>
    /// Scans every row's file; returns the rows <paramref name="mustFlag"/> names (with why) that got no error. Rows the readers
    /// accept and ModelGuard flags are printed per rule: the documented disagreements.
    /// </summary>
    private List<string> Replay(string table, Func<string[], string?> mustFlag)
    {
        var rows = File.ReadAllLines(Path.Combine(FixturesRoot, "reference", table)).Where(l => l.Length > 0 && l[0] != '#').Select(l => l.Split('\t')).ToList();
        Assert.True(rows.Count > 2000, $"expected thousands of recorded verdicts, found {rows.Count}");
        Assert.Contains(rows, r => mustFlag(r) is not null);
        var seeds = new Dictionary<string, byte[]>(StringComparer.Ordinal);
        var missed = new List<string>();
        var stricter = new Dictionary<string, int>(StringComparer.Ordinal);
        var cleanFixturesFlagged = new List<string>();
        foreach (var row in rows)
        {
            var (source, mutation) = (row[0], row[1]);
            if (!seeds.TryGetValue(source, out var seed))
            {
                seed = File.ReadAllBytes(Path.Combine(FixturesRoot, source));
                seeds.Add(source, seed);
            }

            var result = ScanHelpers.Scan(GgufMutation.Apply(seed, mutation), "model.gguf");
            Assert.DoesNotContain(result.Findings, f => f.Rule.Id == RuleIds.InternalError);
            var why = mustFlag(row);
            if (why is not null && !result.Findings.Any(f => f.Rule.DefaultSeverity == RuleSeverity.Error))
            {
                missed.Add($"{source} [{mutation}] {why}; ModelGuard: {(result.Findings.Count == 0 ? "clean" : result.Describe())}");
            }
            else if (why is null && result.Findings.Count > 0)
            {
                var key = string.Join("+", result.Findings.Select(f => f.Rule.Id).Distinct().OrderBy(id => id, StringComparer.Ordinal));
                stricter[key] = stricter.TryGetValue(key, out var n) ? n + 1 : 1;
                if (mutation.Length == 0 && !source.StartsWith("malformed/", StringComparison.Ordinal))
                {
                    cleanFixturesFlagged.Add(source + ": " + result.Describe());
                }
            }
        }

        _output.WriteLine($"{table}: {rows.Count} rows, {rows.Count(r => mustFlag(r) is not null)} that must be flagged");
        foreach (var pair in stricter.OrderByDescending(p => p.Value))
        {
            _output.WriteLine($"accepted by the reader, ModelGuard reports {pair.Key}: {pair.Value}");
        }

        Assert.True(cleanFixturesFlagged.Count == 0, string.Join("\n", cleanFixturesFlagged));
        return missed;
    }

    [Fact]
    public void Mutations_apply_as_the_recorder_applies_them()
    {
        var seed = new byte[] { 1, 2, 3, 4, 5, 6, 7, 8, 9, 10 };
        Assert.Equal(new byte[] { 0xFF, 0xFF, 0xFF, 0xFF, 5, 6, 0xAB, 8 }, GgufMutation.Apply(seed, "u32@0=4294967295;del@6+1;cut=7;ins@6=ab"));
        Assert.Equal(seed, GgufMutation.Apply(seed, "u64@5=1"));
    }
}
