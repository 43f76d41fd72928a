namespace ModelGuard.Engine.Integrity;

/// <summary>A bundled model file as it is now: its lock key, the path findings name, and its hash.</summary>
public sealed class LockedModel
{
    public LockedModel(string key, string displayPath, FileDigest digest, string format)
    {
        Key = key;
        DisplayPath = displayPath;
        Digest = digest;
        Format = format;
    }

    /// <summary>The lock key (<see cref="ModelLockPath.FromFullPath"/>).</summary>
    public string Key { get; }

    /// <summary>The path findings about this file carry.</summary>
    public string DisplayPath { get; }

    public FileDigest Digest { get; }

    /// <summary>The detected format, lowercase (<c>safetensors</c>, <c>zip</c>, <c>pickle</c>, ...).</summary>
    public string Format { get; }
}
