using System.Collections.Generic;
using System.Text;
using ModelGuard.Hosting.Configuration;
using ModelGuard.Hosting.Reporting;

namespace ModelGuard.Cli;

/// <summary>
/// GitHub Actions workflow commands (<c>::error file=models/x.pt,title=MG1001::message</c>): each finding becomes an annotation
/// on the run and the pull request. Paths are relative to the working directory, so scan from the repository root.
/// </summary>
internal static class GitHubAnnotations
{
    public static string Render(IReadOnlyList<ReportedFinding> findings, HelpLinks helpLinks)
    {
        var text = new StringBuilder();
        foreach (var finding in findings)
        {
            var command = finding.Decision.Level switch
            {
                ReportLevel.Error => "error",
                ReportLevel.Warning => "warning",
                ReportLevel.Info => "notice",
                _ => null,
            };
            if (command is null)
            {
                continue;
            }

            text.Append("::").Append(command).Append(' ');
            if (finding.DisplayPath is not null)
            {
                text.Append("file=").Append(EscapeProperty(finding.DisplayPath.Replace('\\', '/'))).Append(',');
                if (finding.Line > 0)
                {
                    text.Append("line=").Append(finding.Line).Append(',');
                }
            }

            text.Append("title=").Append(EscapeProperty(finding.Rule.Id)).Append("::")
                .Append(EscapeData($"{finding.Rule.Id}: {finding.Message} ({helpLinks.For(finding.Rule)})")).Append('\n');
        }

        return text.ToString();
    }

    // The runner's own escaping (actions/toolkit command.ts): data escapes %, CR and LF; properties also : and ,.
    private static string EscapeData(string value) => value.Replace("%", "%25").Replace("\r", "%0D").Replace("\n", "%0A");

    private static string EscapeProperty(string value) => EscapeData(value).Replace(":", "%3A").Replace(",", "%2C");
}
