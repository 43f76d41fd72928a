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
        page.Append(rule.Title).AppendLine(".").AppendLine();
        page.AppendLine("## Rule description").AppendLine();
        page.AppendLine(rule.Description).AppendLine();
        page.AppendLine("## How to fix violations").AppendLine();
        page.AppendLine(rule.HowToFix).AppendLine();
        page.AppendLine("## How to suppress").AppendLine();
        page.AppendLine("Suppress only after you have verified the file. For the whole project:").AppendLine();
        page.AppendLine("```xml");
        page.Append("<PropertyGroup>\n  <NoWarn>$(NoWarn);").Append(rule.Id).AppendLine("</NoWarn>\n</PropertyGroup>");
        page.AppendLine("```").AppendLine();
        page.AppendLine("For one file, on its item:").AppendLine();
        page.AppendLine("```xml");
        page.Append("<ItemGroup>\n  <None Update=\"models/reviewed.pt\" ModelGuardNoWarn=\"").Append(rule.Id).AppendLine("\" />\n</ItemGroup>");
        page.AppendLine("```").AppendLine();
        page.AppendLine("## Example").AppendLine();
        page.AppendLine("```");
        page.AppendLine(rule.Example);
        page.AppendLine("```");
        return page.ToString().Replace("\r\n", "\n");
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
