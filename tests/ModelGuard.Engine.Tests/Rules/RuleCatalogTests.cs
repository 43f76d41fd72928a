using System;
using System.IO;
using System.Linq;
using System.Reflection;
using System.Text.RegularExpressions;
using ModelGuard.Engine.Rules;
using ModelGuard.TestSupport;

namespace ModelGuard.Engine.Tests.Rules;

/// <summary>
/// The catalog is the single source of truth: docs pages and the README table must equal what it renders.
/// Set MODELGUARD_UPDATE_DOCS=1 to rewrite them from the catalog, then review the diff.
/// </summary>
public sealed class RuleCatalogTests
{
    private static readonly bool Update = Environment.GetEnvironmentVariable("MODELGUARD_UPDATE_DOCS") == "1";

    public static TheoryData<string> RuleIdsInCatalog()
    {
        var data = new TheoryData<string>();
        foreach (var rule in RuleCatalog.All)
        {
            data.Add(rule.Id);
        }

        return data;
    }

    [Fact]
    public void Every_id_constant_is_in_the_catalog_once()
    {
        var constants = typeof(RuleIds).GetFields(BindingFlags.Public | BindingFlags.Static).Select(f => (string)f.GetValue(null)!).ToList();
        Assert.Equal(constants.OrderBy(x => x, StringComparer.Ordinal), RuleCatalog.All.Select(r => r.Id));
        Assert.All(constants, id => Assert.Matches("^MG[1-9][0-9]{3}$", id));
    }

    [Theory]
    [MemberData(nameof(RuleIdsInCatalog))]
    public void Docs_page_is_generated_from_the_catalog(string id)
    {
        var rule = RuleCatalog.Find(id)!;
        var path = RepositoryRoot.Combine("docs", "rules", id + ".md");
        var expected = RuleDocumentation.RenderPage(rule);
        if (Update)
        {
            File.WriteAllText(path, expected);
        }

        Assert.True(File.Exists(path), $"{path} is missing; run the tests with MODELGUARD_UPDATE_DOCS=1");
        Assert.Equal(expected, File.ReadAllText(path).Replace("\r\n", "\n"));
        Assert.EndsWith("docs/rules/" + id + ".md", rule.HelpLink.AbsoluteUri, StringComparison.Ordinal);
    }

    [Fact]
    public void No_docs_page_without_a_rule()
    {
        var pages = Directory.GetFiles(RepositoryRoot.Combine("docs", "rules"), "*.md").Select(Path.GetFileNameWithoutExtension);
        Assert.All(pages, page => Assert.NotNull(RuleCatalog.Find(page!)));
    }

    [Fact]
    public void Readme_rule_table_is_generated_from_the_catalog()
    {
        var path = RepositoryRoot.Combine("README.md");
        var readme = File.ReadAllText(path).Replace("\r\n", "\n");
        var pattern = new Regex(Regex.Escape(RuleDocumentation.TableBegin) + ".*?" + Regex.Escape(RuleDocumentation.TableEnd), RegexOptions.Singleline);
        Assert.Matches(pattern, readme);
        var expected = RuleDocumentation.RenderReadmeTable();
        if (Update)
        {
            File.WriteAllText(path, pattern.Replace(readme, expected.Replace("$", "$$")));
            readme = File.ReadAllText(path);
        }

        Assert.Equal(expected, pattern.Match(readme).Value);
    }

    [Fact]
    public void Rules_the_engine_reports_are_all_in_the_catalog()
    {
        // Guards against a rule created outside the catalog: every descriptor field of RuleCatalog is listed in All.
        var fields = typeof(RuleCatalog).GetFields(BindingFlags.Public | BindingFlags.Static).Where(f => f.FieldType == typeof(RuleDescriptor));
        Assert.Equal(fields.Count(), RuleCatalog.All.Count);
    }

    [Theory]
    [InlineData(true, "AnalyzerReleases.Shipped.md")]
    [InlineData(false, "AnalyzerReleases.Unshipped.md")]
    public void Release_tracking_files_are_generated_from_the_catalog(bool shipped, string name)
    {
        // Roslyn's release-tracking format (RS2000-RS2008), next to the catalog.
        var path = RepositoryRoot.Combine("src", "ModelGuard.Engine", name);
        var expected = RuleDocumentation.RenderReleases(shipped);
        if (Update)
        {
            File.WriteAllText(path, expected);
        }

        Assert.True(File.Exists(path), $"{path} is missing; run the tests with MODELGUARD_UPDATE_DOCS=1");
        Assert.Equal(expected, File.ReadAllText(path).Replace("\r\n", "\n"));
    }

    [Fact]
    public void Every_rule_is_in_exactly_one_release_tracking_file()
    {
        var listed = new[] { RuleDocumentation.RenderReleases(true), RuleDocumentation.RenderReleases(false) }
            .SelectMany(text => text.Split('\n'))
            .Select(line => Regex.Match(line, "^(MG[0-9]{4}) \\| "))
            .Where(m => m.Success)
            .Select(m => m.Groups[1].Value)
            .ToList();
        Assert.Equal(RuleCatalog.All.Select(r => r.Id), listed.OrderBy(x => x, StringComparer.Ordinal));
    }

    [Fact]
    public void Help_links_resolve_to_the_docs_pages_in_this_repository()
    {
        // HelpLinkBase is a GitHub "blob" URL: https://github.com/<owner>/<repo>/blob/<branch>/<path in the repository>.
        var match = Regex.Match(RuleCatalog.HelpLinkBase, "^https://github\\.com/[^/]+/[^/]+/blob/[^/]+/(?<path>.+/)$");
        Assert.True(match.Success, RuleCatalog.HelpLinkBase);
        foreach (var rule in RuleCatalog.All)
        {
            Assert.Equal(RuleCatalog.HelpLinkBase + rule.Id + ".md", rule.HelpLink.AbsoluteUri);
            var relative = match.Groups["path"].Value + rule.Id + ".md";
            Assert.Equal("docs/rules/" + rule.Id + ".md", relative);
            Assert.True(File.Exists(RepositoryRoot.Combine(relative.Split('/'))), $"{rule.HelpLink} points at {relative}, which does not exist");
        }
    }

    [Fact]
    public void Every_rule_has_a_tool_name_and_a_cause()
    {
        Assert.All(RuleCatalog.All, rule =>
        {
            Assert.Matches("^[A-Z][A-Za-z0-9]+$", rule.Name);
            Assert.False(string.IsNullOrWhiteSpace(rule.Cause));
        });
        Assert.Equal(RuleCatalog.All.Count, RuleCatalog.All.Select(r => r.Name).Distinct(StringComparer.Ordinal).Count());
    }
}
