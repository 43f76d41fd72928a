using System;
using System.IO;
using System.Linq;
using Microsoft.CodeAnalysis;
using ModelGuard.Engine.Rules;
using ModelGuard.Hosting.Caching;
using ModelGuard.Hosting.Configuration;

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

    [Fact]
    public void Resolved_configuration_and_its_cached_copy_decide_every_rule_as_the_configuration_does()
    {
        Write(".editorconfig", "root = true\n[*.pt]\ndotnet_diagnostic.MG1002.severity = warning\ndotnet_diagnostic.CA1000.severity = none\n"
            + "dotnet_diagnostic.MG1001.severity = nonee\n[legacy/**]\ndotnet_diagnostic.mg1003.severity = silent\nmodelguard_allowed_globals = a.One, b.Two\n");
        Write("bulk/.editorconfig", "[*]\ndotnet_analyzer_diagnostic.category-ModelGuard.Pickle.severity = suggestion\ndotnet_analyzer_diagnostic.severity = error\n");
        Write(".globalconfig", "is_global = true\ndotnet_diagnostic.MG9002.severity = warning\ndotnet_diagnostic.MG1002.severity = error\nbuild_property.Foo = bar\n"
            + "modelguard_allowed_globals = g.Global\n[relative/path.pt]\ndotnet_diagnostic.MG1001.severity = none\n");
        var models = new[] { "m.pt", "legacy/old.pt", "legacy/old.pkl", "bulk/x.pkl", "bulk/y.pt", "other.bin" }.Select(m => Path.Combine(_root, m)).ToArray();
        var inputs = ConfigurationInputs.Collect(Array.Empty<string>(), models, discoverEditorConfigs: true, discoverGlobalConfigs: true, StringComparer.Ordinal);
        var config = AnalyzerConfiguration.Load(inputs);
        var expected = models.Select(config.ForFile).ToArray();

        var resolved = ResolvedConfiguration.Resolve(inputs, cached: null);
        var cache = ScanCache.Empty("1.0", StringComparer.Ordinal);
        cache.Configuration = resolved;
        var cachePath = Path.Combine(_root, "obj", "modelguard.cache");
        cache.Save(cachePath);
        var reloaded = ScanCache.Load(cachePath, "1.0", StringComparer.Ordinal, out var problem).Configuration;
        Assert.Null(problem);
        Assert.NotNull(reloaded);
        Assert.Same(reloaded, ResolvedConfiguration.Resolve(ConfigurationInputs.Collect(Array.Empty<string>(), models, true, true, StringComparer.Ordinal), reloaded));

        string Describe(ConfigProblem p) => $"{p.Rule.Id}|{p.FilePath}|{p.Line}|{p.Message}";
        Assert.NotEmpty(config.Problems);
        foreach (var candidate in new[] { resolved, reloaded! })
        {
            Assert.Equal(config.Problems.Select(Describe), candidate.Problems.Select(Describe));
            var resolvers = new[]
            {
                new SeverityResolver(),
                new SeverityResolver(treatWarningsAsErrors: true),
                new SeverityResolver(warningsNotAsErrors: "MG1002;MG9002", treatWarningsAsErrors: true),
            };
            foreach (var resolver in resolvers)
            {
                foreach (var rule in RuleCatalog.All)
                {
                    Assert.Equal(resolver.Resolve(rule, config.ProjectSettings), resolver.Resolve(rule, candidate.ProjectSettings));
                    for (var i = 0; i < models.Length; i++)
                    {
                        Assert.Equal(resolver.Resolve(rule, expected[i]), resolver.Resolve(rule, candidate.ForModel(i)));
                    }
                }
            }

            for (var i = 0; i < models.Length; i++)
            {
                Assert.Equal(expected[i].AllowedGlobals, candidate.ForModel(i).AllowedGlobals);
            }
        }

        // The settings are not all alike, or the comparison above would prove little.
        Assert.Equal(new[] { "a.One", "b.Two" }, expected[1].AllowedGlobals);
        Assert.NotEqual(
            new SeverityResolver().Resolve(RuleCatalog.Find("MG1002")!, expected[0]),
            new SeverityResolver().Resolve(RuleCatalog.Find("MG1002")!, expected[5]));
    }

    [Fact]
    public void Inputs_key_changes_with_every_input()
    {
        var editorconfig = Write(".editorconfig", "[*.pt]\ndotnet_diagnostic.MG1002.severity = warning\n");
        var listed = Write("listed.globalconfig", "is_global = true\n");
        var model = Path.Combine(_root, "m.pt");
        string Key(string[] configFiles, string[] models, bool editorconfigs = true, bool globalconfigs = true, StringComparer? comparer = null)
            => ConfigurationInputs.Collect(configFiles, models, editorconfigs, globalconfigs, comparer ?? StringComparer.Ordinal).Key;

        var baseline = Key(new[] { listed }, new[] { model });
        Assert.Equal(baseline, Key(new[] { listed }, new[] { model }));
        var others = new[]
        {
            Key(Array.Empty<string>(), new[] { model }),
            Key(new[] { listed }, new[] { model, Path.Combine(_root, "n.pt") }),
            Key(new[] { listed }, new[] { Path.Combine(_root, "n.pt") }),
            Key(new[] { listed }, new[] { model }, editorconfigs: false),
            Key(new[] { listed }, new[] { model }, globalconfigs: false),
            Key(new[] { listed }, new[] { model }, comparer: StringComparer.OrdinalIgnoreCase),
        };
        Assert.Equal(others.Length + 1, others.Append(baseline).Distinct().Count());

        // The content counts, not the time stamp: the same text written again is the same key, one character more is not.
        File.WriteAllText(editorconfig, "[*.pt]\ndotnet_diagnostic.MG1002.severity = warning\n");
        File.SetLastWriteTimeUtc(editorconfig, DateTime.UtcNow.AddDays(-1));
        Assert.Equal(baseline, Key(new[] { listed }, new[] { model }));
        File.WriteAllText(editorconfig, "[*.pt]\ndotnet_diagnostic.MG1002.severity = warning \n");
        Assert.NotEqual(baseline, Key(new[] { listed }, new[] { model }));
        File.WriteAllText(listed, "is_global = true \n");
        File.WriteAllText(editorconfig, "[*.pt]\ndotnet_diagnostic.MG1002.severity = warning\n");
        Assert.NotEqual(baseline, Key(new[] { listed }, new[] { model }));
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
