using System;
using ModelGuard.Engine.Formats.Pickle;
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
            return new GlobalVerdict(GlobalVerdictKind.Dangerous, "walk a dunder attribute path (" + name + "), the classic way to reach builtins and code objects from any value");
        }

        // Precedence: an exact denylist entry, then the curated allowlist (exact pairs that may sit inside a module the
        // denylist covers as a whole, such as torch.serialization._get_layout), then module-wide denylist entries, then
        // the user's own entries and the profiles they opted into, which can never override any denylist entry.
        if (DangerousGlobals.TryGetExact(qualified, out var danger))
        {
            return new GlobalVerdict(GlobalVerdictKind.Dangerous, danger);
        }

        if (AllowedGlobals.Contains(qualified))
        {
            return new GlobalVerdict(GlobalVerdictKind.Allowed);
        }

        if (DangerousGlobals.TryGetDanger(qualified, out danger))
        {
            return new GlobalVerdict(GlobalVerdictKind.Dangerous, danger);
        }

        return options is not null && (options.IsUserAllowed(qualified) || options.IsProfileAllowed(qualified))
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
            if (PythonNames.IsDunder(segment))
            {
                return true;
            }
        }

        return false;
    }
}
