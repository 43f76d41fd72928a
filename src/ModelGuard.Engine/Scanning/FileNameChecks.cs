using System;
using System.Collections.Generic;
using ModelGuard.Engine.Rules;

namespace ModelGuard.Engine.Scanning;

/// <summary>Compares what the content is with what the file name says it is.</summary>
internal static class FileNameChecks
{
    private const string SafetensorsExtension = ".safetensors";
    private const string OnnxExtension = ".onnx";

    /// <summary>Extensions of formats that are not pickles; a pickle behind one of them is hiding.</summary>
    private static readonly HashSet<string> NotPickleExtensions = new(StringComparer.OrdinalIgnoreCase)
    {
        ".png", ".jpg", ".jpeg", ".gif", ".bmp", ".webp", ".ico", ".svg", ".tif", ".tiff",
        ".txt", ".json", ".csv", ".tsv", ".md", ".xml", ".yaml", ".yml", ".ini", ".cfg", ".toml", ".html", ".htm", ".css", ".js",
        ".wav", ".mp3", ".mp4", ".avi", ".mov", ".ogg", ".flac", ".pdf",
        ".onnx", ".gguf", ".ggml", ".tflite", ".pb", ".h5", ".hdf5", ".keras", ".mlmodel", ".engine", ".plan",
        ".dll", ".exe", ".so", ".dylib",
    };

    /// <summary>Reports a pickle or archive whose name claims another format. <paramref name="member"/> is null for the file itself.</summary>
    public static void Check(ScanContext context, string? member, ContentFormat format)
    {
        var name = member ?? context.FilePath;
        var extension = Extension(name);
        if (extension.Length == 0)
        {
            return;
        }

        if (string.Equals(extension, SafetensorsExtension, StringComparison.OrdinalIgnoreCase) && format is ContentFormat.Pickle or ContentFormat.Zip)
        {
            context.Report(RuleCatalog.SafetensorsMasquerade, member, null, $"the file is named '{extension}' but its content is {Describe(format)}");
        }
        else if (string.Equals(extension, OnnxExtension, StringComparison.OrdinalIgnoreCase) && format is ContentFormat.Pickle or ContentFormat.Zip)
        {
            context.Report(RuleCatalog.OnnxMasquerade, member, null, $"the file is named '{extension}' but its content is {Describe(format)}");
        }
        else if (format == ContentFormat.Pickle && NotPickleExtensions.Contains(extension))
        {
            context.Report(RuleCatalog.ExtensionMismatch, member, null, $"the content is a pickle but the file is named '{extension}'");
        }
    }

    private static string Describe(ContentFormat format) => format == ContentFormat.Zip ? "a zip archive" : "a pickle";

    private static string Extension(string name)
    {
        var slash = Math.Max(name.LastIndexOf('/'), name.LastIndexOf('\\'));
        var dot = name.LastIndexOf('.');
        return dot > slash + 1 ? name.Substring(dot) : string.Empty;
    }
}
