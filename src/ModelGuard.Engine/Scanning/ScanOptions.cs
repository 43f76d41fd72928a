namespace ModelGuard.Engine.Scanning;

/// <summary>Limits and policy for one scan. Immutable and shareable across threads.</summary>
public sealed class ScanOptions
{
    /// <summary>The defaults the build and the CLI use.</summary>
    public static ScanOptions Default { get; } = new();

    /// <summary>How many containers may nest inside each other (a zip inside a gzip is depth 2).</summary>
    public int MaxContainerDepth { get; init; } = 4;

    /// <summary>The most bytes a compressed stream may expand to before the scan stops and reports it.</summary>
    public long MaxDecompressedBytes { get; init; } = 4L * 1024 * 1024 * 1024;
}
