using System;
using System.IO;
using ModelGuard.Engine.Formats.Zip;
using ModelGuard.Engine.IO;
using ModelGuard.Engine.Rules;

namespace ModelGuard.Engine.Scanning;

/// <summary>
/// Scans every member of a zip archive by content, whatever its name, folder or flags: torch finds
/// <c>*/data.pkl</c> under any prefix, and attackers hide pickles under any name.
/// </summary>
internal static class ZipContainerScanner
{
    public static void Scan(ScanContext context, Stream archive, string? member, int depth)
    {
        ZipCentralDirectory directory;
        try
        {
            directory = ZipCentralDirectory.Read(archive);
        }
        catch (ZipFormatException ex)
        {
            context.Report(RuleCatalog.UninspectableContent, member, null, $"the zip archive cannot be read: {ex.Message.TrimEnd('.')}. Its members could not be verified");
            return;
        }

        foreach (var entry in directory.Entries)
        {
            ScanEntry(context, archive, entry, ScanContext.JoinMember(member, entry.Name), depth);
        }
    }

    private static void ScanEntry(ScanContext context, Stream archive, ZipEntry entry, string name, int depth)
    {
        if (entry.IsEncrypted)
        {
            // Still decoded below: torch's reader ignores the flag, so a plain pickle behind it loads.
            context.Report(RuleCatalog.UninspectableContent, name, null, "the member is marked encrypted, so its real content cannot be inspected");
        }

        try
        {
            using var content = ZipEntryReader.Open(archive, entry, context.Options.MaxDecompressedBytes);
            ContentDispatcher.Scan(context, content, name, depth, pickleExpected: IsPickleName(entry.Name));
        }
        catch (NotSupportedException ex)
        {
            context.Report(RuleCatalog.UninspectableContent, name, null, $"{ex.Message.TrimEnd('.')}. Its content could not be verified");
        }
        catch (Exception ex) when (ex is ZipFormatException or InvalidDataException or DecompressionLimitExceededException)
        {
            context.Report(RuleCatalog.UninspectableContent, name, null, $"the member cannot be read: {ex.Message.TrimEnd('.')}. Its content could not be verified");
        }
    }

    private static bool IsPickleName(string name)
        => name.EndsWith(".pkl", StringComparison.OrdinalIgnoreCase) || name.EndsWith(".pickle", StringComparison.OrdinalIgnoreCase);
}
