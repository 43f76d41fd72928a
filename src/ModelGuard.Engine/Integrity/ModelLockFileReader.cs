using System;
using System.Collections.Generic;
using System.Linq;
using ModelGuard.Engine.Formats.Json;

namespace ModelGuard.Engine.Integrity;

/// <summary>
/// Reads a lock file strictly: anything the writer would not produce is an error with its line (merge-conflict markers,
/// invalid JSON, an unknown version, duplicate keys, unknown fields, malformed hashes), never silently merged or dropped.
/// </summary>
public static class ModelLockFileReader
{
    /// <summary>Lock files are kilobytes; a larger one is refused rather than parsed into memory.</summary>
    public const int MaxBytes = 64 * 1024 * 1024;

    private static readonly string[] ConflictMarkers = { "<<<<<<<", "=======", ">>>>>>>", "|||||||" };
    private static readonly string[] TopLevelFields = { "version", "models" };
    private static readonly string[] EntryFields = { "sha256", "size", "format", "source" };

    /// <summary>Reads <paramref name="content"/>, the whole file.</summary>
    public static ModelLockReadResult Read(byte[] content)
    {
        if (content.Length > MaxBytes)
        {
            return Fail(1, $"the lock file is {content.Length} bytes, more than the {MaxBytes} bytes a lock file may have");
        }

        var marker = FindConflictMarker(content);
        if (marker is { } line)
        {
            return Fail(line, "the lock file has merge-conflict markers; resolve the conflict (or delete the file and build without locked mode to write it again)");
        }

        JsonNode root;
        try
        {
            using var reader = new JsonReader(content);
            root = JsonDocument.Parse(reader);
        }
        catch (JsonReaderException ex)
        {
            return Fail(LineOf(content, ex.Offset), $"the lock file is not valid JSON: {ex.Message.TrimEnd('.')}");
        }

        try
        {
            return ModelLockReadResult.Success(ReadRoot(root, content));
        }
        catch (LockFormatException ex)
        {
            return Fail(LineOf(content, ex.Offset), ex.Message);
        }
    }

    private static ModelLockFile ReadRoot(JsonNode root, byte[] content)
    {
        var obj = root as JsonObjectNode ?? throw new LockFormatException(root.Offset, $"the lock file must be a JSON object, not {root.KindName}");
        CheckMembers(obj, TopLevelFields, "the lock file");
        var version = obj.Last("version") ?? throw new LockFormatException(obj.Offset, "the lock file has no \"version\"");
        if (version.Value is not JsonNumberNode number || !number.Number.TryGetUInt64(out var v) || v != ModelLockFile.CurrentVersion)
        {
            var text = version.Value is JsonNumberNode n ? n.Number.Text : version.Value.KindName;
            throw new LockFormatException(version.Value.Offset, $"the lock file has version {text}; this release of ModelGuard reads version {ModelLockFile.CurrentVersion}");
        }

        var models = obj.Last("models") ?? throw new LockFormatException(obj.Offset, "the lock file has no \"models\"");
        var modelsObject = models.Value as JsonObjectNode ?? throw new LockFormatException(models.Value.Offset, $"\"models\" must be an object, not {models.Value.KindName}");
        CheckDuplicates(modelsObject, "\"models\"");
        return new ModelLockFile(modelsObject.Members.Select(m => ReadEntry(m, content)).ToList());
    }

    private static ModelLockEntry ReadEntry(JsonMember member, byte[] content)
    {
        if (ModelLockPath.Problem(member.Name) is { } problem)
        {
            throw new LockFormatException(member.NameOffset, $"the entry '{member.Name}' cannot be a lock key: {problem}");
        }

        var where = $"the entry '{member.Name}'";
        var entry = member.Value as JsonObjectNode ?? throw new LockFormatException(member.Value.Offset, $"{where} must be an object, not {member.Value.KindName}");
        CheckMembers(entry, EntryFields, where);
        var sha = RequiredString(entry, "sha256", where);
        if (!Hex.IsSha256(sha))
        {
            throw new LockFormatException(entry.Last("sha256")!.Value.Offset, $"{where} has sha256 \"{Shorten(sha)}\"; a SHA-256 is 64 lowercase hex digits");
        }

        var size = entry.Last("size") ?? throw new LockFormatException(entry.Offset, $"{where} has no \"size\"");
        if (size.Value is not JsonNumberNode sizeNumber || !sizeNumber.Number.TryGetUInt64(out var bytes) || bytes > long.MaxValue)
        {
            throw new LockFormatException(size.Value.Offset, $"{where} has a size that is not a whole number of bytes");
        }

        var format = RequiredString(entry, "format", where);
        string? source = null;
        if (entry.Last("source") is { } sourceMember)
        {
            source = sourceMember.Value switch
            {
                JsonStringNode s => s.Value,
                JsonLiteralNode { Kind: JsonTokenKind.Null } => null,
                _ => throw new LockFormatException(sourceMember.Value.Offset, $"{where} has a source that is {sourceMember.Value.KindName}, not a string"),
            };
        }

        return new ModelLockEntry(member.Name, sha, (long)bytes, format, source) { Line = LineOf(content, member.NameOffset) };
    }

    private static string RequiredString(JsonObjectNode entry, string name, string where)
    {
        var member = entry.Last(name) ?? throw new LockFormatException(entry.Offset, $"{where} has no \"{name}\"");
        return member.Value is JsonStringNode s ? s.Value : throw new LockFormatException(member.Value.Offset, $"{where} has a {name} that is {member.Value.KindName}, not a string");
    }

    private static void CheckMembers(JsonObjectNode obj, string[] known, string where)
    {
        CheckDuplicates(obj, where);
        foreach (var member in obj.Members.Where(m => Array.IndexOf(known, m.Name) < 0))
        {
            throw new LockFormatException(member.NameOffset, $"{where} has an unknown field \"{Shorten(member.Name)}\" (known: {string.Join(", ", known)})");
        }
    }

    private static void CheckDuplicates(JsonObjectNode obj, string where)
    {
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var member in obj.Members.Where(m => !seen.Add(m.Name)))
        {
            throw new LockFormatException(member.NameOffset, $"{where} has the key \"{Shorten(member.Name)}\" more than once");
        }
    }

    private static int? FindConflictMarker(byte[] content)
    {
        var line = 1;
        for (var start = 0; start < content.Length; line++)
        {
            var end = Array.IndexOf(content, (byte)'\n', start);
            end = end < 0 ? content.Length : end;
            foreach (var marker in ConflictMarkers)
            {
                if (end - start >= marker.Length && StartsWith(content, start, marker))
                {
                    return line;
                }
            }

            start = end + 1;
        }

        return null;
    }

    private static bool StartsWith(byte[] content, int start, string marker)
    {
        for (var i = 0; i < marker.Length; i++)
        {
            if (content[start + i] != marker[i])
            {
                return false;
            }
        }

        return true;
    }

    private static int LineOf(byte[] content, long offset)
    {
        var line = 1;
        for (var i = 0; i < Math.Min(offset, content.Length); i++)
        {
            line += content[i] == (byte)'\n' ? 1 : 0;
        }

        return line;
    }

    private static string Shorten(string text) => text.Length <= 80 ? text : text.Substring(0, 80) + "...";

    private static ModelLockReadResult Fail(int line, string message) => ModelLockReadResult.Failure(line, message);

    private sealed class LockFormatException : Exception
    {
        public LockFormatException(long offset, string message)
            : base(message)
        {
            Offset = offset;
        }

        public LockFormatException()
        {
        }

        public LockFormatException(string message)
            : base(message)
        {
        }

        public LockFormatException(string message, Exception innerException)
            : base(message, innerException)
        {
        }

        public long Offset { get; }
    }
}

/// <summary>A lock file, or why it cannot be read and on which line.</summary>
public sealed class ModelLockReadResult
{
    private ModelLockReadResult(ModelLockFile? lockFile, int line, string? error)
    {
        LockFile = lockFile;
        Line = line;
        Error = error;
    }

    /// <summary>The lock file when it was read.</summary>
    public ModelLockFile? LockFile { get; }

    /// <summary>The 1-based line of the error.</summary>
    public int Line { get; }

    /// <summary>Why the file cannot be read, or null.</summary>
    public string? Error { get; }

    internal static ModelLockReadResult Success(ModelLockFile lockFile) => new(lockFile, 0, null);

    internal static ModelLockReadResult Failure(int line, string error) => new(null, line, error);
}
