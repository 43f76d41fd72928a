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
}
