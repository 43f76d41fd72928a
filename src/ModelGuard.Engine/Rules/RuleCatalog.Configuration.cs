using System;
using System.Collections.Generic;
using System.Linq;
using System.Reflection;

namespace ModelGuard.Engine.Rules;

/// <summary>Rules about ModelGuard's own configuration and outputs, and catalog helpers for tools and release tracking.</summary>
public static partial class RuleCatalog
{
    /// <summary>MG9003.</summary>
    public static readonly RuleDescriptor InvalidSeverityConfiguration = new(
        RuleIds.InvalidSeverityConfiguration,
        "Severity setting for a ModelGuard rule is not a severity",
        RuleCategories.Configuration,
        RuleSeverity.Warning,
        "ModelGuard reads the same severity settings as Roslyn analyzers: dotnet_diagnostic.<ID>.severity, "
        + "dotnet_analyzer_diagnostic.category-<Category>.severity and dotnet_analyzer_diagnostic.severity in .editorconfig files and global "
        + "configs. A value other than error, warning, suggestion, silent, refactoring, none or default is ignored, exactly as the compiler "
        + "ignores it, so the rule keeps the severity it had without the setting. ModelGuard reports the line instead of ignoring it silently, "
        + "because a misspelt 'none' or 'error' otherwise goes unnoticed.",
        "Correct the value on the line the message names.",
        ".editorconfig(3) : warning MG9003: 'dotnet_diagnostic.MG1002.severity = nonee' is not a severity (error, warning, suggestion, silent, refactoring, none or default); the setting is ignored")
    {
        Cause = "A dotnet_diagnostic.MG<ID>.severity or dotnet_analyzer_diagnostic.*.severity setting has a value that is not a severity.",
    };

    /// <summary>MG9004.</summary>
    public static readonly RuleDescriptor InvalidAnalyzerConfiguration = new(
        RuleIds.InvalidAnalyzerConfiguration,
        "Analyzer configuration cannot be applied",
        RuleCategories.Configuration,
        RuleSeverity.Warning,
        "ModelGuard builds Roslyn's own AnalyzerConfigSet from the .editorconfig files above each model file, the global configs and "
        + "@(EditorConfigFiles). Problems Roslyn reports while doing so (two global configs with the same global_level setting the same key, "
        + "a global config section that is not an absolute path, ...) and configuration files that cannot be read mean some settings are not "
        + "applied; the affected keys fall back to what the remaining configuration says.",
        "Fix the configuration the message names: give conflicting global configs different global_level values or remove one of the "
        + "duplicate keys, use absolute paths in global config sections, make the file readable.",
        "warning MG9004: Multiple global analyzer config files set the same key 'dotnet_diagnostic.mg1002.severity' in section 'Global Section'. It has been unset. Key was set by the following files: '/src/a.globalconfig, /src/b.globalconfig'")
    {
        Cause = "Roslyn reported a problem while combining the .editorconfig and global config files, or one of them cannot be read.",
    };

    /// <summary>MG9005.</summary>
    public static readonly RuleDescriptor ErrorLogNotWritten = new(
        RuleIds.ErrorLogNotWritten,
        "SARIF log cannot be written",
        RuleCategories.Infrastructure,
        RuleSeverity.Error,
        "The project asks for a SARIF log with <ModelGuardErrorLog>, but the file cannot be written. A CI job that uploads the log would "
        + "otherwise publish a stale or missing report.",
        "Make the folder of the path in ModelGuardErrorLog writable, or fix the path.",
        "error MG9005: the SARIF log 'reports/modelguard.sarif' cannot be written (UnauthorizedAccessException: Access to the path is denied)")
    {
        Cause = "The path in ModelGuardErrorLog cannot be written.",
    };

    /// <summary>The first release; rules with this <see cref="RuleDescriptor.ShippedIn"/> are listed in AnalyzerReleases.Shipped.md.</summary>
    private const string FirstRelease = "0.1.0";

    private static Dictionary<string, string>? _names;

    /// <summary>The name of the <see cref="RuleIds"/> constant that holds <paramref name="id"/> (for example <c>DangerousImport</c>).</summary>
    internal static string NameOf(string id)
    {
        var names = _names ??= typeof(RuleIds).GetFields(BindingFlags.Public | BindingFlags.Static)
            .Where(f => f.IsLiteral && f.FieldType == typeof(string))
            .ToDictionary(f => (string)f.GetRawConstantValue()!, f => f.Name, StringComparer.OrdinalIgnoreCase);
        return names.TryGetValue(id, out var name) ? name : id;
    }
}
