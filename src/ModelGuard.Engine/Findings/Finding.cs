using ModelGuard.Engine.Rules;

namespace ModelGuard.Engine.Findings;

/// <summary>One problem the scanner found in one file.</summary>
public sealed class Finding
{
    /// <summary>Creates a finding.</summary>
    public Finding(RuleDescriptor rule, string filePath, string? archiveMember, long? offset, string message)
    {
        Rule = rule;
        FilePath = filePath;
        ArchiveMember = archiveMember;
        Offset = offset;
        Message = message;
    }

    /// <summary>The rule that was violated.</summary>
    public RuleDescriptor Rule { get; }

    /// <summary>The file as the caller named it.</summary>
    public string FilePath { get; }

    /// <summary>The archive member (nested members joined by <c>!/</c>), or null for the file itself.</summary>
    public string? ArchiveMember { get; }

    /// <summary>Byte offset inside the file or the member's uncompressed stream, when one applies.</summary>
    public long? Offset { get; }

    /// <summary>The 1-based line, for findings in text files (a lock file); null for model content, which has offsets.</summary>
    public int? Line { get; init; }

    /// <summary>What is wrong, in a sentence that stands on its own.</summary>
    public string Message { get; }

    /// <summary>The message prefixed with the member and offset, as the build shows it.</summary>
    public string FormatMessage()
    {
        var where = ArchiveMember is null
            ? (Offset is { } o ? $"at offset {o}: " : string.Empty)
            : (Offset is { } mo ? $"in '{ArchiveMember}' at offset {mo}: " : $"in '{ArchiveMember}': ");
        return where + Message;
    }

    /// <inheritdoc />
    public override string ToString() => $"{FilePath}: {Rule.Id}: {FormatMessage()}";
}
