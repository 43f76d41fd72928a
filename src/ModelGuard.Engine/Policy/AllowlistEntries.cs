using System;

namespace ModelGuard.Engine.Policy;

/// <summary>Why a user's allowlist entry (<c>ModelGuardAllowedGlobal</c>, <c>modelguard_allowed_globals</c>, <c>--allow</c>) has no effect.</summary>
public enum AllowlistEntryProblemKind
{
    /// <summary>No global a pickle imports can ever equal the entry (a wildcard, no module, not a dotted Python name): MG9006.</summary>
    NeverMatches,

    /// <summary>The entry names a global the denylist covers; it stays MG1001 whatever the allowlist says: MG9007.</summary>
    Denied,
}

/// <summary>What is wrong with one allowlist entry, as a phrase that completes "'entry' ...".</summary>
public sealed class AllowlistEntryProblem
{
    internal AllowlistEntryProblem(AllowlistEntryProblemKind kind, string reason)
    {
        Kind = kind;
        Reason = reason;
    }

    public AllowlistEntryProblemKind Kind { get; }

    public string Reason { get; }
}

/// <summary>
/// Checks the user's own allowlist entries before a scan. Entries are compared with the <c>module.name</c> a pickle imports,
/// exactly and case-sensitively (<see cref="Scanning.ScanOptions.AllowedGlobals"/>), so an entry the policy could never match,
/// or one the denylist overrides, would otherwise be accepted and do nothing, silently.
/// </summary>
public static class AllowlistEntries
{
    /// <summary>The problem with <paramref name="entry"/> (trimmed, non-empty), or null when it can allow a global.</summary>
    public static AllowlistEntryProblem? Check(string entry)
    {
        if (entry is null)
        {
            throw new ArgumentNullException(nameof(entry));
        }

        entry = entry.Trim();
        if (entry.IndexOfAny(new[] { '*', '?', '[' }) >= 0)
        {
            return Never("is a pattern, but entries are exact module.name pairs: list each class the files import (a module-wide entry would also allow whatever a crafted file names in that module)");
        }

        var segments = entry.Split('.');
        if (segments.Length < 2)
        {
            return Never("has no module: a pickle imports a global as module.name (mypkg.layers.Custom), so a bare name matches nothing");
        }

        foreach (var segment in segments)
        {
            if (!IsPythonName(segment))
            {
                return Never("is not a dotted Python name (module.name, letters, digits and underscores, as the pickle writes it): it matches nothing");
            }
        }

        // The policy sees module and name split where the file splits them; the usual split is at the last dot, but a class
        // attribute can also be imported with a dotted name (module "mypkg", name "Layer.__reduce__").
        var lastDot = entry.LastIndexOf('.');
        var firstDot = entry.IndexOf('.');
        foreach (var split in new[] { lastDot, firstDot })
        {
            var verdict = GlobalPolicy.Classify(entry.Substring(0, split), entry.Substring(split + 1));
            if (verdict.Kind == GlobalVerdictKind.Dangerous)
            {
                return new AllowlistEntryProblem(
                    AllowlistEntryProblemKind.Denied,
                    $"names a global ModelGuard denies (a file that calls it would {verdict.Danger}); an allowlist entry never allows a denied global, so it stays MG1001");
            }
        }

        return null;
    }

    private static AllowlistEntryProblem Never(string reason) => new(AllowlistEntryProblemKind.NeverMatches, reason);

    private static bool IsPythonName(string segment)
    {
        if (segment.Length == 0 || char.IsDigit(segment[0]))
        {
            return false;
        }

        foreach (var c in segment)
        {
            if (!(c == '_' || char.IsLetterOrDigit(c)))
            {
                return false;
            }
        }

        return true;
    }
}
