using System;

namespace ModelGuard.Engine.Formats.Pickle;

/// <summary>Python naming facts the analysis relies on.</summary>
internal static class PythonNames
{
    /// <summary>A "dunder" name (<c>__class__</c>, <c>__globals__</c>): the attributes that reach interpreter internals.</summary>
    public static bool IsDunder(string name)
        => name.Length > 4 && name.StartsWith("__", StringComparison.Ordinal) && name.EndsWith("__", StringComparison.Ordinal);
}
