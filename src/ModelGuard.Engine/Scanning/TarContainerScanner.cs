using System;
using System.IO;
using System.Text;
using ModelGuard.Engine.Formats.Tar;
using ModelGuard.Engine.IO;
using ModelGuard.Engine.Limits;
using ModelGuard.Engine.Rules;

namespace ModelGuard.Engine.Scanning;

/// <summary>
/// Scans every regular member of a tar archive by content (legacy torch.save wrote tars; joblib and others ship
/// tarballs). Works forward-only, so a tar inside gzip is read as it streams.
/// </summary>
internal static class TarContainerScanner
{
    private const int MaxMetadataBytes = 1024 * 1024;

    public static void Scan(ScanContext context, Stream archive, string? member, int depth)
    {
        var block = new byte[TarHeader.BlockSize];
        var origin = archive.CanSeek ? archive.Position : 0;
        long offset = 0;
        string? longName = null;
        string? paxPath = null;
        long? paxSize = null;
        try
        {
            for (var entries = 0; ; entries++)
            {
                ScanDeadline.Check();
                if (entries >= context.Options.MaxArchiveEntries)
                {
                    throw new ScanLimitExceededException(
                        ScanLimit.ArchiveEntries,
                        $"the tar archive has more than {context.Options.MaxArchiveEntries} entries, the limit for one archive (ScanOptions.MaxArchiveEntries); the rest of it was not verified");
                }

                if (!ReadBlock(archive, block))
                {
                    return; // Python's tarfile accepts an archive that ends without its zero blocks.
                }

                if (TarHeader.IsZeroBlock(block))
                {
                    return;
                }

                var header = TarHeader.Parse(block, offset);
                offset += TarHeader.BlockSize;
                var padded = checked((header.Size + TarHeader.BlockSize - 1) / TarHeader.BlockSize * TarHeader.BlockSize);
                switch (header.Type)
                {
                    case 'L':
                        longName = ReadMetadata(archive, header.Size, padded, offset).TrimEnd('\0');
                        offset += padded;
                        continue;
                    case 'x':
                        (paxPath, paxSize) = ParsePax(ReadMetadata(archive, header.Size, padded, offset), offset);
                        offset += padded;
                        continue;
                }

                if (paxSize is { } size)
                {
                    header = header.WithSize(size);
                    padded = checked((size + TarHeader.BlockSize - 1) / TarHeader.BlockSize * TarHeader.BlockSize);
                }

                header = header.WithName(paxPath ?? longName ?? header.Name);
                longName = paxPath = null;
                paxSize = null;
                if (header.IsRegularFile)
                {
                    ScanMember(context, archive, origin + offset, header, ScanContext.JoinMember(member, header.Name), depth);
                }

                Advance(archive, origin + offset, header.IsRegularFile ? header.Size : 0, padded, offset);
                offset += padded;
            }
        }
        catch (Exception ex) when (ex is TarFormatException or OverflowException or InvalidDataException)
        {
            context.Report(RuleCatalog.UninspectableContent, member, offset, $"the tar archive cannot be read: {ex.Message}; the rest of its members could not be verified");
        }
    }

    private static void ScanMember(ScanContext context, Stream archive, long start, TarHeader header, string name, int depth)
    {
        if (archive.CanSeek && header.Size > archive.Length - start)
        {
            throw new TarFormatException($"member '{header.Name}' declares {header.Size} bytes but only {archive.Length - start} remain");
        }

        Stream content = archive.CanSeek ? new WindowStream(archive, start, header.Size) : new SubReadStream(archive, header.Size);
        using (content)
        {
            if (!LegacyTorchTar.TryScan(context, content, header.Name, name))
            {
                ContentDispatcher.Scan(context, content, name, depth, pickleExpected: LegacyTorchTar.IsPickleMember(header.Name));
            }

            if (content is SubReadStream sub && sub.Remaining > 0)
            {
                Skip(archive, sub.Remaining, $"member '{header.Name}'");
            }
        }
    }

    /// <summary>Moves to the next header: <paramref name="consumed"/> bytes of the entry's data were read already.</summary>
    private static void Advance(Stream archive, long dataStart, long consumed, long padded, long offset)
    {
        if (archive.CanSeek)
        {
            if (dataStart + padded > archive.Length && dataStart + padded - archive.Length >= TarHeader.BlockSize)
            {
                throw new TarFormatException($"the member data at offset {offset} runs past the end of the archive");
            }

            archive.Position = Math.Min(dataStart + padded, archive.Length);
            return;
        }

        Skip(archive, padded - consumed, $"entry at offset {offset}");
    }

    private static string ReadMetadata(Stream archive, long size, long padded, long offset)
    {
        if (size > MaxMetadataBytes)
        {
            throw new TarFormatException($"a metadata entry at offset {offset} declares {size} bytes");
        }

        var buffer = new byte[padded];
        if (archive.ReadAtMost(buffer, buffer.Length) < buffer.Length)
        {
            throw new TarFormatException($"the archive ends inside the metadata entry at offset {offset}");
        }

        return Encoding.UTF8.GetString(buffer, 0, (int)size);
    }

    /// <summary>PAX records are "&lt;length&gt; &lt;key&gt;=&lt;value&gt;\n"; path and size override the header.</summary>
    private static (string? Path, long? Size) ParsePax(string records, long offset)
    {
        string? path = null;
        long? size = null;
        foreach (var line in records.Split('\n'))
        {
            var space = line.IndexOf(' ');
            var equals = line.IndexOf('=');
            if (space < 0 || equals < space)
            {
                continue;
            }

            var key = line.Substring(space + 1, equals - space - 1);
            var value = line.Substring(equals + 1);
            if (key == "path")
            {
                path = value;
            }
            else if (key == "size")
            {
                size = long.TryParse(value, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var s)
                    ? s
                    : throw new TarFormatException($"the PAX size '{value}' at offset {offset} is not a number");
            }
        }

        return (path, size);
    }

    private static bool ReadBlock(Stream archive, byte[] block)
    {
        var read = archive.ReadAtMost(block, block.Length);
        if (read > 0 && read < block.Length)
        {
            throw new TarFormatException("the archive ends inside a header block");
        }

        return read > 0;
    }

    private static void Skip(Stream archive, long count, string name)
    {
        var buffer = new byte[64 * 1024];
        while (count > 0)
        {
            var read = archive.Read(buffer, 0, (int)Math.Min(buffer.Length, count));
            if (read <= 0)
            {
                throw new TarFormatException($"the archive ends inside {name}");
            }

            count -= read;
        }
    }
}
