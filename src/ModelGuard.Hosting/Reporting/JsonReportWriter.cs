using System.Collections.Generic;
using System.Linq;
using ModelGuard.Hosting.Configuration;

namespace ModelGuard.Hosting.Reporting;

/// <summary>
/// The JSON report (<c>modelguard scan --format json</c>): a stable, documented schema (docs/json-report.md), one object per
/// finding. <c>schemaVersion</c> changes only when a field changes meaning or goes away; new fields may be added.
/// </summary>
internal static class JsonReportWriter
{
    public const int SchemaVersion = 1;

    public static string Render(IReadOnlyList<ReportedFinding> findings, int filesScanned, int models, string toolVersion, HelpLinks helpLinks)
    {
        int Count(ReportLevel level) => findings.Count(f => f.Decision.Level == level);
        var json = new JsonWriter();
        json.BeginObject()
            .Property("schemaVersion", SchemaVersion)
            .Name("tool").BeginObject().Property("name", "ModelGuard").Property("version", toolVersion).EndObject()
            .Name("summary").BeginObject()
            .Property("files", filesScanned)
            .Property("models", models)
            .Property("errors", Count(ReportLevel.Error))
            .Property("warnings", Count(ReportLevel.Warning))
            .Property("notes", Count(ReportLevel.Info))
            .Property("hiddenOrSuppressed", Count(ReportLevel.Hidden) + Count(ReportLevel.Suppressed))
            .EndObject()
            .Name("findings").BeginArray();
        foreach (var finding in findings)
        {
            var suppressed = finding.Decision.Level == ReportLevel.Suppressed;
            json.BeginObject()
                .Property("file", finding.DisplayPath, nullable: true)
                .Property("fullPath", finding.FullPath, nullable: true)
                .Property("archiveMember", finding.Member, nullable: true)
                .Property("offset", finding.Offset)
                .Property("line", finding.Line > 0 ? finding.Line : (long?)null)
                .Property("rule", finding.Rule.Id)
                .Property("title", finding.Rule.Title)
                .Property("category", finding.Rule.Category)
                .Property("severity", suppressed ? "none" : SarifLogWriter.Level(finding.Decision.Level))
                .Property("defaultSeverity", SarifLogWriter.DefaultLevel(finding.Rule))
                .Property("suppressed", suppressed ? SarifLogWriter.Justification(finding) : null, nullable: true)
                .Property("severitySource", finding.Decision.Source.ToString())
                .Property("message", finding.Message)
                .Property("helpLink", helpLinks.For(finding.Rule))
                .EndObject();
        }

        json.EndArray().EndObject();
        return json.ToString() + "\n";
    }
}
