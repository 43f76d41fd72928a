using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;

namespace ModelGuard.Engine.Policy;

/// <summary>
/// Exact (module, name) pairs that real model files import, read from the embedded <c>AllowedGlobals.txt</c>
/// (hand-curated entries plus the torch.nn layers and scikit-learn estimators that make_allowlist.py lists).
/// </summary>
internal static class AllowedGlobals
{
    private static readonly string[] Entries = Load();

    private static readonly HashSet<string> Set = new(Entries, StringComparer.Ordinal);

    public static bool Contains(string qualifiedName) => Set.Contains(qualifiedName);

    /// <summary>The entries, for docs and tests.</summary>
    public static IReadOnlyList<string> All => Entries;

    private static string[] Load()
    {
        using var stream = typeof(AllowedGlobals).Assembly.GetManifestResourceStream("ModelGuard.Engine.Policy.AllowedGlobals.txt")
            ?? throw new InvalidOperationException("The embedded allowlist is missing from the engine assembly.");
        using var reader = new StreamReader(stream);
        return reader.ReadToEnd()
            .Split('\n')
            .Select(line => line.Trim())
            .Where(line => line.Length > 0 && !line.StartsWith("#", StringComparison.Ordinal))
            .ToArray();
    }
}
