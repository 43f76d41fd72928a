using System;
using System.IO;
using System.Linq;
using ModelGuard.Engine.Rules;
using ModelGuard.IntegrationTests.Infrastructure;

namespace ModelGuard.IntegrationTests;

/// <summary>The README's rule table is generated from nothing, so it is checked against the catalog.</summary>
public sealed class ReadmeTests
{
    [Fact]
    public void RuleTableMatchesTheCatalog()
    {
        var readme = File.ReadAllText(Path.Combine(RepoPaths.Root, "README.md")).Replace("\r\n", "\n", StringComparison.Ordinal);
        const string Begin = "<!-- rules:begin -->";
        const string End = "<!-- rules:end -->";
        var start = readme.IndexOf(Begin, StringComparison.Ordinal);
        var end = readme.IndexOf(End, StringComparison.Ordinal);
        Assert.True(start >= 0 && end > start, "README.md must contain the rules:begin/rules:end markers in order.");

        var rows = readme.Substring(start + Begin.Length, end - start - Begin.Length)
            .Split('\n')
            .Select(l => l.Trim())
            .Where(l => l.StartsWith("| [MG", StringComparison.Ordinal))
            .ToArray();
        var expected = RuleCatalog.All
            .Select(r => $"| [{r.Id}](docs/rules/{r.Id}.md) | {r.Title} | {r.Category} | {r.DefaultSeverity} |")
            .ToArray();

        Assert.Equal(expected, rows);
    }
}
