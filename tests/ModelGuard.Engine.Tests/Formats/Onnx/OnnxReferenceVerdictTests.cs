using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using ModelGuard.Engine.Rules;
using ModelGuard.Engine.Scanning;

namespace ModelGuard.Engine.Tests.Formats.Onnx;

/// <summary>
/// Replays Fixtures/onnx/reference-verdicts.tsv: onnx.checker.check_model(full_check=True) verdicts (python3-onnx 1.12) on every
/// fixture and on thousands of mutations, recorded by make_reference_verdicts.py. Every file the checker rejects for a
/// safety-relevant reason (or crashes on) must get a warning or error from ModelGuard. Cosmetic categories (operator schemas, type
/// and shape inference, node order, naming rules, what the 1.12 checker does not know yet) are listed in docs/onnx.md.
/// </summary>
public sealed class OnnxReferenceVerdictTests
{
    /// <summary>Categories whose rejection ModelGuard must reproduce (the others are cosmetic; see docs/onnx.md).</summary>
    private static readonly HashSet<string> SafetyRelevant = new(StringComparer.Ordinal)
    {
        "Parse", "Crash", "ExternalData", "Versions", "SSA", "TensorData", "Function",
    };

    private static readonly HashSet<string> Cosmetic = new(StringComparer.Ordinal)
    {
        "OK", "Inference", "CheckerVersion", "NodeOrder", "Naming", "Schema", "Metadata", "Other",
    };

    [Fact]
    public void Every_file_the_checker_rejects_for_a_safety_reason_is_flagged()
    {
        var rows = Rows();
        Assert.True(rows.Count > 2500, $"{rows.Count} rows");
        Assert.All(rows, r => Assert.True(SafetyRelevant.Contains(r.Verdict) || Cosmetic.Contains(r.Verdict), r.Verdict));
        var missed = new List<string>();
        foreach (var row in rows.Where(r => SafetyRelevant.Contains(r.Verdict)))
        {
            var findings = Scan(row);
            if (!findings.Any(f => f.Rule.DefaultSeverity >= RuleSeverity.Warning))
            {
                missed.Add($"{row.Verdict} {row.Name}: {row.Message} {row.Payload}");
            }
        }

        Assert.True(missed.Count == 0, $"{missed.Count} files the checker rejects pass ModelGuard:\n" + string.Join("\n", missed.Take(30)));
    }

    [Fact]
    public void Files_the_checker_accepts_are_well_formed_protobuf_for_ModelGuard_too()
    {
        // The checker parsed them (python protobuf), so ModelGuard's wire reader must not call them malformed.
        var wrong = Rows().Where(r => r.Verdict == "OK").Select(r => (r, Scan(r))).Where(x => x.Item2.Any(f => f.Rule.Id == RuleIds.OnnxMalformedProtobuf))
            .Select(x => $"{x.r.Name}: {string.Join("; ", x.Item2)} {x.r.Payload}").ToList();
        Assert.True(wrong.Count == 0, string.Join("\n", wrong.Take(20)));
    }

    /// <summary>Fixtures from their folder; mutations as model.onnx alone in a folder (as the checker saw them: no external file exists).</summary>
    private static IReadOnlyList<Findings.Finding> Scan(Row row)
    {
        if (row.Payload.Length == 0)
        {
            return new ModelScanner().ScanFile(OnnxFixtures.PathOf(row.Name), row.Name).Findings;
        }

        var folder = Path.Combine(Path.GetTempPath(), "modelguard-onnx-reference-" + Environment.ProcessId + "-" + Environment.CurrentManagedThreadId);
        Directory.CreateDirectory(folder);
        try
        {
            var path = Path.Combine(folder, "model.onnx");
            File.WriteAllBytes(path, Convert.FromBase64String(row.Payload));
            return new ModelScanner().ScanFile(path, row.Name).Findings;
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    private static List<Row> Rows()
        => File.ReadAllLines(Path.Combine(OnnxFixtures.Root, "reference-verdicts.tsv"))
            .Where(l => l.Length > 0 && l[0] != '#')
            .Select(l => l.Split('\t'))
            .Select(c => new Row(c[0], c[1], c[2], c.Length > 3 ? c[3] : string.Empty))
            .ToList();

    private sealed record Row(string Verdict, string Name, string Payload, string Message);
}
