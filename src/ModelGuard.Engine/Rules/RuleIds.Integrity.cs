namespace ModelGuard.Engine.Rules;

/// <summary>Rule IDs for pinning bundled models by hash (<c>models.lock.json</c>).</summary>
public static partial class RuleIds
{
    /// <summary>A model's content differs from what the lock file pins.</summary>
    public const string LockedModelChanged = "MG4001";

    /// <summary>A bundled model has no entry in the lock file.</summary>
    public const string ModelNotLocked = "MG4002";

    /// <summary>The lock file pins a file the project no longer bundles.</summary>
    public const string LockEntryNotBundled = "MG4003";

    /// <summary>The lock file cannot be read.</summary>
    public const string LockFileUnreadable = "MG4004";

    /// <summary>A build updated the lock file (added, changed or removed an entry).</summary>
    public const string LockFileUpdated = "MG4005";
}
