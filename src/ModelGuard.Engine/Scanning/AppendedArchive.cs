using System;
using System.IO;
using ModelGuard.Engine.Formats.Zip;
using ModelGuard.Engine.Rules;

namespace ModelGuard.Engine.Scanning;

/// <summary>
/// Finds a zip archive at the end of content that does not start as one (a pickle with a zip appended). torch.load
/// reads such a file as a legacy pickle; zip readers, which search from the end, read the archive. Both are scanned.
/// </summary>
internal static class AppendedArchive
{
    public static void Scan(ScanContext context, Stream content, string? member, int depth)
    {
        if (!content.CanSeek || content.Length < 22)
        {
            return;
        }

        ZipCentralDirectory directory;
        try
        {
            directory = ZipCentralDirectory.Read(content, context.Options.MaxArchiveEntries);
        }
        catch (ZipFormatException)
        {
            // No readable archive at the end: nothing was appended (the content itself was scanned already).
            return;
        }

        if (directory.Entries.Count == 0 || depth >= context.Options.MaxContainerDepth)
        {
            return;
        }

        var start = directory.Entries[0].LocalHeaderOffset;
        foreach (var entry in directory.Entries)
        {
            start = Math.Min(start, entry.LocalHeaderOffset);
        }

        context.Report(RuleCatalog.DataOutsideArchive, member, start, $"a zip archive of {directory.Entries.Count} member(s) starts at offset {start}, after other content; both parts were scanned");
        ZipContainerScanner.ScanDirectory(context, content, directory, member, depth + 1);
    }
}
