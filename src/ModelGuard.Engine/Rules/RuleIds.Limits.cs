namespace ModelGuard.Engine.Rules;

/// <summary>Rule IDs for the scanner's resource limits.</summary>
public static partial class RuleIds
{
    /// <summary>Content exceeds a limit of the scanner (decompressed size, nesting depth, entry count), so it was not fully verified.</summary>
    public const string ScanLimitExceeded = "MG3020";

    /// <summary>Scanning one file took longer than the time limit, so the rest of it was not verified.</summary>
    public const string ScanTimeLimitExceeded = "MG3021";
}
