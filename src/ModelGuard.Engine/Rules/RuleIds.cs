namespace ModelGuard.Engine.Rules;

/// <summary>Rule ID constants; the catalog (<see cref="RuleCatalog"/>) describes each one.</summary>
public static partial class RuleIds
{
    /// <summary>The pickle imports a callable known to execute code or reach the OS.</summary>
    public const string DangerousImport = "MG1001";

    /// <summary>The pickle imports something that is not on the allowlist.</summary>
    public const string UnknownImport = "MG1002";

    /// <summary>The pickle cannot be fully decoded.</summary>
    public const string PickleDecodeFailure = "MG1003";

    /// <summary>Content inside a container cannot be inspected (encryption, unsupported compression or archive format, unreadable archive).</summary>
    public const string UninspectableContent = "MG3001";

    /// <summary>The scanner failed internally on a file.</summary>
    public const string InternalError = "MG9001";

    /// <summary>A model item cannot be read (missing, a directory, locked or access denied).</summary>
    public const string UnreadableFile = "MG9002";
}
