using System.Collections.Generic;
using ModelGuard.Engine.Findings;
using ModelGuard.Engine.Rules;

namespace ModelGuard.Engine.Scanning;

/// <summary>Collects the findings of one file while its content (and its containers' members) are scanned.</summary>
internal sealed class ScanContext
{
    private readonly List<Finding> _findings = new();

    public ScanContext(string filePath, ScanOptions options)
    {
        FilePath = filePath;
        Options = options;
    }

    public string FilePath { get; }

    public ScanOptions Options { get; }

    public IReadOnlyList<Finding> Findings => _findings;

    public void Report(RuleDescriptor rule, string? member, long? offset, string message)
        => _findings.Add(new Finding(rule, FilePath, member, offset, message));

    /// <summary>Joins a nested member name onto its parent's, as <c>outer.zip!/inner/data.pkl</c>.</summary>
    public static string JoinMember(string? parent, string child) => parent is null ? child : parent + "!/" + child;
}
