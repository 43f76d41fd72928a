using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Text.Json;
using ModelGuard.Engine.Rules;
using ModelGuard.Engine.Scanning;

namespace ModelGuard.Engine.Tests.Corpora;

/// <summary>
/// Files written by the real libraries (Fixtures/benign/make_benign.py, Fixtures/malicious/make_malicious.py, run with
/// Debian's torch, numpy, scikit-learn and joblib): benign ones must build clean, malicious ones must report exactly
/// the rules listed in expected.json.
/// </summary>
public sealed class RealLibraryFixtureTests
{
    private static readonly string Fixtures = Path.Combine(AppContext.BaseDirectory, "Fixtures");

    public static TheoryData<string> BenignFiles() => Files("benign");

    public static TheoryData<string> MaliciousFiles() => Files("malicious");

    [Theory]
    [MemberData(nameof(BenignFiles))]
    public void Benign_file_has_no_warning_or_error(string name)
    {
        var result = new ModelScanner().ScanFile(Path.Combine(Fixtures, "benign", name), name);
        var blocking = result.Findings.Where(f => f.Rule.DefaultSeverity >= RuleSeverity.Warning).ToList();
        Assert.True(blocking.Count == 0, string.Join("\n", blocking));
        Assert.NotEqual(ContentFormat.Unknown, result.Format);
    }

    [Fact]
    public void Torchscript_is_reported_as_code_and_nothing_else()
    {
        var result = new ModelScanner().ScanFile(Path.Combine(Fixtures, "benign", "torchscript_module.pt"), "torchscript_module.pt");
        Assert.Equal(RuleIds.TorchScriptCode, Assert.Single(result.Findings).Rule.Id);
    }

    [Theory]
    [MemberData(nameof(MaliciousFiles))]
    public void Malicious_file_reports_the_expected_rules(string name)
    {
        using var expectations = JsonDocument.Parse(File.ReadAllText(Path.Combine(Fixtures, "malicious", "expected.json")));
        var expected = expectations.RootElement.GetProperty(name).EnumerateArray().Select(e => e.GetString()!).OrderBy(x => x, StringComparer.Ordinal);
        var result = new ModelScanner().ScanFile(Path.Combine(Fixtures, "malicious", name), name);
        var actual = result.Findings.Where(f => f.Rule.DefaultSeverity >= RuleSeverity.Warning).Select(f => f.Rule.Id).Distinct().OrderBy(x => x, StringComparer.Ordinal);
        Assert.True(expected.SequenceEqual(actual), $"expected [{string.Join(", ", expected)}] but got:\n{string.Join("\n", result.Findings)}");
    }

    private static TheoryData<string> Files(string folder)
    {
        var data = new TheoryData<string>();
        foreach (var file in Directory.GetFiles(Path.Combine(Fixtures, folder)).Select(Path.GetFileName).OrderBy(f => f, StringComparer.Ordinal))
        {
            if (file is not null && !file.EndsWith(".py", StringComparison.Ordinal) && file != "expected.json")
            {
                data.Add(file);
            }
        }

        return data;
    }
}
