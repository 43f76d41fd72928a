using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using static ModelGuard.Engine.Tests.Formats.Safetensors.SafetensorsTestHelpers;

namespace ModelGuard.Engine.Tests.Formats.Safetensors;

/// <summary>
/// Files whose verdict was recorded from the reference reader itself (Fixtures/safetensors/reference-verdicts.tsv):
/// ModelGuard's MG20xx rule must be the one for the reference's error, and no MG20xx rule where the reference accepts.
/// </summary>
public sealed class SafetensorsReferenceVerdictTests
{
    private static readonly Dictionary<string, string> RuleForReferenceError = new(StringComparer.Ordinal)
    {
        ["OK"] = "OK",
        ["HeaderTooSmall"] = "MG2001",
        ["HeaderTooLarge"] = "MG2002",
        ["InvalidHeaderLength"] = "MG2003",
        ["InvalidHeader"] = "MG2004",
        ["InvalidHeaderDeserializationSyntax"] = "MG2005",
        ["InvalidHeaderDeserializationEof"] = "MG2005",
        ["InvalidHeaderDeserializationData"] = "MG2006",
        ["InvalidOffset"] = "MG2007",
        ["ValidationOverflow"] = "MG2008",
        ["MisalignedSlice"] = "MG2009",
        ["TensorInvalidInfo"] = "MG2010",
        ["MetadataIncompleteBuffer"] = "MG2011",
    };

    [Fact]
    public void Every_recorded_reference_verdict_is_reproduced()
    {
        var path = Path.Combine(AppContext.BaseDirectory, "Fixtures", "safetensors", "reference-verdicts.tsv");
        var lines = System.IO.File.ReadAllLines(path).Where(l => l.Length > 0 && l[0] != '#').ToList();
        Assert.True(lines.Count > 300);
        var failures = new List<string>();
        foreach (var line in lines)
        {
            var columns = line.Split('\t');
            var expected = RuleForReferenceError[columns[0]];
            var reference = Issues(Convert.FromBase64String(columns[1])).Where(i => i.Rule.Id.StartsWith("MG20", StringComparison.Ordinal)).ToList();
            var actual = reference.Count == 0 ? "OK" : string.Join(",", reference.Select(i => i.Rule.Id));
            if (actual != expected)
            {
                failures.Add($"{columns[0]} expected {expected} got {actual}: {columns[1]}");
            }
        }

        Assert.True(failures.Count == 0, string.Join("\n", failures));
    }
}
