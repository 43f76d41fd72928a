using System;
using System.Collections.Generic;
using System.Linq;

namespace ModelGuard.Engine.Policy;

/// <summary>
/// Opt-in allowlists for ecosystems whose checkpoints pickle their own classes (<c>Profiles/*.txt</c>): exact
/// (module, name) pairs with a reason each, generated from the installed library where Debian packages it (pandas,
/// xgboost) and read from the library's source otherwise. A profile extends the allowlist like the user's own entries:
/// it never allows a name MG1001 denies.
/// </summary>
public static class AllowProfiles
{
    private static readonly Dictionary<string, Lazy<PolicyList>> Lists = new(StringComparer.OrdinalIgnoreCase)
    {
        ["pandas"] = Embedded("pandas"),
        ["xgboost"] = Embedded("xgboost"),
        ["transformers"] = Embedded("transformers"),
        ["lightning"] = Embedded("lightning"),
        ["fairseq"] = Embedded("fairseq"),
        ["ultralytics"] = Embedded("ultralytics"),
    };

    /// <summary>The profile names, lower case, for docs, messages and configuration checks.</summary>
    public static IReadOnlyList<string> Names { get; } = Lists.Keys.OrderBy(n => n, StringComparer.Ordinal).ToArray();

    /// <summary>Whether <paramref name="name"/> (case-insensitive) is a profile.</summary>
    public static bool Exists(string name) => Lists.ContainsKey(name);

    internal static PolicyList Get(string name) => Lists[name].Value;

    private static Lazy<PolicyList> Embedded(string name) => new(() => PolicyList.LoadEmbedded("ModelGuard.Engine.Policy.Profiles." + name + ".txt"));
}
