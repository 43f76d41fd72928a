using System;
using System.IO;
using System.Linq;
using ModelGuard.Engine.Rules;
using ModelGuard.Engine.Scanning;

namespace ModelGuard.Engine.Tests.Formats.Onnx;

/// <summary>
/// Replays Fixtures/onnx/runtime-verdicts.tsv, what ONNX Runtime 1.32.0 does with each fixture (recorded and kept current by
/// tests/ModelGuard.OnnxRuntimeTests): ModelGuard flags every model the runtime does not load cleanly, and every external-data
/// escape whatever the runtime does (older runtimes follow them).
/// </summary>
public sealed class OnnxRuntimeVerdictTests
{
    [Fact]
    public void Every_model_the_runtime_does_not_load_is_flagged_and_every_escape_whatever_it_does()
    {
        var rows = File.ReadAllLines(Path.Combine(OnnxFixtures.Root, "runtime-verdicts.tsv")).Where(l => l.Length > 0 && l[0] != '#').Select(l => l.Split('\t')).ToList();
        Assert.Equal(OnnxFixtures.Expected.Keys.Where(k => !k.EndsWith(".json", StringComparison.Ordinal)).OrderBy(k => k, StringComparer.Ordinal), rows.Select(r => r[0]));
        Assert.All(rows, r => Assert.Contains(r[1], new[] { "loaded", "refused", "crashed", "timeout" }));
        Assert.Contains(rows, r => r[1] == "refused");
        foreach (var row in rows)
        {
            var findings = new ModelScanner().ScanFile(OnnxFixtures.PathOf(row[0]), row[0]).Findings;
            if (row[1] != "loaded")
            {
                Assert.True(findings.Any(f => f.Rule.DefaultSeverity >= RuleSeverity.Warning), $"ONNX Runtime says {row[1]} ({row[2]}) for {row[0]}, ModelGuard says nothing");
            }

            if (OnnxFixtures.Expected[row[0]].Contains(RuleIds.OnnxExternalDataEscapesFolder))
            {
                Assert.Contains(findings, f => f.Rule.Id == RuleIds.OnnxExternalDataEscapesFolder);
            }

            if (row[0].StartsWith("benign/", StringComparison.Ordinal))
            {
                Assert.Equal("loaded", row[1]);
            }
        }
    }
}
