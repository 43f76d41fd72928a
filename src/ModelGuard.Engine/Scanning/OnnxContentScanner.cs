using System;
using System.Collections.Generic;
using System.IO;
using ModelGuard.Engine.Findings;
using ModelGuard.Engine.Formats.Onnx;
using ModelGuard.Engine.Rules;

namespace ModelGuard.Engine.Scanning;

/// <summary>
/// Validates ONNX content: what sniffs as a ModelProto whatever its name, and by name a <c>.onnx</c> file that sniffs as nothing
/// known (a truncated or garbled model gets its precise MG50xx error instead of passing). Routes a top-level
/// <c>genai_config.json</c> to the ONNX Runtime GenAI checks.
/// </summary>
internal static class OnnxContentScanner
{
    private const string Extension = ".onnx";

    /// <summary>Content that sniffed as an ONNX model.</summary>
    public static ContentFormat Scan(ScanContext context, Stream content, string? member)
    {
        long? length = content.CanSeek ? content.Length - content.Position : null;
        var issues = new List<FormatIssue>();
        if (length is > OnnxLimits.MaxProtobufBytes)
        {
            issues.Add(new FormatIssue(RuleCatalog.OnnxModelTooLarge, null, $"the model's protobuf is {length} bytes, larger than the {OnnxLimits.MaxProtobufBytes} bytes protobuf parsers accept; keep the weights in external data"));
        }

        OnnxModel? model = null;
        try
        {
            model = OnnxModelReader.Read(content, length);
        }
        catch (OnnxFormatException ex)
        {
            issues.Add(new FormatIssue(ex.Rule, ex.Offset, ex.Message));
        }

        if (model is not null)
        {
            OnnxStructureValidator.Validate(model, issues);
            var modelPath = member is null ? context.PhysicalPath : null;
            foreach (var file in OnnxExternalDataValidator.Validate(model, modelPath, issues))
            {
                context.AddReferencedFile(file);
            }
        }

        foreach (var issue in issues)
        {
            context.Report(issue.Rule, member, issue.Offset, issue.Message);
        }

        return ContentFormat.Onnx;
    }

    /// <summary>
    /// Content that sniffed as no known format: validated as ONNX when named <c>.onnx</c>, as a GenAI config when it is a
    /// top-level <c>genai_config.json</c>; otherwise <see cref="ContentFormat.Unknown"/> and nothing is reported.
    /// </summary>
    public static ContentFormat? ScanByName(ScanContext context, Stream content, string? member)
    {
        if (HasOnnxName(context, member))
        {
            return Scan(context, content, member);
        }

        if (IsGenAiConfig(context, member))
        {
            long? length = content.CanSeek ? content.Length - content.Position : null;
            foreach (var issue in GenAiConfigValidator.Validate(content, length, context.Options.AllowedNativeLibraries))
            {
                context.Report(issue.Rule, member, issue.Offset, issue.Message);
            }

            return ContentFormat.Unknown;
        }

        return null;
    }

    /// <summary>Whether <see cref="ScanByName"/> validates this content (a <c>.onnx</c> name, a top-level GenAI config).</summary>
    public static bool IsValidatedByName(ScanContext context, string? member) => HasOnnxName(context, member) || IsGenAiConfig(context, member);

    private static bool HasOnnxName(ScanContext context, string? member) => (member ?? context.FilePath).EndsWith(Extension, StringComparison.OrdinalIgnoreCase);

    private static bool IsGenAiConfig(ScanContext context, string? member)
        => member is null && context.FilePath.Substring(Math.Max(context.FilePath.LastIndexOf('/'), context.FilePath.LastIndexOf('\\')) + 1)
            .Equals(GenAiConfigValidator.FileName, StringComparison.OrdinalIgnoreCase);
}
