using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Text;
using ModelGuard.Engine.Rules;
using ModelGuard.Hosting.Configuration;

namespace ModelGuard.Hosting.Reporting;

/// <summary>
/// Writes a SARIF 2.1.0 log of one build's findings.
/// <list type="bullet">
/// <item><c>tool.driver.rules</c>: every rule of the catalog (id, name, descriptions, helpUri, default level).</item>
/// <item>Results carry the level after configuration: <c>error</c>, <c>warning</c>, <c>note</c> (suggestion) or <c>none</c> (silent).</item>
/// <item>Findings turned off (<c>none</c>, <c>NoWarn</c>, <c>ModelGuardNoWarn</c>) are kept, with the rule's default level and a
/// <c>suppressions</c> entry of kind <c>external</c> whose justification names the setting, so the log is an audit trail.</item>
/// <item>Locations: <c>physicalLocation.artifactLocation.uri</c> is the file's absolute <c>file://</c> URI. The archive member and the
/// byte offset (in the file, or in the member's uncompressed stream) go into the location's <c>properties</c> bag as
/// <c>archiveMember</c> and <c>byteOffset</c>: SARIF regions address the file's own bytes, which a member's offset is not.</item>
/// </list>
/// </summary>
internal static class SarifLogWriter
{
    public const string SchemaUri = "https://json.schemastore.org/sarif-2.1.0.json";

    public static string Render(IReadOnlyList<ReportedFinding> findings, string toolVersion, HelpLinks? helpLinks = null)
    {
        helpLinks ??= HelpLinks.Default;
        var rules = RuleCatalog.All;
        var ruleIndex = new Dictionary<string, int>(StringComparer.Ordinal);
        for (var i = 0; i < rules.Count; i++)
        {
            ruleIndex[rules[i].Id] = i;
        }

        var json = new JsonWriter();
        json.BeginObject()
            .Property("$schema", SchemaUri)
            .Property("version", "2.1.0")
            .Name("runs").BeginArray().BeginObject();

        json.Name("tool").BeginObject().Name("driver").BeginObject()
            .Property("name", "ModelGuard")
            .Property("version", toolVersion)
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

        json.Name("results").BeginArray();
        foreach (var finding in findings)
        {
            WriteResult(json, finding, ruleIndex);
        }

        json.EndArray();
        json.Property("columnKind", "utf16CodeUnits");
        json.EndObject().EndArray().EndObject();
        return json.ToString() + "\n";
    }

    public static void Write(string path, IReadOnlyList<ReportedFinding> findings, string toolVersion, HelpLinks? helpLinks = null)
    {
        var directory = Path.GetDirectoryName(Path.GetFullPath(path));
        if (!string.IsNullOrEmpty(directory))
        {
            Directory.CreateDirectory(directory);
        }

        File.WriteAllText(path, Render(findings, toolVersion, helpLinks), new UTF8Encoding(encoderShouldEmitUTF8Identifier: false));
    }

    private static void WriteResult(JsonWriter json, ReportedFinding finding, Dictionary<string, int> ruleIndex)
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

        if (finding.FullPath is not null)
        {
            json.Name("locations").BeginArray().BeginObject()
                .Name("physicalLocation").BeginObject()
                .Name("artifactLocation").BeginObject().Property("uri", new Uri(finding.FullPath).AbsoluteUri).EndObject();
            if (finding.Line > 0)
            {
                json.Name("region").BeginObject().Property("startLine", finding.Line).EndObject();
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
        }

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
