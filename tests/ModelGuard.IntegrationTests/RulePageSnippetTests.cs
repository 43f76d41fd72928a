using System;
using System.IO;
using System.Linq;
using System.Text.RegularExpressions;
using System.Threading.Tasks;
using ModelGuard.Engine.Rules;
using ModelGuard.IntegrationTests.Infrastructure;
using ModelGuard.TestSupport;
using static ModelGuard.IntegrationTests.Infrastructure.BuildAssertions;

namespace ModelGuard.IntegrationTests;

/// <summary>
/// The suppression snippets of the rule pages work as written: for one rule of every family, the file its page names is given
/// content that triggers it, then the page's own <c>.editorconfig</c>, item and <c>NoWarn</c> snippets, pasted as shown, each
/// make the finding go away in a real build.
/// </summary>
[Collection(PackageCollection.Name)]
public sealed class RulePageSnippetTests
{
    private readonly PackageFixture _fixture;

    public RulePageSnippetTests(PackageFixture fixture) => _fixture = fixture;

    /// <summary>One rule per family with content that triggers it and nothing else.</summary>
    private static (RuleDescriptor Rule, byte[] Content)[] Cases() => new[]
    {
        (RuleCatalog.UnknownImport, new PickleWriter().Proto(2).Global("mypkg.layers", "Custom").EmptyTuple().NewObj().Stop().ToArray()),
        (RuleCatalog.SafetensorsHeaderTooSmall, new byte[5]),
        (RuleCatalog.SafetensorsIndexUnreadable, "not json"u8.ToArray()),
        (RuleCatalog.ExtensionMismatch, new PickleWriter().Proto(2).EmptyDict().Stop().ToArray()),
        (RuleCatalog.OnnxMasquerade, new PickleWriter().Proto(2).EmptyList().Stop().ToArray()),
        (RuleCatalog.GgufTruncated, "GGUF\u0003\u0000\u0000\u0000\u0000"u8.ToArray()),
        (RuleCatalog.UnverifiedModelFormat, System.IO.File.ReadAllBytes(Path.Combine(RepoPaths.Root, "tests", "ModelGuard.Engine.Tests", "Fixtures", "unverified", "keras-dense.h5"))),
    };

    [Fact]
    public async Task EverySuppressionSnippetOnTheRulePagesSilencesItsFindingInARealBuild()
    {
        var cases = Cases();
        var baseline = await Project("snippets-none", cases).BuildAsync();
        foreach (var (rule, _) in cases)
        {
            AssertContains(baseline, $"{File(rule)} : {(rule.DefaultSeverity == RuleSeverity.Error ? "error" : "warning")} {rule.Id}:");
        }

        var editorConfig = Project("snippets-editorconfig", cases);
        foreach (var group in cases.GroupBy(c => Path.GetDirectoryName(File(c.Rule))!))
        {
            editorConfig.WriteFile(Path.Combine(group.Key, ".editorconfig"), string.Join("\n", group.Select(c => Snippet(c.Rule, "ini", "["))));
        }

        var items = Project("snippets-items", cases);
        foreach (var (rule, _) in cases)
        {
            var snippet = Snippet(rule, "xml", "<ItemGroup>");
            items.AddItem(snippet.Split('\n').Single(line => line.Contains("ModelGuardNoWarn", StringComparison.Ordinal)).Trim());
        }

        var noWarn = Project("snippets-nowarn", cases);
        foreach (var (rule, _) in cases)
        {
            var value = Regex.Match(Snippet(rule, "xml", "<PropertyGroup>"), "<NoWarn>(.*)</NoWarn>").Groups[1].Value;
            noWarn.SetProperty("NoWarn", value);
        }

        foreach (var project in new[] { editorConfig, items, noWarn })
        {
            var build = await project.BuildAsync();
            Assert.True(build.ExitCode == 0, $"{Path.GetFileName(project.Directory)}: " + build.Describe());
            foreach (var (rule, _) in cases)
            {
                AssertDoesNotContain(build, $" {rule.Id}:");
            }
        }
    }

    private TestProject Project(string name, (RuleDescriptor Rule, byte[] Content)[] cases)
    {
        var project = _fixture.CreateProject(name);
        foreach (var (rule, content) in cases)
        {
            project.AddFile("None", File(rule), content);
        }

        return project;
    }

    private static string File(RuleDescriptor rule)
        => RuleDocumentation.ItemExample(rule) ?? throw new InvalidOperationException($"{rule.Id}'s page has no per-file example");

    /// <summary>The first fenced <paramref name="language"/> block of the rule's committed page that starts with <paramref name="start"/>.</summary>
    private static string Snippet(RuleDescriptor rule, string language, string start)
    {
        var page = System.IO.File.ReadAllText(Path.Combine(RepoPaths.Root, "docs", "rules", rule.Id + ".md"));
        return Regex.Matches(page, "```" + language + "\n(.*?)```", RegexOptions.Singleline)
            .Select(m => m.Groups[1].Value)
            .First(block => block.StartsWith(start, StringComparison.Ordinal));
    }
}
