using System;
using System.Buffers;
using System.Buffers.Binary;
using System.IO;
using ModelGuard.Engine.IO;

namespace ModelGuard.Engine.Formats.Zip;

/// <summary>Opens the uncompressed bytes of one member, reading its local file header the way torch's reader does.</summary>
internal static class ZipEntryReader
{
    /// <summary>
    /// A read-only, forward-only stream of the member's uncompressed bytes: a window over the archive for stored
    /// members (seekable, nothing copied), an inflater capped at <paramref name="maxUncompressedBytes"/> for deflate.
    /// Encrypted members are not refused: their raw bytes come back as if they were plain, as torch reads them.
    /// Reads the local header (recording <see cref="ZipEntry.LocalName"/> and the other local fields) and takes the data
    /// start from the local name and extra lengths. The caller disposes the stream; the archive stays open.
    /// </summary>
    /// <exception cref="ZipFormatException">The local header is missing or the data runs past the end of the archive.</exception>
    /// <exception cref="NotSupportedException">The member uses a compression method other than stored or deflate.</exception>
    public static Stream Open(Stream archive, ZipEntry entry, long maxUncompressedBytes)
    {
        if (archive is null)
        {
            throw new ArgumentNullException(nameof(archive));
        }

        if (entry is null)
        {
            throw new ArgumentNullException(nameof(entry));
        }

        if (!archive.CanRead || !archive.CanSeek)
        {
            throw new ArgumentException("The archive stream must be readable and seekable.", nameof(archive));
        }

        if (maxUncompressedBytes < 0)
        {
            throw new ArgumentOutOfRangeException(nameof(maxUncompressedBytes), maxUncompressedBytes, "The limit cannot be negative.");
        }

        var dataOffset = ReadLocalHeader(archive, entry);
        var length = archive.Length;
        if (dataOffset > length || entry.CompressedSize > length - dataOffset)
        {
            throw new ZipFormatException(
                $"Entry {ZipNameDecoder.ForMessage(entry.Name)}: its {entry.CompressedSize} bytes of data at offset {dataOffset} run past the end of the {length}-byte archive.");
        }

        switch (entry.CompressionMethod)
        {
            case ZipConstants.MethodStored:
                return new WindowStream(archive, dataOffset, entry.CompressedSize);
            case ZipConstants.MethodDeflate:
                return new ZipInflateStream(new WindowStream(archive, dataOffset, entry.CompressedSize), entry, maxUncompressedBytes);
            default:
                throw new NotSupportedException(
                    $"Entry {ZipNameDecoder.ForMessage(entry.Name)} uses compression method {entry.CompressionMethod} ({MethodName(entry.CompressionMethod)}); only methods 0 (stored) and 8 (deflate) can be read.");
        }
    }

    private static long ReadLocalHeader(Stream archive, ZipEntry entry)
    {
        var headerOffset = entry.LocalHeaderOffset;
        var buffer = ArrayPool<byte>.Shared.Rent(ZipConstants.LocalHeaderSize + ushort.MaxValue);
        try
        {
            var what = $"local file header of entry {ZipNameDecoder.ForMessage(entry.Name)}";
            ZipIO.ReadExactlyAt(archive, headerOffset, buffer, ZipConstants.LocalHeaderSize, what);
            var header = new ReadOnlySpan<byte>(buffer, 0, ZipConstants.LocalHeaderSize);
            var signature = BinaryPrimitives.ReadUInt32LittleEndian(header);
            if (signature != ZipConstants.LocalHeaderSignature)
            {
                throw new ZipFormatException(
                    $"Entry {ZipNameDecoder.ForMessage(entry.Name)}: expected a local file header (signature 0x{ZipConstants.LocalHeaderSignature:x8}) at offset {headerOffset}, found 0x{signature:x8}.");
            }

            var flags = BinaryPrimitives.ReadUInt16LittleEndian(header.Slice(6));
            var method = BinaryPrimitives.ReadUInt16LittleEndian(header.Slice(8));
            var nameLength = BinaryPrimitives.ReadUInt16LittleEndian(header.Slice(26));
            var extraLength = BinaryPrimitives.ReadUInt16LittleEndian(header.Slice(28));

            ZipIO.ReadExactlyAt(archive, headerOffset + ZipConstants.LocalHeaderSize, buffer, nameLength, what + " name");
            entry.LocalName = ZipNameDecoder.Decode(buffer, 0, nameLength, flags);
            entry.LocalGeneralPurposeFlags = flags;
            entry.LocalCompressionMethod = method;

            var dataOffset = headerOffset + ZipConstants.LocalHeaderSize + nameLength + extraLength;
            entry.DataOffset = dataOffset;
            return dataOffset;
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    private static string MethodName(ushort method) => method switch
    {
        1 => "shrink",
        2 or 3 or 4 or 5 => "reduce",
        6 => "implode",
        9 => "deflate64",
        12 => "bzip2",
        14 => "LZMA",
        93 => "zstandard",
        95 => "xz",
        96 => "JPEG",
        97 => "WavPack",
        98 => "PPMd",
        99 => "WinZip AES encryption",
        _ => "unknown",
    };
}
