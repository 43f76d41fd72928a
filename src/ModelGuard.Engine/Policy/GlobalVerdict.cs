namespace ModelGuard.Engine.Policy;

/// <summary>How the policy classifies one imported global.</summary>
internal enum GlobalVerdictKind
{
    /// <summary>On the allowlist of what real model files use.</summary>
    Allowed,

    /// <summary>On the denylist: known to execute code, reach the OS, or load another payload (MG1001).</summary>
    Dangerous,

    /// <summary>Neither: cannot be verified (MG1002).</summary>
    NotAllowed,
}

/// <summary>A verdict with the reason shown to the user for dangerous globals.</summary>
internal readonly struct GlobalVerdict
{
    public GlobalVerdict(GlobalVerdictKind kind, string? danger = null)
    {
        Kind = kind;
        Danger = danger;
    }

    public GlobalVerdictKind Kind { get; }

    /// <summary>What loading a file that uses a dangerous global would do, completing "loading the file would ..." ("run shell commands").</summary>
    public string? Danger { get; }
}
