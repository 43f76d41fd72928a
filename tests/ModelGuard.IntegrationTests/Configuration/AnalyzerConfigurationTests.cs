using System;
using System.IO;
using System.Linq;
using Microsoft.CodeAnalysis;
using ModelGuard.Engine.Rules;
using ModelGuard.Tasks.Configuration;

namespace ModelGuard.IntegrationTests.Configuration;

/// <summary>Real configuration files on disk, combined by Roslyn's AnalyzerConfigSet, as the task reads them for model paths.</summary>
public sealed class AnalyzerConfigurationTests : IDisposable
{
    private readonly string _root = Path.Combine(Path.GetTempPath(), "modelguard-config-" + Guid.NewGuid().ToString("N").Substring(0, 12));

    public AnalyzerConfigurationTests() => Directory.CreateDirectory(_root);

    public void Dispose() => Directory.Delete(_root, recursive: true);

    [Fact]
    public void Editorconfigs_above_model_files_are_found_and_the_nearest_wins()
    {
        Write(".editorconfig", "root = true\n\n[*.pt]\ndotnet_diagnostic.MG1002.severity = warning\n");
        Write("models/legacy/.editorconfig", "[*.pt]\ndotnet_diagnostic.MG1002.severity = none\n");
        var current = Path.Combine(_root, "models", "current.pt");
        var legacy = Path.Combine(_root, "models", "legacy", "old.pt");

        var config = Load(current, legacy);

        Assert.Empty(config.Problems);
        Assert.True(config.ForFile(current).TryGetFileSeverity("MG1002", out var currentSeverity));
        Assert.Equal(ReportDiagnostic.Warn, currentSeverity);
        Assert.True(config.ForFile(legacy).TryGetFileSeverity("mg1002", out var legacySeverity));
        Assert.Equal(ReportDiagnostic.Suppress, legacySeverity);
    }

    [Fact]
    public void Root_true_stops_the_walk()
    {
        Write(".editorconfig", "[*]\ndotnet_diagnostic.MG1002.severity = none\n");
        Write("project/.editorconfig", "root = true\n");
        var model = Path.Combine(_root, "project", "m.pt");

        Assert.False(Load(model).ForFile(model).TryGetFileSeverity("MG1002", out _));
    }

    [Fact]
    public void Global_configs_are_kept_apart_from_file_severities_and_merge_into_options()
    {
        Write("project/.globalconfig", "is_global = true\ndotnet_diagnostic.MG1002.severity = suggestion\nmodelguard_allowed_globals = g.Global\n");
        Write("project/keyed/.editorconfig", "[*.pt]\nmodelguard_allowed_globals = a.One, b.Two c.Three ; a comment, as anywhere in .editorconfig\n");
        var plain = Path.Combine(_root, "project", "m.pt");
        var keyed = Path.Combine(_root, "project", "keyed", "m.pt");

        var config = Load(plain, keyed);

        Assert.False(config.ForFile(plain).TryGetFileSeverity("MG1002", out _));
        Assert.True(config.ForFile(plain).TryGetGlobalSeverity("MG1002", out var global));
        Assert.Equal(ReportDiagnostic.Info, global);
        Assert.True(config.ProjectSettings.TryGetGlobalSeverity("MG1002", out _));
        Assert.Equal(new[] { "g.Global" }, config.ForFile(plain).AllowedGlobals);
        Assert.Equal(new[] { "a.One", "b.Two", "c.Three" }, config.ForFile(keyed).AllowedGlobals);
    }

    [Fact]
    public void Explicit_editorconfig_files_are_read_and_discovery_can_be_turned_off()
    {
        var custom = Write("elsewhere/custom.globalconfig", "is_global = true\ndotnet_diagnostic.MG1001.severity = warning\n");
        Write(".editorconfig", "[*]\ndotnet_diagnostic.MG1002.severity = none\n");
        var model = Path.Combine(_root, "m.pt");

        var config = AnalyzerConfiguration.Load(new[] { custom }, new[] { model }, discoverEditorConfigs: false, discoverGlobalConfigs: false, StringComparer.Ordinal);

        Assert.Equal(new[] { custom }, config.Files);
        Assert.True(config.ForFile(model).TryGetGlobalSeverity("MG1001", out _));
        Assert.False(config.ForFile(model).TryGetFileSeverity("MG1002", out _));
    }

    [Fact]
    public void Invalid_severities_for_modelguard_keys_are_reported_with_file_and_line()
    {
        var path = Write(".editorconfig", "root = true\n[*.pt]\ndotnet_diagnostic.MG1001.severity = nonee\ndotnet_diagnostic.CA1000.severity = bogus\n"
            + "dotnet_analyzer_diagnostic.category-ModelGuard.Pickle.severity: errror # typo\ndotnet_diagnostic.MG1002.severity = none ; fine\n");
        var model = Path.Combine(_root, "m.pt");

        var config = Load(model);
        config.ForFile(model);

        Assert.Collection(
            config.Problems,
            p =>
            {
                Assert.Same(RuleCatalog.InvalidSeverityConfiguration, p.Rule);
                Assert.Equal(path, p.FilePath);
                Assert.Equal(3, p.Line);
                Assert.Contains("'dotnet_diagnostic.MG1001.severity = nonee'", p.Message, StringComparison.Ordinal);
            },
            p =>
            {
                Assert.Equal(5, p.Line);
                Assert.Contains("errror", p.Message, StringComparison.Ordinal);
            });

        // Roslyn ignores the invalid value: MG1001 keeps its default (fail closed).
        Assert.False(config.ForFile(model).TryGetFileSeverity("MG1001", out _));
    }

    [Fact]
    public void Conflicting_global_configs_are_reported_for_modelguard_keys_only()
    {
        Write("a/.globalconfig", "is_global = true\ndotnet_diagnostic.MG1002.severity = none\ndotnet_diagnostic.CA1000.severity = none\n");
        Write("a/b/.globalconfig", "is_global = true\ndotnet_diagnostic.MG1002.severity = error\ndotnet_diagnostic.CA1000.severity = error\n");
        var model = Path.Combine(_root, "a", "b", "m.pt");

        var config = Load(model);

        var problem = Assert.Single(config.Problems);
        Assert.Same(RuleCatalog.InvalidAnalyzerConfiguration, problem.Rule);
        Assert.Contains("dotnet_diagnostic.mg1002.severity", problem.Message, StringComparison.Ordinal);

        // Roslyn unsets the conflicting key: the default applies again.
        Assert.False(config.ForFile(model).TryGetGlobalSeverity("MG1002", out _));
    }

    [Fact]
    public void Global_level_decides_between_global_configs()
    {
        Write("a/.globalconfig", "is_global = true\nglobal_level = 200\ndotnet_diagnostic.MG1002.severity = none\n");
        Write("a/b/.globalconfig", "is_global = true\ndotnet_diagnostic.MG1002.severity = error\n");
        var model = Path.Combine(_root, "a", "b", "m.pt");

        var config = Load(model);

        Assert.Empty(config.Problems);
        Assert.True(config.ForFile(model).TryGetGlobalSeverity("MG1002", out var severity));
        Assert.Equal(ReportDiagnostic.Suppress, severity);
    }

    private AnalyzerConfiguration Load(params string[] models)
        => AnalyzerConfiguration.Load(Array.Empty<string>(), models, discoverEditorConfigs: true, discoverGlobalConfigs: true, StringComparer.Ordinal);

    private string Write(string relative, string text)
    {
        var path = Path.Combine(new[] { _root }.Concat(relative.Split('/')).ToArray());
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllText(path, text);
        return path;
    }
}
