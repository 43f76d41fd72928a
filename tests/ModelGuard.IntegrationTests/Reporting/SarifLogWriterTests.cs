using System;
using System.Collections.Generic;
using System.Linq;
using System.Text.Json;
using ModelGuard.Engine.Rules;
using ModelGuard.IntegrationTests.Infrastructure;
using ModelGuard.Hosting.Configuration;
using ModelGuard.Hosting.Reporting;

namespace ModelGuard.IntegrationTests.Reporting;

/// <summary>The SARIF log the task writes, rendered from findings of every kind and checked against the official schema.</summary>
public sealed class SarifLogWriterTests
{
    [Fact]
    public void Log_with_every_kind_of_finding_is_schema_valid()
    {
        var json = Render();
        var errors = SarifSchema.Validate(json);
        Assert.True(errors.Count == 0, string.Join("\n", errors) + "\n" + json);
    }

    [Fact]
    public void Schema_validation_catches_an_invalid_log()
    {
        // Guards the guard: a missing driver name and an unknown level must fail.
        var errors = SarifSchema.Validate("""{"version":"2.1.0","runs":[{"tool":{"driver":{"rules":[]}},"results":[{"ruleId":"X","level":"fatal","message":{"text":"m"}}]}]}""");
        Assert.NotEmpty(errors);
    }

    [Fact]
    public void Rules_come_from_the_catalog()
    {
        using var document = JsonDocument.Parse(Render());
        var driver = document.RootElement.GetProperty("runs")[0].GetProperty("tool").GetProperty("driver");
        Assert.Equal("ModelGuard", driver.GetProperty("name").GetString());
        Assert.Equal("https://github.com/modelguard/modelguard", driver.GetProperty("informationUri").GetString());
        var rules = driver.GetProperty("rules").EnumerateArray().ToList();
        Assert.Equal(RuleCatalog.All.Select(r => r.Id), rules.Select(r => r.GetProperty("id").GetString()));
        var mg1001 = rules.Single(r => r.GetProperty("id").GetString() == "MG1001");
        Assert.Equal("DangerousImport", mg1001.GetProperty("name").GetString());
        Assert.Equal(RuleCatalog.DangerousImport.Title, mg1001.GetProperty("shortDescription").GetProperty("text").GetString());
        Assert.Equal(RuleCatalog.DangerousImport.Description, mg1001.GetProperty("fullDescription").GetProperty("text").GetString());
        Assert.Equal(RuleCatalog.DangerousImport.HelpLink.AbsoluteUri, mg1001.GetProperty("helpUri").GetString());
        Assert.Equal("error", mg1001.GetProperty("defaultConfiguration").GetProperty("level").GetString());
        Assert.Equal("warning", rules.Single(r => r.GetProperty("id").GetString() == "MG9003").GetProperty("defaultConfiguration").GetProperty("level").GetString());
    }

    [Fact]
    public void Results_carry_resolved_levels_locations_and_suppressions()
    {
        using var document = JsonDocument.Parse(Render());
        var results = document.RootElement.GetProperty("runs")[0].GetProperty("results").EnumerateArray().ToList();
        Assert.Equal(new[] { "error", "warning", "note", "none", "error", "warning" }, results.Select(r => r.GetProperty("level").GetString()));

        var location = results[0].GetProperty("locations")[0];
        Assert.Equal("file:///work/models/evil.pt", location.GetProperty("physicalLocation").GetProperty("artifactLocation").GetProperty("uri").GetString());
        Assert.Equal("evil/data.pkl", location.GetProperty("properties").GetProperty("archiveMember").GetString());
        Assert.Equal(322, location.GetProperty("properties").GetProperty("byteOffset").GetInt64());

        Assert.False(results[3].TryGetProperty("suppressions", out _));
        var suppression = results[4].GetProperty("suppressions")[0];
        Assert.Equal("external", suppression.GetProperty("kind").GetString());
        Assert.Contains("NoWarn", suppression.GetProperty("justification").GetString(), System.StringComparison.Ordinal);

        Assert.Equal(3, results[5].GetProperty("locations")[0].GetProperty("physicalLocation").GetProperty("region").GetProperty("startLine").GetInt32());
    }

    [Fact]
    public void Log_for_code_scanning_is_schema_valid()
    {
        var json = RenderForCodeScanning(Findings());
        var errors = SarifSchema.Validate(json);
        Assert.True(errors.Count == 0, string.Join("\n", errors) + "\n" + json);
    }

    [Fact]
    public void Uris_are_relative_to_the_repository_root_and_files_outside_it_stay_absolute()
    {
        using var document = JsonDocument.Parse(RenderForCodeScanning(Findings()));
        var run = document.RootElement.GetProperty("runs")[0];
        Assert.Equal("file:///work/", run.GetProperty("originalUriBaseIds").GetProperty("SRCROOT").GetProperty("uri").GetString());
        var results = run.GetProperty("results").EnumerateArray().ToList();
        var artifacts = run.GetProperty("artifacts").EnumerateArray().ToList();

        var evil = results[0].GetProperty("locations")[0].GetProperty("physicalLocation").GetProperty("artifactLocation");
        Assert.Equal("models/evil.pt", evil.GetProperty("uri").GetString());
        Assert.Equal("SRCROOT", evil.GetProperty("uriBaseId").GetString());
        Assert.Equal("models/evil.pt", artifacts[evil.GetProperty("index").GetInt32()].GetProperty("location").GetProperty("uri").GetString());

        var spaced = results[2].GetProperty("locations")[0].GetProperty("physicalLocation").GetProperty("artifactLocation");
        Assert.Equal("data/my%20model%23v2.pkl", spaced.GetProperty("uri").GetString());

        var outside = results[6].GetProperty("locations")[0].GetProperty("physicalLocation").GetProperty("artifactLocation");
        Assert.Equal("file:///elsewhere/shared.pkl", outside.GetProperty("uri").GetString());
        Assert.False(outside.TryGetProperty("uriBaseId", out _));
    }

    [Fact]
    public void Offsets_in_the_files_own_bytes_are_regions_and_offsets_in_members_belong_to_the_nested_artifact()
    {
        using var document = JsonDocument.Parse(RenderForCodeScanning(Findings()));
        var run = document.RootElement.GetProperty("runs")[0];
        var results = run.GetProperty("results").EnumerateArray().ToList();
        var artifacts = run.GetProperty("artifacts").EnumerateArray().ToList();

        // In the file's own bytes: a binary region.
        var own = results[1].GetProperty("locations")[0].GetProperty("physicalLocation");
        Assert.Equal(2, own.GetProperty("region").GetProperty("byteOffset").GetInt64());

        // Inside a member: the container file has no region (the offset is not one of its bytes) ...
        var container = results[0].GetProperty("locations")[0].GetProperty("physicalLocation");
        Assert.False(container.TryGetProperty("region", out _));
        var containerIndex = container.GetProperty("artifactLocation").GetProperty("index").GetInt32();

        // ... and the related location is the member, a nested artifact of the container, with the offset as its region.
        var related = Assert.Single(results[0].GetProperty("relatedLocations").EnumerateArray()).GetProperty("physicalLocation");
        Assert.Equal(322, related.GetProperty("region").GetProperty("byteOffset").GetInt64());
        var member = artifacts[related.GetProperty("artifactLocation").GetProperty("index").GetInt32()];
        Assert.Equal("evil/data.pkl", member.GetProperty("location").GetProperty("uri").GetString());
        Assert.Equal(containerIndex, member.GetProperty("parentIndex").GetInt32());
        Assert.False(member.GetProperty("location").TryGetProperty("uriBaseId", out _));

        // Nested members (joined by !/): one artifact per level.
        var nested = results[3].GetProperty("relatedLocations")[0].GetProperty("physicalLocation").GetProperty("artifactLocation").GetProperty("index").GetInt32();
        Assert.Equal("archive/data.pkl", artifacts[nested].GetProperty("location").GetProperty("uri").GetString());
        var inner = artifacts[artifacts[nested].GetProperty("parentIndex").GetInt32()];
        Assert.Equal("inner.pt", inner.GetProperty("location").GetProperty("uri").GetString());
        Assert.Equal("models/outer.zip", artifacts[inner.GetProperty("parentIndex").GetInt32()].GetProperty("location").GetProperty("uri").GetString());

        // Configuration files keep their line.
        Assert.Equal(3, results[5].GetProperty("locations")[0].GetProperty("physicalLocation").GetProperty("region").GetProperty("startLine").GetInt32());
    }

    [Fact]
    public void Artifacts_invocations_and_automation_details_describe_the_run()
    {
        using var document = JsonDocument.Parse(RenderForCodeScanning(Findings()));
        var run = document.RootElement.GetProperty("runs")[0];
        Assert.Equal("modelguard/MyApp/", run.GetProperty("automationDetails").GetProperty("id").GetString());

        var analyzed = run.GetProperty("artifacts").EnumerateArray().First();
        Assert.Equal("models/good.pt", analyzed.GetProperty("location").GetProperty("uri").GetString());
        Assert.Equal(1234, analyzed.GetProperty("length").GetInt64());
        Assert.Equal("analysisTarget", analyzed.GetProperty("roles")[0].GetString());

        var invocation = Assert.Single(run.GetProperty("invocations").EnumerateArray());
        Assert.True(invocation.GetProperty("executionSuccessful").GetBoolean());
        Assert.Equal("2026-01-02T03:04:05.000Z", invocation.GetProperty("startTimeUtc").GetString());
        var notification = Assert.Single(invocation.GetProperty("toolExecutionNotifications").EnumerateArray());
        Assert.Equal("MG9002", notification.GetProperty("descriptor").GetProperty("id").GetString());

        var failed = Findings().Append(new ReportedFinding(RuleCatalog.InternalError, "/work/models/odd.pt", "models/odd.pt", 0, null, null, "failed", new SeverityDecision(ReportLevel.Error, SeveritySource.Default))).ToArray();
        using var failedDocument = JsonDocument.Parse(RenderForCodeScanning(failed));
        var failedInvocation = failedDocument.RootElement.GetProperty("runs")[0].GetProperty("invocations")[0];
        Assert.False(failedInvocation.GetProperty("executionSuccessful").GetBoolean());
        Assert.Equal(2, failedInvocation.GetProperty("toolExecutionNotifications").GetArrayLength());
    }

    [Fact]
    public void Fingerprints_identify_a_finding_by_its_facts_not_its_message()
    {
        var findings = Findings();
        var fingerprints = Fingerprints(findings);
        Assert.Equal(fingerprints.Count, fingerprints.Distinct().Count());

        // Rewording every message changes no fingerprint.
        var reworded = findings.Select(f => new ReportedFinding(f.Rule, f.FullPath, f.DisplayPath, f.Line, f.Member, f.Offset, "reworded: " + f.Message, f.Decision)).ToArray();
        Assert.Equal(fingerprints, Fingerprints(reworded));

        // Another offset is another finding.
        var moved = findings.Select((f, i) => i == 0 ? new ReportedFinding(f.Rule, f.FullPath, f.DisplayPath, f.Line, f.Member, 323, f.Message, f.Decision) : f).ToArray();
        Assert.NotEqual(fingerprints[0], Fingerprints(moved)[0]);
        Assert.Equal(fingerprints.Skip(1), Fingerprints(moved).Skip(1));

        // Two findings that share rule, file and member but have no offset are told apart.
        var twin = new ReportedFinding(RuleCatalog.OnnxExternalDataNotBundled, "/work/models/m.onnx", "models/m.onnx", 0, null, null, "a", new SeverityDecision(ReportLevel.Warning, SeveritySource.Default));
        var pair = Fingerprints(new[] { twin, twin });
        Assert.NotEqual(pair[0], pair[1]);
    }

    private static List<string> Fingerprints(IReadOnlyList<ReportedFinding> findings)
    {
        using var document = JsonDocument.Parse(RenderForCodeScanning(findings));
        return document.RootElement.GetProperty("runs")[0].GetProperty("results").EnumerateArray()
            .Select(r => r.GetProperty("partialFingerprints").GetProperty("modelguardFinding/v1").GetString()!)
            .ToList();
    }

    private static string RenderForCodeScanning(IReadOnlyList<ReportedFinding> findings)
        => SarifLogWriter.Render(findings, new SarifRun("0.1.0+abc")
        {
            RootDirectory = "/work",
            AutomationId = "modelguard/MyApp/",
            AnalyzedFiles = new[] { new KeyValuePair<string, long>("/work/models/good.pt", 1234) },
            StartTimeUtc = new DateTime(2026, 1, 2, 3, 4, 5, DateTimeKind.Utc),
            EndTimeUtc = new DateTime(2026, 1, 2, 3, 4, 6, DateTimeKind.Utc),
        });

    private static ReportedFinding[] Findings() => new[]
    {
        new ReportedFinding(RuleCatalog.DangerousImport, "/work/models/evil.pt", "models/evil.pt", 0, "evil/data.pkl", 322, "in 'evil/data.pkl' at offset 322: imports posix.system", new SeverityDecision(ReportLevel.Error, SeveritySource.Default)),
        new ReportedFinding(RuleCatalog.UnknownImport, "/work/models/custom.pkl", "models/custom.pkl", 0, null, 2, "at offset 2: imports mypkg.layers.Custom", new SeverityDecision(ReportLevel.Warning, SeveritySource.EditorConfig)),
        new ReportedFinding(RuleCatalog.UnknownImport, "/work/data/my model#v2.pkl", "data/my model#v2.pkl", 0, null, 2, "at offset 2", new SeverityDecision(ReportLevel.Info, SeveritySource.GlobalConfig)),
        new ReportedFinding(RuleCatalog.DangerousImport, "/work/models/outer.zip", "models/outer.zip", 0, "inner.pt!/archive/data.pkl", 40, "nested", new SeverityDecision(ReportLevel.Error, SeveritySource.Default)),
        new ReportedFinding(RuleCatalog.UnreadableFile, "/work/models/missing.pt", "models/missing.pt", 0, null, null, "the file does not exist", new SeverityDecision(ReportLevel.Error, SeveritySource.Default)),
        new ReportedFinding(RuleCatalog.InvalidSeverityConfiguration, "/work/.editorconfig", ".editorconfig", 3, null, null, "not a severity", new SeverityDecision(ReportLevel.Warning, SeveritySource.Default)),
        new ReportedFinding(RuleCatalog.UnknownImport, "/elsewhere/shared.pkl", "/elsewhere/shared.pkl", 0, null, null, "outside", new SeverityDecision(ReportLevel.Error, SeveritySource.Default)),
    };

    private static string Render()
    {
        var findings = new[]
        {
            new ReportedFinding(RuleCatalog.DangerousImport, "/work/models/evil.pt", "models/evil.pt", 0, "evil/data.pkl", 322, "in 'evil/data.pkl' at offset 322: imports posix.system", new SeverityDecision(ReportLevel.Error, SeveritySource.Default)),
            new ReportedFinding(RuleCatalog.UnknownImport, "/work/models/custom.pt", "models/custom.pt", 0, null, 2, "at offset 2: imports mypkg.layers.Custom \"quoted\" \u0001", new SeverityDecision(ReportLevel.Warning, SeveritySource.EditorConfig)),
            new ReportedFinding(RuleCatalog.UnknownImport, "/work/data/x.pkl", "data/x.pkl", 0, null, null, "suggestion", new SeverityDecision(ReportLevel.Info, SeveritySource.GlobalConfig)),
            new ReportedFinding(RuleCatalog.UnknownImport, "/work/data/y.pkl", "data/y.pkl", 0, null, null, "silent", new SeverityDecision(ReportLevel.Hidden, SeveritySource.EditorConfig)),
            new ReportedFinding(RuleCatalog.PickleDecodeFailure, "/work/data/z.pkl", "data/z.pkl", 0, null, 16, "suppressed", new SeverityDecision(ReportLevel.Suppressed, SeveritySource.NoWarn)),
            new ReportedFinding(RuleCatalog.InvalidSeverityConfiguration, "/work/.editorconfig", ".editorconfig", 3, null, null, "'dotnet_diagnostic.MG1001.severity = nonee' is not a severity", new SeverityDecision(ReportLevel.Warning, SeveritySource.Default)),
        };
        return SarifLogWriter.Render(findings, "0.1.0+abc");
    }
}
