using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using ModelGuard.Engine.Findings;
using ModelGuard.Engine.Formats.Json;
using ModelGuard.Engine.IO;
using ModelGuard.Engine.Rules;

namespace ModelGuard.Engine.Formats.Onnx;

/// <summary>
/// Validates an ONNX Runtime GenAI <c>genai_config.json</c>: every <c>custom_ops_library</c> (a native library the runtime loads
/// with the model) must be allowed by the project, and every file name the config gives must stay inside the model folder.
/// </summary>
internal static class GenAiConfigValidator
{
    public const string FileName = "genai_config.json";

    /// <summary>Configs larger than this are not parsed (real ones are a few kilobytes).</summary>
    public const long MaxConfigBytes = 16L * 1024 * 1024;

    private const string CustomOpsLibrary = "custom_ops_library";

    public static IReadOnlyList<FormatIssue> Validate(Stream content, long? length, IReadOnlyCollection<string> allowedLibraries)
    {
        var issues = new List<FormatIssue>();
        if (length is null or > MaxConfigBytes)
        {
            issues.Add(new FormatIssue(RuleCatalog.GenAiConfigUnreadable, null, length is null
                ? "the config could not be read as a file of known length; the libraries and paths it names were not checked"
                : $"the config is {length} bytes; ModelGuard reads configs of up to {MaxConfigBytes} bytes, so the libraries and paths it names were not checked"));
            return issues;
        }

        JsonNode root;
        try
        {
            root = JsonDocument.Parse(content, length.Value);
        }
        catch (JsonReaderException ex)
        {
            issues.Add(new FormatIssue(RuleCatalog.GenAiConfigUnreadable, ex.Offset, $"the config is not valid JSON: {ex.Message}; the libraries and paths it names were not checked"));
            return issues;
        }

        if (root is not JsonObjectNode)
        {
            issues.Add(new FormatIssue(RuleCatalog.GenAiConfigUnreadable, root.Offset, $"the config is {root.KindName}, not a JSON object; the libraries and paths it names were not checked"));
            return issues;
        }

        Walk(root, string.Empty, allowedLibraries, issues);
        return issues;
    }

    private static void Walk(JsonNode root, string rootPath, IReadOnlyCollection<string> allowed, List<FormatIssue> issues)
    {
        var pending = new Stack<(JsonNode Node, string Path)>();
        pending.Push((root, rootPath));
        while (pending.Count > 0)
        {
            var (node, path) = pending.Pop();
            if (node is JsonArrayNode array)
            {
                for (var i = array.Items.Count - 1; i >= 0; i--)
                {
                    pending.Push((array.Items[i], $"{path}[{i}]"));
                }

                continue;
            }

            if (node is not JsonObjectNode obj)
            {
                continue;
            }

            for (var i = obj.Members.Count - 1; i >= 0; i--)
            {
                var member = obj.Members[i];
                var memberPath = path.Length == 0 ? member.Name : path + "." + member.Name;
                if (member.Value is JsonStringNode text)
                {
                    CheckString(member.Name, memberPath, text, allowed, issues);
                }
                else
                {
                    pending.Push((member.Value, memberPath));
                }
            }
        }
    }

    private static void CheckString(string name, string path, JsonStringNode text, IReadOnlyCollection<string> allowed, List<FormatIssue> issues)
    {
        var isLibrary = string.Equals(name, CustomOpsLibrary, StringComparison.Ordinal);
        if (!isLibrary && !NamesAFile(name))
        {
            return;
        }

        if (text.Value.Length == 0)
        {
            return;
        }

        var escape = FolderRelativePath.UnsafeReasonByKind(text.Value);
        if (escape is not null)
        {
            issues.Add(new FormatIssue(RuleCatalog.GenAiConfigPathEscapesFolder, text.Offset, $"{path} is '{text.Value}', which {escape}; the runtime would open a file outside the model folder"));
        }

        if (isLibrary && !IsAllowed(text.Value, allowed))
        {
            issues.Add(new FormatIssue(RuleCatalog.GenAiCustomOpsLibrary, text.Offset, $"{path} names '{text.Value}', a native library the runtime loads with the model; allow it with <ModelGuardAllowedNativeLibrary Include=\"{FileNameOf(text.Value)}\" /> once verified"));
        }
    }

    /// <summary>Members that hold file names: filename, *_filename, *_path, *_file, *_library, *_dir.</summary>
    private static bool NamesAFile(string name)
        => name == "filename" || name.EndsWith("_filename", StringComparison.Ordinal) || name.EndsWith("_path", StringComparison.Ordinal)
            || name.EndsWith("_file", StringComparison.Ordinal) || name.EndsWith("_library", StringComparison.Ordinal) || name.EndsWith("_dir", StringComparison.Ordinal);

    private static bool IsAllowed(string library, IReadOnlyCollection<string> allowed)
        => allowed.Any(a => string.Equals(a, library, StringComparison.Ordinal) || string.Equals(a, FileNameOf(library), StringComparison.Ordinal));

    private static string FileNameOf(string path)
    {
        var slash = Math.Max(path.LastIndexOf('/'), path.LastIndexOf('\\'));
        return path.Substring(slash + 1);
    }
}
