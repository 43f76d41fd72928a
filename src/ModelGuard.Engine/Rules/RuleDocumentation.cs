using System.Linq;
using System.Text;

namespace ModelGuard.Engine.Rules;

/// <summary>Renders the docs pages and the README rule table from the catalog; a test keeps the files equal to this output.</summary>
public static class RuleDocumentation
{
    /// <summary>Marks the start of the generated table in README.md.</summary>
    public const string TableBegin = "<!-- rules:begin -->";

    /// <summary>Marks the end of the generated table in README.md.</summary>
    public const string TableEnd = "<!-- rules:end -->";

    /// <summary>The markdown page <c>docs/rules/{Id}.md</c>.</summary>
    public static string RenderPage(RuleDescriptor rule)
    {
        var page = new StringBuilder();
        page.Append("# ").Append(rule.Id).Append(": ").AppendLine(rule.Title).AppendLine();
        page.AppendLine("<!-- Generated from src/ModelGuard.Engine/Rules/RuleCatalog.cs; edit the catalog, not this page. -->").AppendLine();
        page.AppendLine("| Property | Value |");
        page.AppendLine("| --- | --- |");
        page.Append("| Rule ID | ").Append(rule.Id).AppendLine(" |");
        page.Append("| Title | ").Append(rule.Title).AppendLine(" |");
        page.Append("| Category | ").Append(rule.Category).AppendLine(" |");
        page.Append("| Default severity | ").Append(rule.DefaultSeverity).AppendLine(" |");
        page.AppendLine();
        page.AppendLine("## Cause").AppendLine();
        page.AppendLine(rule.Cause).AppendLine();
        page.AppendLine("## Rule description").AppendLine();
        page.AppendLine(rule.Description).AppendLine();
        page.AppendLine("## How to fix violations").AppendLine();
        page.AppendLine(rule.HowToFix).AppendLine();
        page.AppendLine("## How to suppress").AppendLine();
        page.AppendLine("Suppress only after you have verified the file. ModelGuard obeys the same settings as Roslyn analyzers, with the "
            + "compiler's precedence: `NoWarn` and `ModelGuardNoWarn` win over everything, then `WarningsAsErrors`/`WarningsNotAsErrors`, "
            + "then the nearest `.editorconfig`, then global configs, then `TreatWarningsAsErrors`.").AppendLine();
        if (rule.Category == RuleCategories.Configuration)
        {
            // Problems of the configuration belong to no model file, so only project-wide settings apply to them.
            page.AppendLine("The finding is about the configuration, not a model file, so `.editorconfig` sections do not apply to it; "
                + "in a `.globalconfig` (or any file with `is_global = true`) of the project:").AppendLine();
            page.AppendLine("```ini");
            page.AppendLine("is_global = true");
        }
        else
        {
            page.AppendLine("For the files of one folder, in an `.editorconfig` in that folder (or a section of one above it):").AppendLine();
            page.AppendLine("```ini");
            page.Append('[').Append(EditorConfigSection(rule)).AppendLine("]");
        }

        page.Append("dotnet_diagnostic.").Append(rule.Id).AppendLine(".severity = none");
        page.AppendLine("```").AppendLine();
        page.AppendLine("`none` hides the finding, `silent` keeps it only in the SARIF log, `suggestion` shows it as a message, "
            + "`warning` and `error` as a warning or an error. A `.globalconfig` (or any file with `is_global = true`) sets it for the whole project; "
            + "the category can be set at once with `dotnet_analyzer_diagnostic.category-" + rule.Category + ".severity`.").AppendLine();
        page.AppendLine("For the whole project:").AppendLine();
        page.AppendLine("```xml");
        page.Append("<PropertyGroup>\n  <NoWarn>$(NoWarn);").Append(rule.Id).AppendLine("</NoWarn>\n</PropertyGroup>");
        page.AppendLine("```").AppendLine();
        if (ItemExample(rule) is { } file)
        {
            page.AppendLine("For one file, on its item:").AppendLine();
            page.AppendLine("```xml");
            page.Append("<ItemGroup>\n  <None Update=\"").Append(file).Append("\" ModelGuardNoWarn=\"").Append(rule.Id).AppendLine("\" />\n</ItemGroup>");
            page.AppendLine("```").AppendLine();
        }

        page.AppendLine("## Example").AppendLine();
        page.AppendLine("```");
        page.AppendLine(rule.Example);
        page.AppendLine("```");
        return page.ToString().Replace("\r\n", "\n");
    }

    /// <summary>
    /// The <c>.editorconfig</c> section glob the rule's page shows: the files the rule's family reports on, so a pasted snippet
    /// matches them (a pickle pattern never matched a <c>.safetensors</c> file). Rules about any file use <c>*</c>.
    /// </summary>
    public static string EditorConfigSection(RuleDescriptor rule) => rule.Category switch
    {
        RuleCategories.Pickle => "*.{pt,pth,bin,ckpt,pkl,pickle,joblib,npy,npz}",
        RuleCategories.Safetensors => rule.Id.StartsWith("MG22", System.StringComparison.Ordinal) ? "*.safetensors.index.json" : "*.safetensors",
        RuleCategories.Gguf => "*.gguf",
        RuleCategories.Onnx => rule.Id.StartsWith("MG503", System.StringComparison.Ordinal) ? "genai_config.json" : "*.onnx",
        _ => "*",
    };

    /// <summary>
    /// The file the page's per-item example names: the file of the rule's example output line, or null when that file is not one
    /// a project lists as an item (a configuration file, a lock file, the project file), where item metadata cannot apply.
    /// </summary>
    public static string? ItemExample(RuleDescriptor rule)
    {
        var end = rule.Example.IndexOf(" : ", System.StringComparison.Ordinal);
        var file = end > 0 ? rule.Example.Substring(0, end) : null;
        return file is null || rule.Category == RuleCategories.Configuration || file.IndexOf('(') >= 0 || file.EndsWith("config", System.StringComparison.Ordinal) || file.StartsWith(".", System.StringComparison.Ordinal)
            ? null
            : file;
    }

    /// <summary>
    /// <c>AnalyzerReleases.Shipped.md</c> (<paramref name="shipped"/>) or <c>AnalyzerReleases.Unshipped.md</c> in Roslyn's release-tracking
    /// format: rules with <see cref="RuleDescriptor.ShippedIn"/> grouped by release, the others as the next release's new rules.
    /// </summary>
    public static string RenderReleases(bool shipped)
    {
        var text = new StringBuilder();
        text.AppendLine(shipped ? "; Shipped analyzer releases" : "; Unshipped analyzer release");
        text.AppendLine("; https://github.com/dotnet/roslyn-analyzers/blob/main/src/Microsoft.CodeAnalysis.Analyzers/ReleaseTrackingAnalyzers.Help.md");
        text.AppendLine("; Generated from src/ModelGuard.Engine/Rules/RuleCatalog*.cs; edit the catalog, not this file.");
        if (shipped)
        {
            foreach (var release in RuleCatalog.All.Where(r => r.ShippedIn is not null).GroupBy(r => r.ShippedIn!).OrderBy(g => g.Key, System.StringComparer.Ordinal))
            {
                text.AppendLine().Append("## Release ").AppendLine(release.Key);
                AppendNewRules(text, release);
            }
        }
        else
        {
            var unshipped = RuleCatalog.All.Where(r => r.ShippedIn is null).ToList();
            if (unshipped.Count > 0)
            {
                AppendNewRules(text, unshipped);
            }
        }

        return text.ToString().Replace("\r\n", "\n");
    }

    private static void AppendNewRules(StringBuilder text, System.Collections.Generic.IEnumerable<RuleDescriptor> rules)
    {
        text.AppendLine().AppendLine("### New Rules").AppendLine();
        text.AppendLine("Rule ID | Category | Severity | Notes");
        text.AppendLine("--------|----------|----------|-------");
        foreach (var rule in rules.OrderBy(r => r.Id, System.StringComparer.Ordinal))
        {
            text.Append(rule.Id).Append(" | ").Append(rule.Category).Append(" | ").Append(rule.DefaultSeverity).Append(" | ").AppendLine(rule.Title);
        }
    }

    /// <summary>The README table, markers included.</summary>
    public static string RenderReadmeTable()
    {
        var table = new StringBuilder();
        table.AppendLine(TableBegin);
        table.AppendLine("| ID | Title | Category | Default severity |");
        table.AppendLine("| --- | --- | --- | --- |");
        foreach (var rule in RuleCatalog.All.OrderBy(r => r.Id, System.StringComparer.Ordinal))
        {
            table.Append("| [").Append(rule.Id).Append("](docs/rules/").Append(rule.Id).Append(".md) | ")
                .Append(rule.Title).Append(" | ").Append(rule.Category).Append(" | ").Append(rule.DefaultSeverity).AppendLine(" |");
        }

        table.Append(TableEnd);
        return table.ToString().Replace("\r\n", "\n");
    }
}
