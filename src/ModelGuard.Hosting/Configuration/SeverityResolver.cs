using System;
using System.Collections.Generic;
using Microsoft.CodeAnalysis;
using ModelGuard.Engine.Rules;

namespace ModelGuard.Hosting.Configuration;

/// <summary>How a finding is shown after configuration.</summary>
internal enum ReportLevel
{
    /// <summary>Not reported at all (<c>none</c>, <c>NoWarn</c>, <c>ModelGuardNoWarn</c>); kept in the SARIF log as suppressed.</summary>
    Suppressed = 0,

    /// <summary>Not shown in the build (<c>silent</c>, <c>refactoring</c>); in the SARIF log with level <c>none</c>.</summary>
    Hidden = 1,

    /// <summary>A build message with the rule's code (<c>suggestion</c>).</summary>
    Info = 2,

    /// <summary>A build warning.</summary>
    Warning = 3,

    /// <summary>A build error.</summary>
    Error = 4,
}

/// <summary>Which setting decided a finding's level.</summary>
internal enum SeveritySource
{
    /// <summary>The rule's default severity in the catalog.</summary>
    Default,

    /// <summary>The project's <c>NoWarn</c>.</summary>
    NoWarn,

    /// <summary>The item's <c>ModelGuardNoWarn</c> metadata.</summary>
    ItemNoWarn,

    /// <summary><c>WarningsAsErrors</c> or <c>WarningsNotAsErrors</c>.</summary>
    WarningsAsErrors,

    /// <summary><c>dotnet_diagnostic.ID.severity</c> in an .editorconfig (or a global config section for the file's absolute path).</summary>
    EditorConfig,

    /// <summary><c>dotnet_diagnostic.ID.severity</c> in the global section of a global config.</summary>
    GlobalConfig,

    /// <summary><c>dotnet_analyzer_diagnostic.category-Category.severity</c>.</summary>
    CategoryConfig,

    /// <summary><c>dotnet_analyzer_diagnostic.severity</c>.</summary>
    AllAnalyzersConfig,
}

/// <summary>The outcome of <see cref="SeverityResolver.Resolve"/>.</summary>
internal readonly struct SeverityDecision : IEquatable<SeverityDecision>
{
    public SeverityDecision(ReportLevel level, SeveritySource source, bool promotedByTreatWarningsAsErrors = false)
    {
        Level = level;
        Source = source;
        PromotedByTreatWarningsAsErrors = promotedByTreatWarningsAsErrors;
    }

    public ReportLevel Level { get; }

    public SeveritySource Source { get; }

    /// <summary>True when <c>TreatWarningsAsErrors</c> turned a warning into this error.</summary>
    public bool PromotedByTreatWarningsAsErrors { get; }

    public bool Equals(SeverityDecision other)
        => Level == other.Level && Source == other.Source && PromotedByTreatWarningsAsErrors == other.PromotedByTreatWarningsAsErrors;

    public override bool Equals(object? obj) => obj is SeverityDecision other && Equals(other);

    public override int GetHashCode() => ((int)Level * 31 + (int)Source) * 2 + (PromotedByTreatWarningsAsErrors ? 1 : 0);

    public override string ToString() => $"{Level} ({Source}{(PromotedByTreatWarningsAsErrors ? ", TreatWarningsAsErrors" : string.Empty)})";
}

/// <summary>
/// Resolves the level of a finding the way the C# compiler resolves an analyzer diagnostic's, so a ModelGuard rule obeys the same
/// knobs with the same precedence:
/// <list type="number">
/// <item><c>NoWarn</c> (and the item's <c>ModelGuardNoWarn</c>): suppressed, whatever else says.</item>
/// <item><c>WarningsAsErrors</c> (error) and <c>WarningsNotAsErrors</c> (back to default; the later one wins, as on csc's command line).</item>
/// <item><c>dotnet_diagnostic.ID.severity</c> from the nearest .editorconfig, then from the global config (a <c>WarningsNotAsErrors</c>
/// entry ignores a setting that would raise a warning rule to error).</item>
/// <item>Only when no setting above names the ID: <c>dotnet_analyzer_diagnostic.category-Category.severity</c>, then
/// <c>dotnet_analyzer_diagnostic.severity</c>.</item>
/// <item><c>TreatWarningsAsErrors</c>: promotes warnings, including ones configured as <c>warning</c> above, but not IDs in
/// <c>WarningsNotAsErrors</c> and not a rule explicitly configured as <c>default</c>.</item>
/// </list>
/// Pure: no file system, no MSBuild. Thread-safe.
/// </summary>
internal sealed class SeverityResolver
{
    /// <summary>Separators of ID lists in <c>NoWarn</c>, <c>WarningsAsErrors</c>, item metadata.</summary>
    private static readonly char[] IdSeparators = { ';', ',', ' ', '\t', '\r', '\n' };

    private readonly HashSet<string> _noWarn;
    // int values: see FileSettings (no JIT compiled Dictionary instantiation over Roslyn's enum).
    private readonly Dictionary<string, int> _specific;
    private readonly bool _treatWarningsAsErrors;

    public SeverityResolver(string? noWarn = null, string? warningsAsErrors = null, string? warningsNotAsErrors = null, bool treatWarningsAsErrors = false)
    {
        _noWarn = ParseIds(noWarn);
        _treatWarningsAsErrors = treatWarningsAsErrors;

        // Csc passes /warnaserror+:<WarningsAsErrors> before /warnaserror-:<WarningsNotAsErrors>: the later switch wins for an ID in both.
        _specific = new Dictionary<string, int>(StringComparer.OrdinalIgnoreCase);
        foreach (var id in ParseIds(warningsAsErrors))
        {
            _specific[id] = (int)ReportDiagnostic.Error;
        }

        foreach (var id in ParseIds(warningsNotAsErrors))
        {
            _specific[id] = (int)ReportDiagnostic.Default;
        }
    }

    /// <summary>True when TreatWarningsAsErrors (or ModelGuardTreatWarningsAsErrors) is on.</summary>
    public bool TreatWarningsAsErrors => _treatWarningsAsErrors;

    /// <summary>Splits an MSBuild ID list (<c>;</c>, <c>,</c> or white space), case-insensitively.</summary>
    public static HashSet<string> ParseIds(string? list)
    {
        var ids = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        if (!string.IsNullOrEmpty(list))
        {
            foreach (var id in list!.Split(IdSeparators, StringSplitOptions.RemoveEmptyEntries))
            {
                ids.Add(id.Trim());
            }
        }

        return ids;
    }

    /// <summary>
    /// Parses an .editorconfig severity exactly as Roslyn does (case-insensitive): <c>default</c>, <c>error</c>, <c>warning</c>,
    /// <c>suggestion</c>, <c>silent</c>/<c>refactoring</c>, <c>none</c>.
    /// </summary>
    public static bool TryParseSeverity(string? value, out ReportDiagnostic severity)
    {
        switch (value?.Trim().ToLowerInvariant())
        {
            case "default":
                severity = ReportDiagnostic.Default;
                return true;
            case "error":
                severity = ReportDiagnostic.Error;
                return true;
            case "warning":
                severity = ReportDiagnostic.Warn;
                return true;
            case "suggestion":
                severity = ReportDiagnostic.Info;
                return true;
            case "silent":
            case "refactoring":
                severity = ReportDiagnostic.Hidden;
                return true;
            case "none":
                severity = ReportDiagnostic.Suppress;
                return true;
            default:
                severity = ReportDiagnostic.Default;
                return false;
        }
    }

    /// <summary>The key of the category-wide severity for <paramref name="category"/>.</summary>
    public static string CategoryKey(string category) => "dotnet_analyzer_diagnostic.category-" + category + ".severity";

    /// <summary>The key of the severity for every analyzer rule.</summary>
    public const string AllAnalyzersKey = "dotnet_analyzer_diagnostic.severity";

    /// <summary>Resolves the level of <paramref name="rule"/> for a file configured by <paramref name="settings"/>.</summary>
    /// <param name="rule">The rule of the finding.</param>
    /// <param name="settings">The analyzer configuration that applies to the file.</param>
    /// <param name="itemNoWarn">IDs the file's item suppresses (<c>ModelGuardNoWarn</c>), or null.</param>
    public SeverityDecision Resolve(RuleDescriptor rule, FileSettings settings, ISet<string>? itemNoWarn = null)
    {
        if (rule is null)
        {
            throw new ArgumentNullException(nameof(rule));
        }

        settings ??= FileSettings.Empty;
        var id = rule.Id;

        // 1. NoWarn beats everything, WarningsAsErrors included (csc applies /nowarn last). MSBuild never downgrades an error,
        //    so the task applies it itself.
        if (_noWarn.Contains(id))
        {
            return new SeverityDecision(ReportLevel.Suppressed, SeveritySource.NoWarn);
        }

        if (itemNoWarn is not null && itemNoWarn.Contains(id))
        {
            return new SeverityDecision(ReportLevel.Suppressed, SeveritySource.ItemNoWarn);
        }

        // 2. WarningsAsErrors / WarningsNotAsErrors.
        var isSpecified = _specific.TryGetValue(id, out var specified);
        var report = (ReportDiagnostic)specified;
        var source = isSpecified ? SeveritySource.WarningsAsErrors : SeveritySource.Default;
        var warnAsErrorMinus = isSpecified && report == ReportDiagnostic.Default;
        var promoted = false;

        // 3. dotnet_diagnostic.ID.severity: the file's own configuration first, then the global section of the global config.
        var namedInConfig = false;
        if (!isSpecified || warnAsErrorMinus)
        {
            ReportDiagnostic configured;
            SeveritySource configSource;
            if (settings.TryGetFileSeverity(id, out configured))
            {
                namedInConfig = true;
                configSource = SeveritySource.EditorConfig;
            }
            else if (settings.TryGetGlobalSeverity(id, out configured))
            {
                namedInConfig = true;
                configSource = SeveritySource.GlobalConfig;
            }
            else
            {
                configSource = SeveritySource.Default;
            }

            // /warnaserror-:ID keeps a warning rule from being raised to an error by configuration.
            if (namedInConfig && !(warnAsErrorMinus && rule.DefaultSeverity == RuleSeverity.Warning && configured == ReportDiagnostic.Error))
            {
                isSpecified = true;
                report = configured;
                source = configSource;
                if (!warnAsErrorMinus && report == ReportDiagnostic.Warn && _treatWarningsAsErrors)
                {
                    report = ReportDiagnostic.Error;
                    promoted = true;
                }
            }
        }

        // 4. Bulk configuration, only for IDs nothing above names (a WarningsNotAsErrors entry counts as naming it).
        if (!_specific.ContainsKey(id) && !namedInConfig && TryGetBulkSeverity(rule, settings, out var bulk, out var bulkSource) && bulk != ReportDiagnostic.Default)
        {
            if (bulk == ReportDiagnostic.Warn && _treatWarningsAsErrors)
            {
                return new SeverityDecision(ReportLevel.Error, bulkSource, promotedByTreatWarningsAsErrors: true);
            }

            return new SeverityDecision(ToLevel(bulk, rule), bulkSource);
        }

        if (!isSpecified)
        {
            report = ReportDiagnostic.Default;
        }

        // 5. TreatWarningsAsErrors for rules nothing configured: warnings only, never suggestions or silent ones.
        if (report == ReportDiagnostic.Default && _treatWarningsAsErrors && rule.DefaultSeverity == RuleSeverity.Warning && !isSpecified)
        {
            return new SeverityDecision(ReportLevel.Error, SeveritySource.Default, promotedByTreatWarningsAsErrors: true);
        }

        return new SeverityDecision(ToLevel(report, rule), source, promoted);
    }

    private static bool TryGetBulkSeverity(RuleDescriptor rule, FileSettings settings, out ReportDiagnostic severity, out SeveritySource source)
    {
        if (settings.TryGetOption(CategoryKey(rule.Category), out var value) && TryParseSeverity(value, out severity))
        {
            source = SeveritySource.CategoryConfig;
            return true;
        }

        if (settings.TryGetOption(AllAnalyzersKey, out value) && TryParseSeverity(value, out severity))
        {
            source = SeveritySource.AllAnalyzersConfig;
            return true;
        }

        severity = ReportDiagnostic.Default;
        source = SeveritySource.Default;
        return false;
    }

    private static ReportLevel ToLevel(ReportDiagnostic report, RuleDescriptor rule) => report switch
    {
        ReportDiagnostic.Error => ReportLevel.Error,
        ReportDiagnostic.Warn => ReportLevel.Warning,
        ReportDiagnostic.Info => ReportLevel.Info,
        ReportDiagnostic.Hidden => ReportLevel.Hidden,
        ReportDiagnostic.Suppress => ReportLevel.Suppressed,
        _ => rule.DefaultSeverity switch
        {
            RuleSeverity.Error => ReportLevel.Error,
            RuleSeverity.Warning => ReportLevel.Warning,
            RuleSeverity.Info => ReportLevel.Info,
            _ => ReportLevel.Hidden,
        },
    };
}
