using System;
using System.IO;
using ModelGuard.Engine.Formats.Keras;
using ModelGuard.Engine.Rules;

namespace ModelGuard.Engine.Scanning;

/// <summary>
/// Model formats this version recognises but does not verify: each is reported (MG3030) so that "not checked" never reads as
/// "checked and fine"; what can be seen cheaply of code they carry is reported on top (MG3031).
/// </summary>
internal static class UnverifiedFormatScanner
{
    private const string NotChecked = "which this version recognises but does not verify";

    public static void ScanHdf5(ScanContext context, Stream content, string? member)
    {
        var facts = Hdf5KerasMarkers.Search(content);
        if (facts.LambdaOffset is { } lambda)
        {
            context.Report(RuleCatalog.KerasCode, member, lambda, "a Lambda layer of the Keras model configuration carries marshalled Python bytecode that Keras runs when the model is loaded without safe mode");
        }

        if (!context.InKerasArchive)
        {
            var what = facts.IsKerasModel ? "a Keras model in HDF5 format" : "an HDF5 file (Keras .h5 models and other frameworks' weights use it)";
            context.Report(RuleCatalog.UnverifiedModelFormat, member, null, $"the content is {what}, {NotChecked}; its layers, custom objects and weights were not checked");
        }
    }

    public static void ScanTfLite(ScanContext context, string? member)
        => context.Report(RuleCatalog.UnverifiedModelFormat, member, null, $"the content is a TensorFlow Lite model, {NotChecked}; its custom and Flex operators (native code the app must load) were not checked");

    /// <summary>
    /// Protobuf formats without a magic number: recognised only when both the name and the first fields agree, so other
    /// binary data is never taken for them. Returns the format, or <see cref="ContentFormat.Unknown"/>.
    /// </summary>
    public static ContentFormat ScanByNameAndContent(ScanContext context, ReadOnlySpan<byte> head, string? member)
    {
        var name = member ?? context.FilePath;
        if (EndsWithName(name, "saved_model.pb") && StartsWithVarintField1ThenField2(head))
        {
            context.Report(RuleCatalog.UnverifiedModelFormat, member, null, $"the content is a TensorFlow SavedModel graph, {NotChecked}; its operations (py_func among them) and the variables beside it were not checked");
            return ContentFormat.TensorFlowSavedModel;
        }

        if (name.EndsWith(".mlmodel", StringComparison.OrdinalIgnoreCase) && StartsWithVarintField1ThenField2(head))
        {
            context.Report(RuleCatalog.UnverifiedModelFormat, member, null, $"the content is a Core ML model, {NotChecked}; its layers and custom layer classes were not checked");
            return ContentFormat.CoreMl;
        }

        return ContentFormat.Unknown;
    }

    /// <summary>Both messages start with a small varint field 1 (schema or specification version) and a length-delimited field 2.</summary>
    private static bool StartsWithVarintField1ThenField2(ReadOnlySpan<byte> head)
        => head.Length >= 3 && head[0] == 0x08 && head[1] is > 0 and < 0x80 && head[2] == 0x12;

    private static bool EndsWithName(string path, string fileName)
        => path.EndsWith(fileName, StringComparison.OrdinalIgnoreCase)
           && (path.Length == fileName.Length || path[path.Length - fileName.Length - 1] is '/' or '\\');
}
