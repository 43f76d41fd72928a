using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Text;
using ModelGuard.Engine.Rules;
using ModelGuard.Hosting.Configuration;

namespace ModelGuard.Hosting.Reporting;

/// <summary>
/// Writes a SARIF 2.1.0 log of one build's or one command line run's findings, for GitHub code scanning and other SARIF viewers.
/// <list type="bullet">
/// <item><c>tool.driver.rules</c>: every rule of the catalog (id, name, descriptions, helpUri, default level).</item>
/// <item>Results carry the level after configuration: <c>error</c>, <c>warning</c>, <c>note</c> (suggestion) or <c>none</c> (silent).</item>
/// <item>Findings turned off (<c>none</c>, <c>NoWarn</c>, <c>ModelGuardNoWarn</c>) are kept, with the rule's default level and a
/// <c>suppressions</c> entry of kind <c>external</c> whose justification names the setting, so the log is an audit trail.</item>
/// <item>Locations (<see cref="SarifArtifacts"/>): URIs relative to the repository root (<c>originalUriBaseIds</c>), the file's own
/// byte offset as <c>region.byteOffset</c>; a finding inside an archive member points at the container file and, in
/// <c>relatedLocations</c>, at the member as a nested artifact with the offset in its uncompressed bytes. <c>properties</c> of the
/// location keep <c>archiveMember</c> and <c>byteOffset</c> as well.</item>
/// <item><c>partialFingerprints</c> (<see cref="SarifFingerprints"/>) from the rule, the repository-relative path, the member and
/// the offset, never the message: GitHub would otherwise hash source lines, which a binary file does not have.</item>
/// <item><c>artifacts</c>, <c>invocations</c> (success, times, infrastructure problems as notifications) and <c>automationDetails</c>.</item>
/// </list>
/// </summary>
internal static class SarifLogWriter
{
    public const string SchemaUri = "https://json.schemastore.org/sarif-2.1.0.json";

    public static string Render(IReadOnlyList<ReportedFinding> findings, string toolVersion, HelpLinks? helpLinks = null)
        => Render(findings, new SarifRun(toolVersion, helpLinks));

    public static string Render(IReadOnlyList<ReportedFinding> findings, SarifRun run)
    {
        var helpLinks = run.HelpLinks;
        var rules = RuleCatalog.All;
        var ruleIndex = new Dictionary<string, int>(StringComparer.Ordinal);
        for (var i = 0; i < rules.Count; i++)
        {
            ruleIndex[rules[i].Id] = i;
        }

        var artifacts = new SarifArtifacts(run.RootDirectory);
        foreach (var file in run.AnalyzedFiles)
        {
            artifacts.File(file.Key, file.Value >= 0 ? file.Value : null, analyzed: true);
        }

        var json = new JsonWriter();
        json.BeginObject()
            .Property("$schema", SchemaUri)
            .Property("version", "2.1.0")
            .Name("runs").BeginArray().BeginObject();

        json.Name("tool").BeginObject().Name("driver").BeginObject()
            .Property("name", "ModelGuard")
            .Property("version", run.ToolVersion)
            .Property("informationUri", helpLinks.InformationUri)
            .Name("rules").BeginArray();
        foreach (var rule in rules)
        {
            json.BeginObject()
                .Property("id", rule.Id)
                .Property("name", rule.Name)
                .Name("shortDescription").BeginObject().Property("text", rule.Title).EndObject()
                .Name("fullDescription").BeginObject().Property("text", rule.Description).EndObject()
                .Property("helpUri", helpLinks.For(rule))
                .Name("defaultConfiguration").BeginObject().Property("level", DefaultLevel(rule)).EndObject()
                .Name("properties").BeginObject().Property("category", rule.Category).EndObject()
                .EndObject();
        }

        json.EndArray().EndObject().EndObject();

        WriteInvocation(json, findings, run, artifacts);
        if (artifacts.RootUri is { } rootUri)
        {
            json.Name("originalUriBaseIds").BeginObject()
                .Name(SarifRun.RootBaseId).BeginObject().Property("uri", rootUri).EndObject()
                .EndObject();
        }

        if (run.AutomationId is { } automationId)
        {
            json.Name("automationDetails").BeginObject().Property("id", automationId).EndObject();
        }

        var fingerprints = new SarifFingerprints();
        json.Name("results").BeginArray();
        foreach (var finding in findings)
        {
            WriteResult(json, finding, ruleIndex, artifacts, fingerprints);
        }

        json.EndArray();
        artifacts.Write(json);
        json.Property("columnKind", "utf16CodeUnits");
        json.EndObject().EndArray().EndObject();
        return json.ToString() + "\n";
    }

    public static void Write(string path, IReadOnlyList<ReportedFinding> findings, SarifRun run)
    {
        var directory = Path.GetDirectoryName(Path.GetFullPath(path));
        if (!string.IsNullOrEmpty(directory))
        {
            Directory.CreateDirectory(directory);
        }

        File.WriteAllText(path, Render(findings, run), new UTF8Encoding(encoderShouldEmitUTF8Identifier: false));
    }

    /// <summary>
    /// One invocation: it succeeded unless ModelGuard itself failed on a file (MG9001); the infrastructure problems (a file that
    /// cannot be read, an internal failure) are also notifications, where SARIF viewers look for what kept a tool from its work.
    /// </summary>
    private static void WriteInvocation(JsonWriter json, IReadOnlyList<ReportedFinding> findings, SarifRun run, SarifArtifacts artifacts)
    {
        json.Name("invocations").BeginArray().BeginObject()
            .Name("executionSuccessful").Boolean(!findings.Any(f => f.Rule.Id == RuleIds.InternalError));
        if (run.StartTimeUtc is { } start)
        {
            json.Property("startTimeUtc", Timestamp(start));
        }

        if (run.EndTimeUtc is { } end)
        {
            json.Property("endTimeUtc", Timestamp(end));
        }

        var notifications = findings
            .Where(f => f.Rule.Category == RuleCategories.Infrastructure && f.Decision.Level != ReportLevel.Suppressed)
            .ToList();
        if (notifications.Count > 0)
        {
            json.Name("toolExecutionNotifications").BeginArray();
            foreach (var finding in notifications)
            {
                json.BeginObject()
                    .Property("level", Level(finding.Decision.Level))
                    .Name("message").BeginObject().Property("text", finding.Message).EndObject()
                    .Name("descriptor").BeginObject().Property("id", finding.Rule.Id).EndObject();
                if (finding.FullPath is not null)
                {
                    json.Name("locations").BeginArray().BeginObject().Name("physicalLocation").BeginObject();
                    artifacts.WriteLocation(json, artifacts.File(finding.FullPath));
                    json.EndObject().EndObject().EndArray();
                }

                json.EndObject();
            }

            json.EndArray();
        }

        json.EndObject().EndArray();
    }

    private static void WriteResult(JsonWriter json, ReportedFinding finding, Dictionary<string, int> ruleIndex, SarifArtifacts artifacts, SarifFingerprints fingerprints)
    {
        json.BeginObject()
            .Property("ruleId", finding.Rule.Id);
        if (ruleIndex.TryGetValue(finding.Rule.Id, out var index))
        {
            json.Property("ruleIndex", index);
        }

        var suppressed = finding.Decision.Level == ReportLevel.Suppressed;
        json.Property("level", suppressed ? DefaultLevel(finding.Rule) : Level(finding.Decision.Level))
            .Name("message").BeginObject().Property("text", finding.Message).EndObject();

        string? relativePath = null;
        if (finding.FullPath is not null)
        {
            var file = artifacts.File(finding.FullPath);
            relativePath = artifacts.RelativePath(finding.FullPath);
            json.Name("locations").BeginArray().BeginObject().Name("physicalLocation").BeginObject();
            artifacts.WriteLocation(json, file);
            if (finding.Line > 0)
            {
                json.Name("region").BeginObject().Property("startLine", finding.Line).EndObject();
            }
            else if (finding.Member is null && finding.Offset is { } fileOffset)
            {
                // A binary region: the offset is in the file's own bytes. No region at all means the whole file.
                json.Name("region").BeginObject().Property("byteOffset", fileOffset).EndObject();
            }

            json.EndObject();
            if (finding.Member is not null || finding.Offset is not null)
            {
                json.Name("properties").BeginObject();
                if (finding.Member is not null)
                {
                    json.Property("archiveMember", finding.Member);
                }

                if (finding.Offset is { } offset)
                {
                    json.Property("byteOffset", offset);
                }

                json.EndObject();
            }

            json.EndObject().EndArray();

            if (finding.Member is not null)
            {
                json.Name("relatedLocations").BeginArray().BeginObject()
                    .Property("id", 1)
                    .Name("message").BeginObject().Property("text", $"archive member '{finding.Member}'" + (finding.Offset is { } at ? $", byte {at} of its uncompressed data" : string.Empty)).EndObject()
                    .Name("physicalLocation").BeginObject();
                artifacts.WriteLocation(json, artifacts.Member(file, finding.Member));
                if (finding.Offset is { } memberOffset)
                {
                    json.Name("region").BeginObject().Property("byteOffset", memberOffset).EndObject();
                }

                json.EndObject().EndObject().EndArray();
            }
        }

        json.Name("partialFingerprints").BeginObject()
            .Property(SarifFingerprints.Key, fingerprints.Next(finding, relativePath))
            .EndObject();

        if (suppressed)
        {
            json.Name("suppressions").BeginArray().BeginObject()
                .Property("kind", "external")
                .Property("justification", Justification(finding))
                .EndObject().EndArray();
        }

        json.Name("properties").BeginObject()
            .Property("severitySource", finding.Decision.Source.ToString())
            .EndObject();
        json.EndObject();
    }

    private static string Timestamp(DateTime utc) => utc.ToUniversalTime().ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture);

    /// <summary>Which setting turned <paramref name="finding"/> off.</summary>
    internal static string Justification(ReportedFinding finding) => finding.Decision.Source switch
    {
        SeveritySource.NoWarn => $"{finding.Rule.Id} is in the project's NoWarn",
        SeveritySource.ItemNoWarn => $"{finding.Rule.Id} is in the item's ModelGuardNoWarn metadata",
        SeveritySource.EditorConfig => $"dotnet_diagnostic.{finding.Rule.Id}.severity = none in an .editorconfig that applies to the file",
        SeveritySource.GlobalConfig => $"dotnet_diagnostic.{finding.Rule.Id}.severity = none in a global analyzer config",
        SeveritySource.CategoryConfig => $"{SeverityResolver.CategoryKey(finding.Rule.Category)} = none",
        SeveritySource.AllAnalyzersConfig => $"{SeverityResolver.AllAnalyzersKey} = none",
        _ => "turned off by configuration",
    };

    /// <summary>The SARIF level of a finding shown at <paramref name="level"/>.</summary>
    internal static string Level(ReportLevel level) => level switch
    {
        ReportLevel.Error => "error",
        ReportLevel.Warning => "warning",
        ReportLevel.Info => "note",
        _ => "none",
    };

    /// <summary>The SARIF level of <paramref name="rule"/>'s default severity.</summary>
    internal static string DefaultLevel(RuleDescriptor rule) => rule.DefaultSeverity switch
    {
        RuleSeverity.Error => "error",
        RuleSeverity.Warning => "warning",
        RuleSeverity.Info => "note",
        _ => "none",
    };
}
