using System.Collections.Generic;
using System.Linq;
using Microsoft.CodeAnalysis;
using ModelGuard.Engine.Rules;
using ModelGuard.Hosting.Configuration;

namespace ModelGuard.IntegrationTests.Configuration;

/// <summary>
/// The compiler's precedence, rule by rule: NoWarn &gt; WarningsAsErrors/WarningsNotAsErrors &gt; .editorconfig &gt; global config &gt;
/// bulk keys (category, then all) &gt; TreatWarningsAsErrors &gt; default.
/// </summary>
public sealed class SeverityResolverTests
{
    private static readonly RuleDescriptor ErrorRule = RuleCatalog.UnknownImport; // MG1002, default Error, category ModelGuard.Pickle
    private static readonly RuleDescriptor WarningRule = RuleCatalog.InvalidSeverityConfiguration; // MG9003, default Warning

    [Fact]
    public void Defaults_come_from_the_catalog()
    {
        var resolver = new SeverityResolver();
        Assert.Equal(new SeverityDecision(ReportLevel.Error, SeveritySource.Default), resolver.Resolve(ErrorRule, FileSettings.Empty));
        Assert.Equal(new SeverityDecision(ReportLevel.Warning, SeveritySource.Default), resolver.Resolve(WarningRule, FileSettings.Empty));
    }

    [Fact]
    public void NoWarn_beats_WarningsAsErrors_and_every_config_setting()
    {
        var resolver = new SeverityResolver(noWarn: "CS1591;mg1002", warningsAsErrors: "MG1002");
        var settings = Settings(file: ("MG1002", ReportDiagnostic.Error), global: ("MG1002", ReportDiagnostic.Error));
        Assert.Equal(new SeverityDecision(ReportLevel.Suppressed, SeveritySource.NoWarn), resolver.Resolve(ErrorRule, settings));
    }

    [Fact]
    public void Item_NoWarn_suppresses_for_that_file_only()
    {
        var resolver = new SeverityResolver(warningsAsErrors: "MG1002");
        Assert.Equal(ReportLevel.Suppressed, resolver.Resolve(ErrorRule, FileSettings.Empty, new HashSet<string> { "MG1002" }).Level);
        Assert.Equal(ReportLevel.Error, resolver.Resolve(ErrorRule, FileSettings.Empty, new HashSet<string> { "MG1001" }).Level);
    }

    [Fact]
    public void WarningsAsErrors_beats_editorconfig()
    {
        var resolver = new SeverityResolver(warningsAsErrors: "MG9003");
        var decision = resolver.Resolve(WarningRule, Settings(file: ("MG9003", ReportDiagnostic.Suppress)));
        Assert.Equal(new SeverityDecision(ReportLevel.Error, SeveritySource.WarningsAsErrors), decision);
    }

    [Fact]
    public void Editorconfig_beats_global_config()
    {
        var resolver = new SeverityResolver();
        var decision = resolver.Resolve(ErrorRule, Settings(file: ("MG1002", ReportDiagnostic.Warn), global: ("MG1002", ReportDiagnostic.Suppress)));
        Assert.Equal(new SeverityDecision(ReportLevel.Warning, SeveritySource.EditorConfig), decision);
    }

    [Fact]
    public void Global_config_applies_where_no_editorconfig_names_the_rule()
    {
        var decision = new SeverityResolver().Resolve(ErrorRule, Settings(global: ("mg1002", ReportDiagnostic.Info)));
        Assert.Equal(new SeverityDecision(ReportLevel.Info, SeveritySource.GlobalConfig), decision);
    }

    [Theory]
    [InlineData(ReportDiagnostic.Suppress, "Suppressed")]
    [InlineData(ReportDiagnostic.Hidden, "Hidden")]
    [InlineData(ReportDiagnostic.Info, "Info")]
    [InlineData(ReportDiagnostic.Warn, "Warning")]
    [InlineData(ReportDiagnostic.Error, "Error")]
    [InlineData(ReportDiagnostic.Default, "Error")]
    public void Editorconfig_values_map_to_levels(ReportDiagnostic configured, string expected)
        => Assert.Equal(System.Enum.Parse<ReportLevel>(expected), new SeverityResolver().Resolve(ErrorRule, Settings(file: ("MG1002", configured))).Level);

    [Fact]
    public void TreatWarningsAsErrors_promotes_default_and_configured_warnings()
    {
        var resolver = new SeverityResolver(treatWarningsAsErrors: true);
        Assert.Equal(new SeverityDecision(ReportLevel.Error, SeveritySource.Default, true), resolver.Resolve(WarningRule, FileSettings.Empty));
        Assert.Equal(new SeverityDecision(ReportLevel.Error, SeveritySource.EditorConfig, true), resolver.Resolve(ErrorRule, Settings(file: ("MG1002", ReportDiagnostic.Warn))));
        Assert.Equal(new SeverityDecision(ReportLevel.Error, SeveritySource.GlobalConfig, true), resolver.Resolve(ErrorRule, Settings(global: ("MG1002", ReportDiagnostic.Warn))));
    }

    [Fact]
    public void TreatWarningsAsErrors_leaves_suggestions_silent_and_explicit_default_alone()
    {
        var resolver = new SeverityResolver(treatWarningsAsErrors: true);
        Assert.Equal(ReportLevel.Info, resolver.Resolve(ErrorRule, Settings(file: ("MG1002", ReportDiagnostic.Info))).Level);
        Assert.Equal(ReportLevel.Hidden, resolver.Resolve(ErrorRule, Settings(file: ("MG1002", ReportDiagnostic.Hidden))).Level);

        // As in csc: a rule explicitly configured as 'default' counts as specified and is not promoted.
        Assert.Equal(new SeverityDecision(ReportLevel.Warning, SeveritySource.EditorConfig), resolver.Resolve(WarningRule, Settings(file: ("MG9003", ReportDiagnostic.Default))));
    }

    [Fact]
    public void WarningsNotAsErrors_keeps_warnings_from_TreatWarningsAsErrors()
    {
        var resolver = new SeverityResolver(warningsNotAsErrors: "MG9003;MG1002", treatWarningsAsErrors: true);
        Assert.Equal(ReportLevel.Warning, resolver.Resolve(WarningRule, FileSettings.Empty).Level);
        Assert.Equal(new SeverityDecision(ReportLevel.Warning, SeveritySource.EditorConfig), resolver.Resolve(ErrorRule, Settings(file: ("MG1002", ReportDiagnostic.Warn))));

        // ... and from configuration that would raise a warning rule to an error, but not from lowering it.
        Assert.Equal(ReportLevel.Warning, resolver.Resolve(WarningRule, Settings(file: ("MG9003", ReportDiagnostic.Error))).Level);
        Assert.Equal(ReportLevel.Suppressed, resolver.Resolve(WarningRule, Settings(file: ("MG9003", ReportDiagnostic.Suppress))).Level);
    }

    [Fact]
    public void WarningsNotAsErrors_after_WarningsAsErrors_wins_as_on_the_csc_command_line()
    {
        var resolver = new SeverityResolver(warningsAsErrors: "MG9003", warningsNotAsErrors: "MG9003", treatWarningsAsErrors: true);
        Assert.Equal(ReportLevel.Warning, resolver.Resolve(WarningRule, FileSettings.Empty).Level);
    }

    [Fact]
    public void Category_key_applies_when_no_setting_names_the_id_and_beats_the_all_analyzers_key()
    {
        var settings = Settings(options: new[] { ("dotnet_analyzer_diagnostic.category-ModelGuard.Pickle.severity", "warning"), ("dotnet_analyzer_diagnostic.severity", "none") });
        Assert.Equal(new SeverityDecision(ReportLevel.Warning, SeveritySource.CategoryConfig), new SeverityResolver().Resolve(ErrorRule, settings));
        Assert.Equal(new SeverityDecision(ReportLevel.Suppressed, SeveritySource.AllAnalyzersConfig), new SeverityResolver().Resolve(RuleCatalog.ErrorLogNotWritten, settings));
    }

    [Fact]
    public void Bulk_keys_lose_to_any_setting_that_names_the_id()
    {
        var bulk = new[] { ("dotnet_analyzer_diagnostic.category-modelguard.pickle.severity", "none") };
        Assert.Equal(ReportLevel.Info, new SeverityResolver().Resolve(ErrorRule, Settings(global: ("MG1002", ReportDiagnostic.Info), options: bulk)).Level);
        Assert.Equal(ReportLevel.Error, new SeverityResolver(warningsAsErrors: "MG1002").Resolve(ErrorRule, Settings(options: bulk)).Level);

        // A WarningsNotAsErrors entry names the ID too (csc puts it in the specific options), so bulk keys do not apply.
        Assert.Equal(ReportLevel.Error, new SeverityResolver(warningsNotAsErrors: "MG1002").Resolve(ErrorRule, Settings(options: bulk)).Level);
    }

    [Fact]
    public void TreatWarningsAsErrors_promotes_bulk_configured_warnings()
    {
        var settings = Settings(options: new[] { ("dotnet_analyzer_diagnostic.severity", "warning") });
        Assert.Equal(new SeverityDecision(ReportLevel.Error, SeveritySource.AllAnalyzersConfig, true), new SeverityResolver(treatWarningsAsErrors: true).Resolve(ErrorRule, settings));
    }

    [Fact]
    public void Bulk_default_and_invalid_values_change_nothing()
    {
        Assert.Equal(ReportLevel.Error, new SeverityResolver().Resolve(ErrorRule, Settings(options: new[] { ("dotnet_analyzer_diagnostic.category-ModelGuard.Pickle.severity", "default"), ("dotnet_analyzer_diagnostic.severity", "none") })).Level);
        Assert.Equal(ReportLevel.Error, new SeverityResolver().Resolve(ErrorRule, Settings(options: new[] { ("dotnet_analyzer_diagnostic.severity", "nonee") })).Level);
    }

    [Theory]
    [InlineData("error", ReportDiagnostic.Error)]
    [InlineData(" Warning ", ReportDiagnostic.Warn)]
    [InlineData("SUGGESTION", ReportDiagnostic.Info)]
    [InlineData("silent", ReportDiagnostic.Hidden)]
    [InlineData("refactoring", ReportDiagnostic.Hidden)]
    [InlineData("none", ReportDiagnostic.Suppress)]
    [InlineData("default", ReportDiagnostic.Default)]
    public void Severity_values_parse_like_roslyn(string value, ReportDiagnostic expected)
    {
        Assert.True(SeverityResolver.TryParseSeverity(value, out var parsed));
        Assert.Equal(expected, parsed);
    }

    [Theory]
    [InlineData("")]
    [InlineData("info")]
    [InlineData("hidden")]
    [InlineData("nonee")]
    public void Other_values_are_not_severities(string value) => Assert.False(SeverityResolver.TryParseSeverity(value, out _));

    private static FileSettings Settings(
        (string Id, ReportDiagnostic Value)? file = null,
        (string Id, ReportDiagnostic Value)? global = null,
        IEnumerable<(string Key, string Value)>? options = null)
        => new(
            file is { } f ? new[] { new KeyValuePair<string, ReportDiagnostic>(f.Id, f.Value) } : null,
            global is { } g ? new[] { new KeyValuePair<string, ReportDiagnostic>(g.Id, g.Value) } : null,
            options?.Select(o => new KeyValuePair<string, string>(o.Key, o.Value)));
}
