using System;
using System.Collections.Generic;
using System.IO;

namespace ModelGuard.Engine.Policy;

/// <summary>
/// An embedded list of exact <c>module.name</c> entries, one per line as <c>module.name  # reason</c>; lines starting
/// with <c>#</c> are comments. An entry without a reason is a build defect (tests read every list).
/// </summary>
internal sealed class PolicyList
{
    private readonly Dictionary<string, string> _reasons;

    private PolicyList(string resourceName, Dictionary<string, string> reasons, string[] names)
    {
        ResourceName = resourceName;
        _reasons = reasons;
        Names = names;
    }

    public string ResourceName { get; }

    public IReadOnlyList<string> Names { get; }

    /// <summary>
    /// Whether the list names <paramref name="qualifiedName"/>, or it is a public member (<c>Enum.MEMBER</c>, reached with
    /// getattr) of a class the list marks as an enum: looking up a member builds nothing and calls nothing.
    /// </summary>
    public bool Contains(string qualifiedName)
    {
        if (_reasons.ContainsKey(qualifiedName))
        {
            return true;
        }

        var dot = qualifiedName.LastIndexOf('.');
        return dot > 0
            && dot < qualifiedName.Length - 1
            && qualifiedName[dot + 1] is not '_'
            && _reasons.TryGetValue(qualifiedName.Substring(0, dot), out var owner)
            && owner.StartsWith("enum:", StringComparison.Ordinal);
    }

    public string ReasonOf(string qualifiedName) => _reasons.TryGetValue(qualifiedName, out var reason) ? reason : string.Empty;

    public static PolicyList LoadEmbedded(string resourceName)
    {
        using var stream = typeof(PolicyList).Assembly.GetManifestResourceStream(resourceName)
            ?? throw new InvalidOperationException($"The embedded policy list {resourceName} is missing from the engine assembly.");
        using var reader = new StreamReader(stream);
        return Parse(resourceName, reader.ReadToEnd());
    }

    internal static PolicyList Parse(string resourceName, string text)
    {
        var reasons = new Dictionary<string, string>(StringComparer.Ordinal);
        var names = new List<string>();
        foreach (var raw in text.Split('\n'))
        {
            var line = raw.Trim();
            if (line.Length == 0 || line.StartsWith("#", StringComparison.Ordinal))
            {
                continue;
            }

            var hash = line.IndexOf('#');
            var name = (hash < 0 ? line : line.Substring(0, hash)).Trim();
            var reason = hash < 0 ? string.Empty : line.Substring(hash + 1).Trim();
            // A duplicate stays in Names, where the tests find it.
            names.Add(name);
            reasons[name] = reason;
        }

        return new PolicyList(resourceName, reasons, names.ToArray());
    }
}
