namespace ModelGuard.Engine.Integrity;

/// <summary>One pinned model file of a <c>models.lock.json</c>.</summary>
public sealed class ModelLockEntry
{
    /// <summary>Creates an entry.</summary>
    public ModelLockEntry(string path, string sha256, long size, string format, string? source = null)
    {
        Path = path;
        Sha256 = sha256;
        Size = size;
        Format = format;
        Source = source;
    }

    /// <summary>The file's path relative to the lock file's folder, with <c>/</c> separators (the entry's key).</summary>
    public string Path { get; }

    /// <summary>The SHA-256 of the file's bytes, 64 lowercase hex digits.</summary>
    public string Sha256 { get; }

    /// <summary>The file's length in bytes.</summary>
    public long Size { get; }

    /// <summary>The format ModelGuard detected from the content when the entry was written (informational).</summary>
    public string Format { get; }

    /// <summary>Free text the user keeps with the entry, such as <c>hf://org/repo@commit/model.safetensors</c>; kept on updates.</summary>
    public string? Source { get; }

    /// <summary>The 1-based line of the entry in the file it was read from; null for an entry made in memory.</summary>
    public int? Line { get; init; }

    /// <summary>The same entry for new content; the user's <see cref="Source"/> stays.</summary>
    public ModelLockEntry WithContent(string sha256, long size, string format) => new(Path, sha256, size, format, Source);
}
