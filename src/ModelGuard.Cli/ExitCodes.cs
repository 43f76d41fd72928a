namespace ModelGuard.Cli;

/// <summary>The exit codes of <c>modelguard</c>, documented in the README and in <c>--help</c>.</summary>
internal static class ExitCodes
{
    /// <summary>Nothing at or above <c>--fail-on</c>.</summary>
    public const int Clean = 0;

    /// <summary>At least one finding at or above <c>--fail-on</c> (files that cannot be read or verified are errors).</summary>
    public const int Findings = 1;

    /// <summary>The command line was not understood, or an input it names (an allowlist file) cannot be read.</summary>
    public const int UsageError = 2;

    /// <summary>ModelGuard itself failed (or could not write the report); nothing can be concluded about the files.</summary>
    public const int InternalFailure = 3;
}
