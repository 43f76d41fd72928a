using System;
using ModelGuard.Engine.Scanning;

namespace ModelGuard.Engine.Policy;

/// <summary>Default-deny classification of imported globals: allowlisted, dangerous (MG1001) or not allowed (MG1002).</summary>
internal static class GlobalPolicy
{
    /// <summary>Classifies <paramref name="module"/>.<paramref name="name"/>; the user's allowed globals extend the allowlist only.</summary>
    public static GlobalVerdict Classify(string module, string name, ScanOptions? options = null)
    {
        var qualified = module + "." + name;
        if (HasDunderSegment(name))
        {
            return new GlobalVerdict(GlobalVerdictKind.Dangerous, "walks a dunder attribute path (" + name + "), the classic way to reach builtins and code objects from any value");
        }

        if (DangerousGlobals.TryGetDanger(qualified, out var danger))
        {
            return new GlobalVerdict(GlobalVerdictKind.Dangerous, danger);
        }

        return AllowedGlobals.Contains(module, name) || (options is not null && options.IsUserAllowed(qualified))
            ? new GlobalVerdict(GlobalVerdictKind.Allowed)
            : new GlobalVerdict(GlobalVerdictKind.NotAllowed);
    }

    private static bool HasDunderSegment(string name)
    {
        if (name.IndexOf('.') < 0)
        {
            return false;
        }

        foreach (var segment in name.Split('.'))
        {
            if (segment.Length > 4 && segment.StartsWith("__", StringComparison.Ordinal) && segment.EndsWith("__", StringComparison.Ordinal))
            {
                return true;
            }
        }

        return false;
    }
}
