using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using ModelGuard.Engine.Formats.Zip;
using ModelGuard.Engine.IO;
using ModelGuard.Engine.Limits;
using ModelGuard.Engine.Rules;

namespace ModelGuard.Engine.Scanning;

/// <summary>
/// Scans every member of a zip archive by content, whatever its name, folder or flags: torch finds
/// <c>*/data.pkl</c> under any prefix, and attackers hide pickles under any name. Header disagreements that
/// let two readers see different content are reported on top.
/// </summary>
internal static class ZipContainerScanner
{
    /// <summary>Pickle members up to this size are read to the end to check their CRC-32.</summary>
    private const long MaxChecksummedMemberBytes = 64L * 1024 * 1024;

    private const ushort AmbiguousFlags = 0x20 | 0x40;

    public static void Scan(ScanContext context, Stream archive, string? member, int depth)
    {
        ZipCentralDirectory directory;
        try
        {
            directory = ZipCentralDirectory.Read(archive, context.Options.MaxArchiveEntries);
        }
        catch (ZipFormatException ex)
        {
            context.Report(RuleCatalog.UninspectableContent, member, null, $"the zip archive cannot be read: {ex.Message.TrimEnd('.')}. Its members could not be verified");
            return;
        }

        if (directory.PrefixLength > 0)
        {
            // Readers that walk local headers from the start see what is in front; readers that search the end see this
            // archive. The front part is scanned as content of its own (it may be another archive or a pickle).
            context.Report(RuleCatalog.DataOutsideArchive, member, 0, $"{directory.PrefixLength} bytes of other content precede the zip archive the end of the file describes; both parts were scanned");
            using var front = new WindowStream(archive, 0, directory.PrefixLength);
            ContentDispatcher.Scan(context, front, member, depth, pickleExpected: true);
        }

        ScanDirectory(context, archive, directory, member, depth);
    }

    /// <summary>Scans the members of an archive whose directory was already read.</summary>
    public static void ScanDirectory(ScanContext context, Stream archive, ZipCentralDirectory directory, string? member, int depth)
    {
        ReportDuplicates(context, directory, member);
        var torchScript = TorchScriptArchive.Detect(directory.Entries);
        if (torchScript is { } code)
        {
            context.Report(RuleCatalog.TorchScriptCode, ScanContext.JoinMember(member, code.Folder), null, $"the TorchScript archive contains {code.Files} code file(s) that torch.jit.load compiles and runs");
        }

        var keras = KerasArchive.Detect(directory);
        if (keras)
        {
            KerasArchive.Report(context, archive, directory, member);
        }

        using (context.EnterTorchScript(torchScript is not null))
        using (context.EnterKerasArchive(keras))
        {
            foreach (var entry in directory.Entries)
            {
                ScanDeadline.Check();
                if (entry.Name.EndsWith("/", StringComparison.Ordinal) && entry.UncompressedSize == 0)
                {
                    continue;
                }

                ScanEntry(context, archive, entry, ScanContext.JoinMember(member, entry.Name), depth);
            }
        }
    }

    private static void ScanEntry(ScanContext context, Stream archive, ZipEntry entry, string name, int depth)
    {
        if (entry.IsEncrypted)
        {
            // Still decoded below: torch's reader ignores the flag, so a plain pickle behind it loads.
            context.Report(RuleCatalog.UninspectableContent, name, null, "the member is marked encrypted, so its real content cannot be inspected");
        }

        if ((entry.GeneralPurposeFlags & AmbiguousFlags) != 0)
        {
            context.Report(RuleCatalog.AmbiguousZipFlags, name, null, $"general-purpose flag bits 0x{entry.GeneralPurposeFlags & AmbiguousFlags:x2} are set; readers disagree on whether the member can be read (it was scanned)");
        }

        try
        {
            var data = ZipEntryReader.Open(archive, entry, context.Options.MaxDecompressedBytes);
            using var content = new Crc32ReadStream(data.CanSeek ? data : context.Decompression.Charge(data));
            ReportHeaderMismatch(context, entry, name);
            var format = ContentDispatcher.Scan(context, content, name, depth, pickleExpected: IsPickleName(entry.Name));
            if (format == ContentFormat.Pickle && !entry.IsEncrypted && entry.UncompressedSize <= MaxChecksummedMemberBytes
                && content.Drain(MaxChecksummedMemberBytes) && content.Crc != entry.Crc32)
            {
                context.Report(RuleCatalog.ArchiveChecksumMismatch, name, null, $"the content's CRC-32 is 0x{content.Crc:x8} but the archive records 0x{entry.Crc32:x8}");
            }
        }
        catch (NotSupportedException ex)
        {
            context.Report(RuleCatalog.UninspectableContent, name, null, $"{ex.Message.TrimEnd('.')}. Its content could not be verified");
        }
        catch (DecompressionLimitExceededException ex)
        {
            context.Report(RuleCatalog.ScanLimitExceeded, name, null, $"the member expands to more than {ex.Limit} bytes, the limit for one decompressed stream (ScanOptions.MaxDecompressedBytes); the rest of its content was not verified");
        }
        catch (Exception ex) when (ex is ZipFormatException or InvalidDataException)
        {
            context.Report(RuleCatalog.UninspectableContent, name, null, $"the member cannot be read: {ex.Message.TrimEnd('.')}. Its content could not be verified");
        }
    }

    private static void ReportDuplicates(ScanContext context, ZipCentralDirectory directory, string? member)
    {
        foreach (var group in directory.Entries.GroupBy(e => e.Name, StringComparer.Ordinal).Where(g => g.Count() > 1))
        {
            context.Report(RuleCatalog.DuplicateArchiveMember, ScanContext.JoinMember(member, group.Key), null, $"the archive has {group.Count()} members named '{group.Key}'; readers pick different copies (all were scanned)");
        }
    }

    private static void ReportHeaderMismatch(ScanContext context, ZipEntry entry, string name)
    {
        if (entry.LocalName is { } local && !string.Equals(local, entry.Name, StringComparison.Ordinal))
        {
            context.Report(RuleCatalog.ZipHeaderMismatch, name, null, $"the local header names the member '{local}' but the central directory names it '{entry.Name}'");
        }

        if (entry.LocalCompressionMethod is { } method && method != entry.CompressionMethod)
        {
            context.Report(RuleCatalog.ZipHeaderMismatch, name, null, $"the local header says compression method {method} but the central directory says {entry.CompressionMethod}");
        }

        // Bit 3 (sizes in a data descriptor) and bit 11 (UTF-8 names) may legitimately differ between the two headers.
        const ushort compared = unchecked((ushort)~(0x08 | 0x800));
        if (entry.LocalGeneralPurposeFlags is { } flags && (flags & compared) != (entry.GeneralPurposeFlags & compared))
        {
            context.Report(RuleCatalog.ZipHeaderMismatch, name, null, $"the local header sets flags 0x{flags:x4} but the central directory sets 0x{entry.GeneralPurposeFlags:x4}");
        }
    }

    private static bool IsPickleName(string name)
        => name.EndsWith(".pkl", StringComparison.OrdinalIgnoreCase) || name.EndsWith(".pickle", StringComparison.OrdinalIgnoreCase);
}
