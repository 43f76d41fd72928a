using System.Collections.Generic;
using ModelGuard.Engine.Findings;

namespace ModelGuard.Engine.Scanning;

/// <summary>The outcome of scanning one file.</summary>
public sealed class ScanResult
{
    /// <summary>Creates a result.</summary>
    public ScanResult(string filePath, ContentFormat format, IReadOnlyList<Finding> findings)
    {
        FilePath = filePath;
        Format = format;
        Findings = findings;
    }

    /// <summary>The file as the caller named it.</summary>
    public string FilePath { get; }

    /// <summary>What the content of the file turned out to be.</summary>
    public ContentFormat Format { get; }

    /// <summary>Findings in the order they were found.</summary>
    public IReadOnlyList<Finding> Findings { get; }

    /// <summary>
    /// Full paths of other files the verdict depends on (the external data files an ONNX model reads), empty for most files. A
    /// cache of verdicts must not reuse this one when they change, and a build that ships the file must ship these too.
    /// </summary>
    public IReadOnlyList<string> ReferencedFiles { get; init; } = System.Array.Empty<string>();
}
