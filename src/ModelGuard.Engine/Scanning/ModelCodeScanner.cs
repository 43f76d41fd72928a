using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using ModelGuard.Engine.Formats.HuggingFace;
using ModelGuard.Engine.Formats.Json;
using ModelGuard.Engine.Rules;

namespace ModelGuard.Engine.Scanning;

/// <summary>
/// Python code that arrives with a model instead of inside it: Hugging Face configurations whose <c>auto_map</c> makes
/// transformers import the repository's own modules (MG3032), and Python files bundled in a model folder (MG3033).
/// </summary>
internal static class ModelCodeScanner
{
    /// <summary>Configurations are kilobytes; a larger JSON file (a tokenizer's vocabulary) is not read for this check.</summary>
    private const long MaxConfigBytes = 16L * 1024 * 1024;

    /// <summary>How many entries of a folder are looked at for model files next to a Python file.</summary>
    private const int MaxFolderEntries = 10_000;

    private static readonly HashSet<string> ModelExtensions = new(StringComparer.OrdinalIgnoreCase)
    {
        ".safetensors", ".bin", ".pt", ".pth", ".ckpt", ".pkl", ".pickle", ".joblib", ".npz", ".npy", ".onnx", ".gguf", ".h5",
        ".keras", ".tflite", ".mlmodel", ".pb", ".msgpack",
    };

    private static readonly HashSet<string> ModelConfigNames = new(StringComparer.OrdinalIgnoreCase)
    {
        "config.json", "tokenizer_config.json", "preprocessor_config.json", "processor_config.json", "generation_config.json",
    };

    /// <summary>Checks content no reader claimed. <paramref name="content"/> is at the start of the content.</summary>
    public static void Scan(ScanContext context, Stream content, string? member, ReadOnlySpan<byte> head)
    {
        var name = member ?? context.FilePath;
        if (FirstNonSpace(head) == '{' && content.CanSeek && !name.EndsWith(".safetensors.index.json", StringComparison.OrdinalIgnoreCase))
        {
            ScanConfiguration(context, content, member);
        }
        else if (member is null && name.EndsWith(".py", StringComparison.OrdinalIgnoreCase) && context.PhysicalPath is { } path)
        {
            ScanPythonSource(context, path);
        }
    }

    private static void ScanConfiguration(ScanContext context, Stream content, string? member)
    {
        var length = content.Length - content.Position;
        if (length > MaxConfigBytes)
        {
            return;
        }

        AutoMap? autoMap;
        try
        {
            autoMap = AutoMapReader.Find(content, length);
        }
        catch (JsonReaderException)
        {
            // Not a configuration transformers could read either.
            return;
        }

        if (autoMap is not null)
        {
            var what = autoMap.Mappings.Count == 0 ? "names classes" : "maps " + string.Join("; ", autoMap.Mappings);
            context.Report(RuleCatalog.RemoteCodeReference, member, autoMap.Offset, $"\"auto_map\" {what}: transformers imports the model repository's Python code when it is loaded with trust_remote_code=True");
        }
    }

    private static void ScanPythonSource(ScanContext context, string path)
    {
        var folder = Path.GetDirectoryName(path);
        if (string.IsNullOrEmpty(folder))
        {
            return;
        }

        string[] neighbours;
        try
        {
            neighbours = Directory.EnumerateFiles(folder).Take(MaxFolderEntries).Select(Path.GetFileName).Where(IsModelFileName).OrderBy(n => n, StringComparer.Ordinal).Take(3).ToArray()!;
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return;
        }

        if (neighbours.Length > 0)
        {
            context.Report(RuleCatalog.PythonSourceBesideModel, null, null, $"the Python source file sits beside model files ({string.Join(", ", neighbours)}) and may be imported when the model is loaded");
        }
    }

    private static bool IsModelFileName(string? name)
        => name is not null && (ModelConfigNames.Contains(name) || ModelExtensions.Contains(Path.GetExtension(name)));

    private static int FirstNonSpace(ReadOnlySpan<byte> head)
    {
        foreach (var b in head)
        {
            if (b is not ((byte)' ' or (byte)'\t' or (byte)'\n' or (byte)'\r'))
            {
                return b;
            }
        }

        return -1;
    }
}
