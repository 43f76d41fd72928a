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

    /// <summary>MG9006.</summary>
    public static readonly RuleDescriptor AllowlistEntryNeverMatches = new(
        RuleIds.AllowlistEntryNeverMatches,
        "Allowlist entry can never match a pickled global",
        RuleCategories.Configuration,
        RuleSeverity.Warning,
        "Your own allowlist entries (<ModelGuardAllowedGlobal Include=\"...\" /> items, modelguard_allowed_globals in .editorconfig files "
        + "and global configs, the command line's --allow and --allowlist) are compared with the module.name a pickle imports, exactly and "
        + "case-sensitively. An entry with a wildcard (mypkg.layers.*), without a module (Custom) or with characters a Python name cannot have "
        + "(mypkg.layers:Custom, mypkg/layers.Custom) can never be equal to one, so it allows nothing and the files it was meant for stay "
        + "MG1002. ModelGuard has no module-wide entries on purpose: a pattern would also allow whatever a crafted file names in that module.",
        "List each class or function the files import as module.name, as the MG1002 message names it (mypkg.layers.Custom), one entry each.",
        "models/.editorconfig(4) : warning MG9006: the allowlist entry 'mypkg.layers.*' (modelguard_allowed_globals) is a pattern, but entries are exact module.name pairs: list each class the files import")
    {
        Cause = "An allowlist entry is a wildcard, has no module or is not a dotted Python name, so it can never match a global a pickle imports.",
    };

    /// <summary>MG9007.</summary>
    public static readonly RuleDescriptor AllowlistEntryDenied = new(
        RuleIds.AllowlistEntryDenied,
        "Allowlist entry names a global ModelGuard denies",
        RuleCategories.Configuration,
        RuleSeverity.Warning,
        "Allowlist entries and profiles only extend the list of globals known to be safe; they never allow a global that runs code, starts "
        + "processes, touches files or the network or loads another payload (builtins.exec, os.system, pickle.loads, anything in a denied "
        + "module). A file that imports such a global stays MG1001 whatever the allowlist says. The entry is reported so that nobody "
        + "believes the file was allowed: the global stays denied.",
        "Remove the entry. If a model you trust really imports the global, the model runs that code when it is loaded: re-export it "
        + "without the object that reduces to the global (for example as safetensors), or suppress MG1001 for that one file after review "
        + "(ModelGuardNoWarn).",
        "MyApp.csproj : warning MG9007: the allowlist entry 'os.system' (ModelGuardAllowedGlobal item) names a global ModelGuard denies (a file that calls it would run shell commands or start processes); an allowlist entry never allows a denied global, so it stays MG1001")
    {
        Cause = "An allowlist entry names a global on ModelGuard's denylist, which no entry can allow.",
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
