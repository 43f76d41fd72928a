using System;
using System.Buffers;
using System.Buffers.Binary;
using System.Collections.Generic;
using System.IO;

namespace ModelGuard.Engine.Formats.Zip;

/// <summary>
/// The member list of a zip archive, read from its central directory without touching member data.
/// Every count and offset is checked against the bytes actually present before it is used.
/// </summary>
internal sealed class ZipCentralDirectory
{
    private ZipCentralDirectory(IReadOnlyList<ZipEntry> entries, long prefixLength, long directoryOffset, long directorySize, long endRecordOffset, bool isZip64)
    {
        Entries = entries;
        PrefixLength = prefixLength;
        DirectoryOffset = directoryOffset;
        DirectorySize = directorySize;
        EndRecordOffset = endRecordOffset;
        IsZip64 = isZip64;
    }

    /// <summary>The records in central-directory order, including several records with the same name.</summary>
    public IReadOnlyList<ZipEntry> Entries { get; }

    /// <summary>Bytes of data in front of the archive (self-extractors, pickle+zip polyglots); 0 normally.</summary>
    public long PrefixLength { get; }

    /// <summary>Absolute offset of the central directory in the stream.</summary>
    public long DirectoryOffset { get; }

    public long DirectorySize { get; }

    /// <summary>Absolute offset of the end of central directory record.</summary>
    public long EndRecordOffset { get; }

    /// <summary>The archive has a zip64 end of central directory record.</summary>
    public bool IsZip64 { get; }

    /// <summary>Reads the central directory of the zip archive in a readable, seekable stream.</summary>
    /// <param name="archive">The archive.</param>
    /// <param name="maxEntries">The most records read; more (declared or present) is a scan limit, not a format error.</param>
    /// <exception cref="ZipFormatException">The stream is not a zip archive or its directory is malformed.</exception>
    /// <exception cref="Limits.ScanLimitExceededException">The archive has more than <paramref name="maxEntries"/> entries.</exception>
    public static ZipCentralDirectory Read(Stream archive, int maxEntries = int.MaxValue)
    {
        if (archive is null)
        {
            throw new ArgumentNullException(nameof(archive));
        }

        if (!archive.CanRead || !archive.CanSeek)
        {
            throw new ArgumentException("The archive stream must be readable and seekable.", nameof(archive));
        }

        var end = ZipEndRecord.Read(archive);
        var directoryEnd = end.DirectoryEnd;
        var size = end.DirectorySize;
        var recordedOffset = end.DirectoryOffset;
        var recordName = end.IsZip64 ? "zip64 end of central directory record" : "end of central directory record";

        if (size > directoryEnd)
        {
            throw new ZipFormatException(
                $"The {recordName} declares a central directory of {size} bytes, but only {directoryEnd} bytes precede the record at offset {directoryEnd}.");
        }

        if (recordedOffset > directoryEnd - size)
        {
            throw new ZipFormatException(
                $"The {recordName} places the central directory at offset {recordedOffset} with size {size}, which runs past the record itself at offset {directoryEnd} (the stream is {archive.Length} bytes long).");
        }

        if (end.EntryCount > size / ZipConstants.CentralHeaderSize)
        {
            throw new ZipFormatException(
                $"The {recordName} declares {end.EntryCount} entries, but its {size}-byte central directory can hold at most {size / ZipConstants.CentralHeaderSize} ({ZipConstants.CentralHeaderSize} bytes each at least).");
        }

        // Data in front of the archive shifts everything by the gap between where the directory should end and where it does.
        var prefix = directoryEnd - size - recordedOffset;
        if (prefix > 0 && size >= 4 && !HasCentralSignature(archive, recordedOffset + prefix) && HasCentralSignature(archive, recordedOffset))
        {
            // Not a prefix but a gap between the directory and the end record: the recorded offset is right.
            prefix = 0;
        }

        var start = recordedOffset + prefix;
        if (end.EntryCount > maxEntries)
        {
            throw TooManyEntries(maxEntries);
        }

        var entries = ReadEntries(archive, start, size, prefix, end.EntryCount, maxEntries);
        return new ZipCentralDirectory(entries, prefix, start, size, end.EndRecordOffset, end.IsZip64);
    }

    private static bool HasCentralSignature(Stream archive, long offset)
    {
        var buffer = ArrayPool<byte>.Shared.Rent(4);
        try
        {
            ZipIO.ReadExactlyAt(archive, offset, buffer, 4, "central directory");
            return BinaryPrimitives.ReadUInt32LittleEndian(buffer) == ZipConstants.CentralHeaderSignature;
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    private static Limits.ScanLimitExceededException TooManyEntries(int maxEntries)
        => new(Limits.ScanLimit.ArchiveEntries, $"the zip archive has more than {maxEntries} entries, the limit for one archive (ScanOptions.MaxArchiveEntries); it was not verified");

    private static List<ZipEntry> ReadEntries(Stream archive, long start, long size, long prefix, long declaredCount, int maxEntries)
    {
        // Not preallocated from the declared count: the list grows only with records actually present.
        var entries = new List<ZipEntry>();
        using var reader = new ZipRegionReader(archive, start, start + size);

        // Read every consecutive record (as Python's zipfile does), which covers the first declaredCount that
        // miniz and torch read; a scanner must see any record either of them would.
        while (reader.TryEnsure(4) && BinaryPrimitives.ReadUInt32LittleEndian(reader.Peek(4)) == ZipConstants.CentralHeaderSignature)
        {
            if (entries.Count >= maxEntries)
            {
                throw TooManyEntries(maxEntries);
            }

            entries.Add(ReadEntry(reader, entries.Count, prefix));
        }

        if (entries.Count < declaredCount)
        {
            var found = reader.Remaining >= 4
                ? $"bytes 0x{BinaryPrimitives.ReadUInt32LittleEndian(reader.Peek(4)):x8} instead of a central header signature"
                : "the end of the central directory";
            throw new ZipFormatException(
                $"The end record declares {declaredCount} entries, but the central directory at offset {start} ({size} bytes) holds only {entries.Count}: found {found} at offset {reader.Position}.");
        }

        return entries;
    }

    private static ZipEntry ReadEntry(ZipRegionReader reader, int index, long prefix)
    {
        var headerOffset = reader.Position;
        if (!reader.TryEnsure(ZipConstants.CentralHeaderSize))
        {
            throw new ZipFormatException(
                $"Central directory entry #{index} at offset {headerOffset} is truncated: its fixed part needs {ZipConstants.CentralHeaderSize} bytes, but the central directory has {reader.Remaining} left.");
        }

        var header = reader.Peek(ZipConstants.CentralHeaderSize);
        var flags = BinaryPrimitives.ReadUInt16LittleEndian(header.Slice(8));
        var method = BinaryPrimitives.ReadUInt16LittleEndian(header.Slice(10));
        var crc = BinaryPrimitives.ReadUInt32LittleEndian(header.Slice(16));
        var compressed32 = BinaryPrimitives.ReadUInt32LittleEndian(header.Slice(20));
        var uncompressed32 = BinaryPrimitives.ReadUInt32LittleEndian(header.Slice(24));
        var nameLength = BinaryPrimitives.ReadUInt16LittleEndian(header.Slice(28));
        var extraLength = BinaryPrimitives.ReadUInt16LittleEndian(header.Slice(30));
        var commentLength = BinaryPrimitives.ReadUInt16LittleEndian(header.Slice(32));
        var disk16 = BinaryPrimitives.ReadUInt16LittleEndian(header.Slice(34));
        var offset32 = BinaryPrimitives.ReadUInt32LittleEndian(header.Slice(42));

        var recordLength = ZipConstants.CentralHeaderSize + nameLength + extraLength + commentLength;
        if (!reader.TryEnsure(recordLength))
        {
            throw new ZipFormatException(
                $"Central directory entry #{index} at offset {headerOffset} is truncated: with its {nameLength}-byte name, {extraLength}-byte extra field and {commentLength}-byte comment it needs {recordLength} bytes, but the central directory has {reader.Remaining} left.");
        }

        var buffer = reader.Buffer;
        var nameStart = reader.BufferOffset + ZipConstants.CentralHeaderSize;
        var name = ZipNameDecoder.Decode(buffer, nameStart, nameLength, flags);

        long compressed = compressed32;
        long uncompressed = uncompressed32;
        long localOffset = offset32;
        if (uncompressed32 == ZipConstants.Saturated32 || compressed32 == ZipConstants.Saturated32 || offset32 == ZipConstants.Saturated32 || disk16 == ZipConstants.Saturated16)
        {
            var extra = new ReadOnlySpan<byte>(buffer, nameStart + nameLength, extraLength);
            ReadZip64Extra(extra, index, name, headerOffset, uncompressed32, compressed32, offset32, disk16, ref uncompressed, ref compressed, ref localOffset);
        }

        reader.Advance(recordLength);

        if (localOffset > long.MaxValue - prefix)
        {
            throw new ZipFormatException(
                $"Central directory entry #{index} ({ZipNameDecoder.ForMessage(name)}) at offset {headerOffset} has a local header offset of {localOffset}, which cannot be a stream position.");
        }

        return new ZipEntry(index, name, flags, method, crc, compressed, uncompressed, localOffset + prefix, headerOffset);
    }

    private static void ReadZip64Extra(
        ReadOnlySpan<byte> extra,
        int index,
        string name,
        long headerOffset,
        uint uncompressed32,
        uint compressed32,
        uint offset32,
        ushort disk16,
        ref long uncompressed,
        ref long compressed,
        ref long localOffset)
    {
        var position = 0;
        while (position + 4 <= extra.Length)
        {
            var id = BinaryPrimitives.ReadUInt16LittleEndian(extra.Slice(position));
            var blockSize = BinaryPrimitives.ReadUInt16LittleEndian(extra.Slice(position + 2));
            if (blockSize > extra.Length - position - 4)
            {
                break;
            }

            if (id == ZipConstants.Zip64ExtraFieldId)
            {
                // The block holds, in this order, only the fields whose 32-bit value is saturated.
                var block = extra.Slice(position + 4, blockSize);
                var read = 0;
                if (uncompressed32 == ZipConstants.Saturated32)
                {
                    uncompressed = ReadZip64Field(block, ref read, 8, "uncompressed size", index, name, headerOffset);
                }

                if (compressed32 == ZipConstants.Saturated32)
                {
                    compressed = ReadZip64Field(block, ref read, 8, "compressed size", index, name, headerOffset);
                }

                if (offset32 == ZipConstants.Saturated32)
                {
                    localOffset = ReadZip64Field(block, ref read, 8, "local header offset", index, name, headerOffset);
                }

                if (disk16 == ZipConstants.Saturated16)
                {
                    var disk = ReadZip64Field(block, ref read, 4, "disk number", index, name, headerOffset);
                    if (disk != 0)
                    {
                        throw new ZipFormatException(
                            $"Central directory entry #{index} ({ZipNameDecoder.ForMessage(name)}) at offset {headerOffset} starts on disk {disk}; multi-disk archives are not supported.");
                    }
                }

                return;
            }

            position += 4 + blockSize;
        }

        throw new ZipFormatException(
            $"Central directory entry #{index} ({ZipNameDecoder.ForMessage(name)}) at offset {headerOffset} has saturated 32-bit fields (sizes 0x{compressed32:x8}/0x{uncompressed32:x8}, offset 0x{offset32:x8}) but no zip64 extra field (0x0001) with their real values.");
    }

    private static long ReadZip64Field(ReadOnlySpan<byte> block, ref int read, int width, string field, int index, string name, long headerOffset)
    {
        if (block.Length - read < width)
        {
            throw new ZipFormatException(
                $"The zip64 extra field of central directory entry #{index} ({ZipNameDecoder.ForMessage(name)}) at offset {headerOffset} is {block.Length} bytes long, too short to hold its {field} at byte {read}.");
        }

        var value = width == 8
            ? BinaryPrimitives.ReadUInt64LittleEndian(block.Slice(read))
            : BinaryPrimitives.ReadUInt32LittleEndian(block.Slice(read));
        read += width;
        return ZipIO.ToInt64(value, $"zip64 {field} of central directory entry #{index} at offset {headerOffset}");
    }
}
