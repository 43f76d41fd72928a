using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Text.Json;
using ModelGuard.Engine.Rules;
using ModelGuard.Engine.Scanning;
using ModelGuard.TestSupport;

namespace ModelGuard.Engine.Tests.Corpora;

/// <summary>Every file of picklescan's public test suite, against the verdicts in its expected.json.</summary>
public sealed class PicklescanCorpusTests
{
    private const string Corpus = "picklescan";

    public static TheoryData<string, string> Expectations()
    {
        var data = new TheoryData<string, string>();
        using var json = JsonDocument.Parse(File.ReadAllText(PeerCorpora.File(Corpus, "expected.json")));
        foreach (var item in json.RootElement.EnumerateArray())
        {
            data.Add(item.GetProperty("file").GetString()!, item.GetProperty("expect").GetString()!);
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(Expectations))]
    public void File_gets_the_expected_verdict(string file, string expect)
    {
        var result = new ModelScanner().ScanFile(PeerCorpora.File(Corpus, file), file);
        var findings = string.Join("\n", result.Findings.Select(f => f.ToString()));
        Assert.DoesNotContain(result.Findings, f => f.Rule.Id == RuleIds.InternalError);
        switch (expect)
        {
            case "unsafe":
                Assert.True(result.Findings.Any(f => f.Rule.DefaultSeverity == RuleSeverity.Error), $"{file} is unsafe but got no error:\n{findings}");
                break;
            case "safe":
                Assert.True(result.Findings.Count == 0, $"{file} is safe but got findings:\n{findings}");
                break;
            case "not-a-model":
                Assert.False(result.Findings.Any(f => f.Rule.Id.StartsWith("MG1", System.StringComparison.Ordinal)), $"{file} is not a model but got pickle findings:\n{findings}");
                break;
            case "unverifiable":
                Assert.True(result.Findings.Any(f => f.Rule.Id == RuleIds.UninspectableContent && f.Message.Contains("cannot be inspected", System.StringComparison.Ordinal)), $"{file} should be reported as uninspectable:\n{findings}");
                break;
            default:
                Assert.Fail($"unknown expectation '{expect}' for {file}");
                break;
        }
    }

    [Fact]
    public void Expected_json_covers_every_file_of_the_corpus()
    {
        var listed = new HashSet<string>(Expectations().Select(row => (string)row[0]));
        var files = Directory.GetFiles(PeerCorpora.Directory(Corpus))
            .Select(Path.GetFileName)
            .Where(name => name is not ("expected.json" or "README.md"))
            .ToList();
        Assert.NotEmpty(files);
        Assert.All(files, name => Assert.Contains(name!, listed));
    }
}
