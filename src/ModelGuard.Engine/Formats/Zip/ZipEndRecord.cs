using System;
using System.Buffers;
using System.Buffers.Binary;
using System.IO;

namespace ModelGuard.Engine.Formats.Zip;

/// <summary>
/// What the end of central directory record (and its zip64 counterpart, when present) says about the central
/// directory. Offsets are as recorded, i.e. not yet corrected for data in front of the archive.
/// </summary>
internal readonly struct ZipEndRecord
{
    private static readonly byte[] EndSignature = { 0x50, 0x4b, 0x05, 0x06 };

    private ZipEndRecord(long endRecordOffset, long directoryEnd, long entryCount, long directorySize, long directoryOffset, bool isZip64)
    {
        EndRecordOffset = endRecordOffset;
        DirectoryEnd = directoryEnd;
        EntryCount = entryCount;
        DirectorySize = directorySize;
        DirectoryOffset = directoryOffset;
        IsZip64 = isZip64;
    }

    /// <summary>Absolute offset of the (classic) end of central directory record.</summary>
    public long EndRecordOffset { get; }

    /// <summary>Where the central directory should end: the zip64 end record if there is one, else the end record.</summary>
    public long DirectoryEnd { get; }

    public long EntryCount { get; }

    public long DirectorySize { get; }

    /// <summary>The central directory offset as recorded (relative to the start of the zip, not of the stream).</summary>
    public long DirectoryOffset { get; }

    public bool IsZip64 { get; }

    /// <summary>Finds the last end record within the final 65,535 + 22 bytes and follows its zip64 locator.</summary>
    public static ZipEndRecord Read(Stream archive)
    {
        var length = archive.Length;
        if (length < ZipConstants.EndOfCentralDirectorySize)
        {
            throw new ZipFormatException(
                $"The stream is {length} bytes long, shorter than the {ZipConstants.EndOfCentralDirectorySize}-byte end of central directory record of a zip archive.");
        }

        var tailLength = (int)Math.Min(length, ZipConstants.EndOfCentralDirectorySize + ZipConstants.MaxCommentLength);
        var tailStart = length - tailLength;
        var buffer = ArrayPool<byte>.Shared.Rent(Math.Max(tailLength, ZipConstants.Zip64EndOfCentralDirectorySize));
        try
        {
            ZipIO.ReadExactlyAt(archive, tailStart, buffer, tailLength, "archive tail");

            // The last signature with a whole record after it, as zip readers (miniz, Python's zipfile) pick it.
            var searchable = new ReadOnlySpan<byte>(buffer, 0, tailLength - ZipConstants.EndOfCentralDirectorySize + 4);
            var found = searchable.LastIndexOf(EndSignature);
            if (found < 0)
            {
                throw new ZipFormatException(
                    $"No end of central directory record (signature 0x{ZipConstants.EndOfCentralDirectorySignature:x8}) in the last {tailLength} bytes of the {length}-byte stream; it is not a zip archive or it is truncated.");
            }

            var record = new ReadOnlySpan<byte>(buffer, found, ZipConstants.EndOfCentralDirectorySize);
            var endOffset = tailStart + found;
            var disk = BinaryPrimitives.ReadUInt16LittleEndian(record.Slice(4));
            var directoryDisk = BinaryPrimitives.ReadUInt16LittleEndian(record.Slice(6));
            var count = BinaryPrimitives.ReadUInt16LittleEndian(record.Slice(10));
            var size = BinaryPrimitives.ReadUInt32LittleEndian(record.Slice(12));
            var offset = BinaryPrimitives.ReadUInt32LittleEndian(record.Slice(16));

            if (endOffset >= ZipConstants.Zip64LocatorSize)
            {
                var locatorOffset = endOffset - ZipConstants.Zip64LocatorSize;
                ZipIO.ReadExactlyAt(archive, locatorOffset, buffer, ZipConstants.Zip64LocatorSize, "zip64 end of central directory locator");
                if (BinaryPrimitives.ReadUInt32LittleEndian(buffer) == ZipConstants.Zip64LocatorSignature)
                {
                    return ReadZip64(archive, buffer, endOffset, locatorOffset);
                }
            }

            if (disk != 0 || directoryDisk != 0)
            {
                throw new ZipFormatException(
                    $"The end of central directory record at offset {endOffset} says the archive spans several disks (this disk {disk}, central directory on disk {directoryDisk}); multi-disk archives are not supported.");
            }

            return new ZipEndRecord(endOffset, endOffset, count, size, offset, isZip64: false);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    private static ZipEndRecord ReadZip64(Stream archive, byte[] buffer, long endOffset, long locatorOffset)
    {
        var locator = new ReadOnlySpan<byte>(buffer, 0, ZipConstants.Zip64LocatorSize);
        var recordDisk = BinaryPrimitives.ReadUInt32LittleEndian(locator.Slice(4));
        var recordedOffset = BinaryPrimitives.ReadUInt64LittleEndian(locator.Slice(8));
        var diskCount = BinaryPrimitives.ReadUInt32LittleEndian(locator.Slice(16));
        if (recordDisk != 0 || diskCount > 1)
        {
            throw new ZipFormatException(
                $"The zip64 locator at offset {locatorOffset} says the archive spans several disks (end record on disk {recordDisk}, {diskCount} disks); multi-disk archives are not supported.");
        }

        // The recorded offset is relative to the start of the zip; with data in front of the archive the record
        // sits further on, normally right before the locator.
        var latest = locatorOffset - ZipConstants.Zip64EndOfCentralDirectorySize;
        long recordOffset;
        if (latest >= 0 && recordedOffset <= (ulong)latest && HasZip64Record(archive, buffer, (long)recordedOffset))
        {
            recordOffset = (long)recordedOffset;
        }
        else if (latest >= 0 && HasZip64Record(archive, buffer, latest))
        {
            recordOffset = latest;
        }
        else
        {
            throw new ZipFormatException(
                $"The zip64 locator at offset {locatorOffset} points to offset {recordedOffset}, but there is no zip64 end of central directory record there (nor right before the locator).");
        }

        var record = new ReadOnlySpan<byte>(buffer, 0, ZipConstants.Zip64EndOfCentralDirectorySize);
        var recordSize = BinaryPrimitives.ReadUInt64LittleEndian(record.Slice(4));
        var disk = BinaryPrimitives.ReadUInt32LittleEndian(record.Slice(16));
        var directoryDisk = BinaryPrimitives.ReadUInt32LittleEndian(record.Slice(20));
        var count = BinaryPrimitives.ReadUInt64LittleEndian(record.Slice(32));
        var size = BinaryPrimitives.ReadUInt64LittleEndian(record.Slice(40));
        var offset = BinaryPrimitives.ReadUInt64LittleEndian(record.Slice(48));

        if (recordSize < ZipConstants.Zip64EndOfCentralDirectorySize - 12 || recordSize > (ulong)(locatorOffset - recordOffset - 12))
        {
            throw new ZipFormatException(
                $"The zip64 end of central directory record at offset {recordOffset} declares a size of {recordSize} bytes; it must be at least {ZipConstants.Zip64EndOfCentralDirectorySize - 12} and end before the locator at offset {locatorOffset}.");
        }

        if (disk != 0 || directoryDisk != 0)
        {
            throw new ZipFormatException(
                $"The zip64 end of central directory record at offset {recordOffset} says the archive spans several disks (this disk {disk}, central directory on disk {directoryDisk}); multi-disk archives are not supported.");
        }

        return new ZipEndRecord(
            endOffset,
            recordOffset,
            ZipIO.ToInt64(count, $"zip64 entry count at offset {recordOffset + 32}"),
            ZipIO.ToInt64(size, $"zip64 central directory size at offset {recordOffset + 40}"),
            ZipIO.ToInt64(offset, $"zip64 central directory offset at offset {recordOffset + 48}"),
            isZip64: true);
    }

    private static bool HasZip64Record(Stream archive, byte[] buffer, long offset)
    {
        ZipIO.ReadExactlyAt(archive, offset, buffer, ZipConstants.Zip64EndOfCentralDirectorySize, "zip64 end of central directory record");
        return BinaryPrimitives.ReadUInt32LittleEndian(buffer) == ZipConstants.Zip64EndOfCentralDirectorySignature;
    }
}
