using System;
using System.Collections.Generic;

namespace ModelGuard.Engine.Policy;

/// <summary>
/// Exact (module, name) pairs that real model files import, read from the embedded <c>AllowedGlobals.txt</c>
/// (hand-curated entries plus the torch layers, optimizers and scikit-learn classes that make_allowlist.py lists),
/// each with the reason it is allowed.
/// </summary>
internal static class AllowedGlobals
{
    private static readonly PolicyList List = PolicyList.LoadEmbedded("ModelGuard.Engine.Policy.AllowedGlobals.txt");

    public static bool Contains(string qualifiedName) => List.Contains(qualifiedName);

    /// <summary>The entries, for docs and tests.</summary>
    public static IReadOnlyList<string> All => List.Names;

    /// <summary>Why an entry is allowed (<c>kind: what loading does with it</c>).</summary>
    public static string ReasonOf(string qualifiedName) => List.ReasonOf(qualifiedName);
}
