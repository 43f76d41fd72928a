using System;
using System.Collections.Generic;
using System.Linq;
using Microsoft.CodeAnalysis;
using ModelGuard.Engine.Rules;

namespace ModelGuard.Hosting.Configuration;

/// <summary>A problem in the configuration itself (MG9003, MG9004, MG9006, MG9007), located in a configuration file when it is known.</summary>
internal sealed class ConfigProblem
{
    public ConfigProblem(RuleDescriptor rule, string? filePath, int line, string message)
    {
        Rule = rule;
        FilePath = filePath;
        Line = line;
        Message = message;
    }

    public RuleDescriptor Rule { get; }

    /// <summary>The full path of the configuration file, or null when the problem spans several.</summary>
    public string? FilePath { get; }

    /// <summary>1-based line, or 0.</summary>
    public int Line { get; }

    public string Message { get; }
}

/// <summary>
/// The .editorconfig files and global configs that apply to a set of model files, combined by Roslyn's own
/// <see cref="AnalyzerConfigSet"/> so section globs, <c>root = true</c>, <c>is_global</c>/<c>global_level</c> and key precedence
/// are exactly the compiler's.
/// </summary>
internal sealed class AnalyzerConfiguration
{
    private const string EditorConfigName = ".editorconfig";
    private const string GlobalConfigName = ".globalconfig";

    private readonly AnalyzerConfigSet? _set;
    private readonly FileSettings _projectSettings;
    private readonly List<ConfigProblem> _problems;
    private readonly HashSet<string> _reportedMessages = new(StringComparer.Ordinal);

    private AnalyzerConfiguration(AnalyzerConfigSet? set, List<ConfigProblem> problems, IReadOnlyList<string> files)
    {
        _set = set;
        _problems = problems;
        Files = files;
        _projectSettings = set is null ? FileSettings.Empty : new FileSettings(null, set.GlobalConfigOptions.TreeOptions, set.GlobalConfigOptions.AnalyzerOptions);
    }

    /// <summary>The configuration files that were read (full paths).</summary>
    public IReadOnlyList<string> Files { get; }

    /// <summary>Problems found while reading and combining the files, and while applying them to files so far.</summary>
    public IReadOnlyList<ConfigProblem> Problems => _problems;

    /// <summary>The project-wide settings (global configs only), for diagnostics that belong to no model file.</summary>
    public FileSettings ProjectSettings => _projectSettings;

    /// <summary>
    /// Reads <paramref name="configFiles"/> (the project's <c>@(EditorConfigFiles)</c>) and, when discovery is on, every
    /// <c>.editorconfig</c> and <c>.globalconfig</c> in the folders of <paramref name="modelFiles"/> and above them, as the SDK
    /// does for <c>@(Compile)</c> items: a models folder without C# files is not covered by <c>@(EditorConfigFiles)</c>.
    /// </summary>
    public static AnalyzerConfiguration Load(IEnumerable<string> configFiles, IEnumerable<string> modelFiles, bool discoverEditorConfigs, bool discoverGlobalConfigs, StringComparer pathComparer)
        => Load(ConfigurationInputs.Collect(configFiles, modelFiles, discoverEditorConfigs, discoverGlobalConfigs, pathComparer));

    /// <summary>Parses and combines the files <see cref="ConfigurationInputs.Collect"/> found and read.</summary>
    public static AnalyzerConfiguration Load(ConfigurationInputs inputs)
    {
        var problems = new List<ConfigProblem>(inputs.PathProblems);
        var configs = new List<AnalyzerConfig>(inputs.Files.Count);
        var read = new List<string>(inputs.Files.Count);
        foreach (var file in inputs.Files)
        {
            var path = file.Path;
            if (file.Text is not { } text)
            {
                problems.Add(file.ReadProblem!);
                continue;
            }

            AnalyzerConfig parsed;
            try
            {
                parsed = AnalyzerConfig.Parse(text, path);
            }
#pragma warning disable CA1031 // Whatever Roslyn throws on one odd file: that file's settings are not applied (MG9004), the others are.
            catch (Exception ex)
#pragma warning restore CA1031
            {
                problems.Add(new ConfigProblem(RuleCatalog.InvalidAnalyzerConfiguration, path, 0, $"the configuration file cannot be parsed ({ex.GetType().Name}: {ex.Message}); its settings are not applied"));
                continue;
            }

            problems.AddRange(FindInvalidSeverities(text, path));
            problems.AddRange(AllowlistValidation.Check(AllowlistValidation.FindInConfigFile(text, path)));
            configs.Add(parsed);
            read.Add(path);
        }

        AnalyzerConfigSet? set = null;
        try
        {
            set = AnalyzerConfigSet.Create(configs, out var diagnostics);
            var result = new AnalyzerConfiguration(set, problems, read);
            foreach (var diagnostic in diagnostics)
            {
                result.AddRoslynDiagnostic(diagnostic);
            }

            return result;
        }
#pragma warning disable CA1031 // Whatever Roslyn throws on odd input must become a finding; the defaults (fail closed) then apply.
        catch (Exception ex)
#pragma warning restore CA1031
        {
            problems.Add(new ConfigProblem(RuleCatalog.InvalidAnalyzerConfiguration, null, 0, $"the analyzer configuration cannot be combined ({ex.GetType().Name}: {ex.Message}); no .editorconfig or global config setting is applied"));
            return new AnalyzerConfiguration(null, problems, read);
        }
    }

    /// <summary>A configuration that applies no setting, with the reason as an MG9004 problem (fail closed: the defaults apply).</summary>
    public static AnalyzerConfiguration Unavailable(string reason)
        => new(null, new List<ConfigProblem> { new(RuleCatalog.InvalidAnalyzerConfiguration, null, 0, reason) }, Array.Empty<string>());

    /// <summary>The settings for one model file (its full path). Roslyn's problems with them are added to <see cref="Problems"/>.</summary>
    public FileSettings ForFile(string fullPath)
    {
        if (_set is null)
        {
            return FileSettings.Empty;
        }

        AnalyzerConfigOptionsResult options;
        try
        {
            options = _set.GetOptionsForSourcePath(fullPath);
        }
#pragma warning disable CA1031 // Roslyn failing on one path: that file gets the defaults (fail closed) and the problem is reported.
        catch (Exception ex)
#pragma warning restore CA1031
        {
            var message = $"the analyzer configuration cannot be applied to '{fullPath}' ({ex.GetType().Name}: {ex.Message}); the defaults apply to it";
            if (_reportedMessages.Add(message))
            {
                _problems.Add(new ConfigProblem(RuleCatalog.InvalidAnalyzerConfiguration, null, 0, message));
            }

            return FileSettings.Empty;
        }

        foreach (var diagnostic in options.Diagnostics)
        {
            AddRoslynDiagnostic(diagnostic);
        }

        // AnalyzerOptions already merge the global configs under the .editorconfig sections; severities of the global section
        // are kept apart, as the compiler keeps them (they lose to any .editorconfig entry for the ID).
        return new FileSettings(options.TreeOptions, _set.GlobalConfigOptions.TreeOptions, options.AnalyzerOptions);
    }

    private void AddRoslynDiagnostic(Diagnostic diagnostic)
    {
        // Invalid severities for ModelGuard's keys are found with their line by FindInvalidSeverities; Roslyn's own report
        // of those is a duplicate, and for other analyzers' IDs it is the compiler's business.
        if (diagnostic.Id == "InvalidSeverityInAnalyzerConfig")
        {
            return;
        }

        var message = diagnostic.GetMessage(System.Globalization.CultureInfo.InvariantCulture);

        // Conflicting global keys matter here only for keys ModelGuard reads; the compiler reports the others.
        if (diagnostic.Id == "MultipleGlobalAnalyzerKeys" && !MentionsModelGuardKey(message))
        {
            return;
        }

        if (_reportedMessages.Add(message))
        {
            _problems.Add(new ConfigProblem(RuleCatalog.InvalidAnalyzerConfiguration, null, 0, message));
        }
    }

    private static bool MentionsModelGuardKey(string message)
    {
        var lower = message.ToLowerInvariant();
        return lower.Contains("'" + FileSettings.AllowedGlobalsKey + "'")
            || lower.Contains("'" + FileSettings.AllowProfilesKey + "'")
            || lower.Contains("'dotnet_analyzer_diagnostic.")
            || RuleCatalog.All.Any(r => lower.Contains("'dotnet_diagnostic." + r.Id.ToLowerInvariant() + ".severity'"));
    }

    /// <summary>
    /// Severity settings that concern ModelGuard (<c>dotnet_diagnostic.MGxxxx.severity</c> for a catalog rule, the category keys of
    /// ModelGuard's categories, <c>dotnet_analyzer_diagnostic.severity</c>) whose value Roslyn would ignore. Lines are parsed the way
    /// Roslyn parses them: <c>key = value</c> or <c>key: value</c>, keys case-insensitive, a <c>#</c> or <c>;</c> starts a comment.
    /// </summary>
    internal static IEnumerable<ConfigProblem> FindInvalidSeverities(string text, string path)
    {
        foreach (var setting in ConfigFileLines.Settings(text))
        {
            if (IsModelGuardSeverityKey(setting.Key) && !SeverityResolver.TryParseSeverity(setting.Value, out _))
            {
                yield return new ConfigProblem(
                    RuleCatalog.InvalidSeverityConfiguration,
                    path,
                    setting.Line,
                    $"'{setting.Key} = {setting.Value}' is not a severity (error, warning, suggestion, silent, refactoring, none or default); the setting is ignored, as the compiler ignores it");
            }
        }
    }

    private static bool IsModelGuardSeverityKey(string key)
    {
        if (string.Equals(key, SeverityResolver.AllAnalyzersKey, StringComparison.OrdinalIgnoreCase))
        {
            return true;
        }

        return RuleCatalog.All.Any(r =>
            string.Equals(key, "dotnet_diagnostic." + r.Id + ".severity", StringComparison.OrdinalIgnoreCase)
            || string.Equals(key, SeverityResolver.CategoryKey(r.Category), StringComparison.OrdinalIgnoreCase));
    }
}
