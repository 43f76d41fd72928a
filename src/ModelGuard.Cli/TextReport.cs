using System.Collections.Generic;
using System.Text;
using ModelGuard.Hosting.Configuration;
using ModelGuard.Hosting.Reporting;

namespace ModelGuard.Cli;

/// <summary><c>path : error MG1001: message [help link]</c>, the shape MSBuild prints and editors and CI log parsers recognise.</summary>
internal static class TextReport
{
    public static string Render(IReadOnlyList<ReportedFinding> findings, HelpLinks helpLinks)
    {
        var text = new StringBuilder();
        foreach (var finding in findings)
        {
            var severity = finding.Decision.Level switch
            {
                ReportLevel.Error => "error",
                ReportLevel.Warning => "warning",
                ReportLevel.Info => "info",
                _ => null, // silent and none: not shown, as in the build; the SARIF and JSON reports keep them.
            };
            if (severity is null)
            {
                continue;
            }

            var origin = finding.DisplayPath ?? "ModelGuard";
            if (finding.Line > 0)
            {
                origin += "(" + finding.Line + ")";
            }

            text.Append(origin).Append(" : ").Append(severity).Append(' ').Append(finding.Rule.Id).Append(": ")
                .Append(finding.Message).Append(" [").Append(helpLinks.For(finding.Rule)).Append("]\n");
        }

        return text.ToString();
    }
}
