using System;
using System.IO;
using System.Linq;
using ModelGuard.Engine.Formats.Json;
using ModelGuard.Engine.Formats.Keras;
using ModelGuard.Engine.Formats.Zip;
using ModelGuard.Engine.Rules;

namespace ModelGuard.Engine.Scanning;

/// <summary>
/// Recognises the zip layout Keras 3 writes (<c>config.json</c> and <c>metadata.json</c> at the root, weights in
/// <c>model.weights.h5</c>) and reports it as unverified, with the code its configuration would run.
/// </summary>
internal static class KerasArchive
{
    private const string ConfigName = "config.json";
    private const string MetadataName = "metadata.json";

    /// <summary>Keras configurations are kilobytes to a few megabytes; larger ones are not inspected.</summary>
    private const long MaxConfigBytes = 64L * 1024 * 1024;

    public static bool Detect(ZipCentralDirectory directory)
        => directory.Entries.Any(e => e.Name == ConfigName) && directory.Entries.Any(e => e.Name == MetadataName);

    public static void Report(ScanContext context, Stream archive, ZipCentralDirectory directory, string? member)
    {
        var config = directory.Entries.Last(e => e.Name == ConfigName);
        var location = ScanContext.JoinMember(member, ConfigName);
        string detail;
        try
        {
            detail = Inspect(context, archive, config, location);
        }
        catch (Exception ex) when (ex is JsonReaderException or ZipFormatException or InvalidDataException or NotSupportedException)
        {
            detail = $"its config.json could not be read ({ex.Message.TrimEnd('.')})";
        }

        context.Report(RuleCatalog.UnverifiedModelFormat, member, null, $"the content is a Keras v3 model archive, which this version recognises but does not verify; {detail}");
    }

    private static string Inspect(ScanContext context, Stream archive, ZipEntry config, string location)
    {
        if (config.UncompressedSize > MaxConfigBytes)
        {
            return $"its {config.UncompressedSize}-byte config.json is larger than the {MaxConfigBytes} bytes inspected and was not checked";
        }

        using var data = ZipEntryReader.Open(archive, config, MaxConfigBytes);
        var report = KerasConfigInspector.Inspect(data, config.UncompressedSize);
        foreach (var site in report.Code)
        {
            context.Report(RuleCatalog.KerasCode, location, site.Offset, site.Message);
        }

        return report.CustomObjects.Count == 0
            ? "its configuration names only Keras' own layers; the weights were not checked"
            : $"its configuration imports custom objects from outside Keras ({string.Join(", ", report.CustomObjects)}), which were not checked";
    }
}
