using System;
using System.IO;

namespace ModelGuard.Engine.Integrity;

/// <summary>
/// The key of a lock entry: the file's path relative to the lock file's folder with <c>/</c> separators. A model linked from
/// outside the project folder keeps its leading <c>../</c> segments; nothing else may be unnormalized.
/// </summary>
public static class ModelLockPath
{
    private static readonly StringComparison PathComparison = Path.DirectorySeparatorChar == '\\' ? StringComparison.OrdinalIgnoreCase : StringComparison.Ordinal;

    /// <summary>The key for <paramref name="fullPath"/> relative to <paramref name="rootDirectory"/>.</summary>
    public static string FromFullPath(string rootDirectory, string fullPath)
    {
        var rootSegments = Split(Path.GetFullPath(rootDirectory));
        var fileSegments = Split(Path.GetFullPath(fullPath));
        var common = 0;
        while (common < rootSegments.Length && common < fileSegments.Length - 1 && string.Equals(rootSegments[common], fileSegments[common], PathComparison))
        {
            common++;
        }

        var key = new System.Text.StringBuilder();
        for (var i = common; i < rootSegments.Length; i++)
        {
            key.Append("../");
        }

        return key.Append(string.Join("/", fileSegments, common, fileSegments.Length - common)).ToString();
    }

    /// <summary>Why <paramref name="key"/> cannot be a lock key, or null when it can.</summary>
    public static string? Problem(string key)
    {
        if (key.Length == 0)
        {
            return "the path is empty";
        }

        if (key.IndexOf('\\') >= 0)
        {
            return "the path uses '\\'; lock keys use '/'";
        }

        if (key[0] == '/' || (key.Length > 1 && key[1] == ':'))
        {
            return "the path is absolute; lock keys are relative to the lock file's folder";
        }

        var leading = true;
        foreach (var segment in key.Split('/'))
        {
            leading &= segment == "..";
            if (segment.Length == 0 || segment == "." || (segment == ".." && !leading))
            {
                return $"the path has a '{segment}' segment where a normalized path has none";
            }
        }

        return leading ? "the path names no file" : null;
    }

    private static string[] Split(string fullPath)
        => fullPath.Split(new[] { Path.DirectorySeparatorChar, Path.AltDirectorySeparatorChar }, StringSplitOptions.RemoveEmptyEntries);
}
