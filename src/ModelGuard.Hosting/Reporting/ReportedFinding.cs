using ModelGuard.Engine.Rules;
using ModelGuard.Hosting.Configuration;

namespace ModelGuard.Hosting.Reporting;

/// <summary>A finding (a model's or the configuration's) with the level configuration gave it.</summary>
internal sealed class ReportedFinding
{
    public ReportedFinding(RuleDescriptor rule, string? fullPath, string? displayPath, int line, string? member, long? offset, string message, SeverityDecision decision)
    {
        Rule = rule;
        FullPath = fullPath;
        DisplayPath = displayPath;
        Line = line;
        Member = member;
        Offset = offset;
        Message = message;
        Decision = decision;
    }

    public RuleDescriptor Rule { get; }

    /// <summary>The file's full path, or null for a problem that belongs to no file.</summary>
    public string? FullPath { get; }

    /// <summary>The path the build output shows (relative to the project when the file is under it).</summary>
    public string? DisplayPath { get; }

    /// <summary>1-based line in a text file (configuration problems), or 0.</summary>
    public int Line { get; }

    /// <summary>The archive member (nested members joined by <c>!/</c>), or null.</summary>
    public string? Member { get; }

    /// <summary>The byte offset in the file or in the member's uncompressed stream, or null.</summary>
    public long? Offset { get; }

    /// <summary>The message as the build shows it (member and offset included).</summary>
    public string Message { get; }

    public SeverityDecision Decision { get; }
}
