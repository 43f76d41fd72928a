namespace ModelGuard.Engine.Rules;

/// <summary>Rule IDs for ModelGuard's own configuration and outputs.</summary>
public static partial class RuleIds
{
    /// <summary>A severity setting for a ModelGuard rule in .editorconfig or a global config has a value that is not a severity.</summary>
    public const string InvalidSeverityConfiguration = "MG9003";

    /// <summary>Analyzer configuration files cannot be read or applied (conflicting global config keys, invalid sections).</summary>
    public const string InvalidAnalyzerConfiguration = "MG9004";

    /// <summary>The SARIF log requested with ModelGuardErrorLog cannot be written.</summary>
    public const string ErrorLogNotWritten = "MG9005";

    /// <summary>An allowlist entry of the user's can never match a global a pickle imports (a wildcard, no module, not a Python name).</summary>
    public const string AllowlistEntryNeverMatches = "MG9006";

    /// <summary>An allowlist entry of the user's names a global the denylist covers, which stays denied.</summary>
    public const string AllowlistEntryDenied = "MG9007";
}
