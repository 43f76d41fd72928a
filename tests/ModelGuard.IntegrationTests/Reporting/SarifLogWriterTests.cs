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
