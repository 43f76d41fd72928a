namespace ModelGuard.Engine.Formats.Zip;

/// <summary>
/// One central-directory record. Offsets are absolute positions in the stream, already shifted by any data in
/// front of the archive. The <c>Local*</c> members stay null until <see cref="ZipEntryReader.Open"/> reads the
/// local file header, so callers can compare what the two headers claim.
/// </summary>
internal sealed class ZipEntry
{
    public ZipEntry(
        int index,
        string name,
        ushort generalPurposeFlags,
        ushort compressionMethod,
        uint crc32,
        long compressedSize,
        long uncompressedSize,
        long localHeaderOffset,
        long centralHeaderOffset)
    {
        Index = index;
        Name = name;
        GeneralPurposeFlags = generalPurposeFlags;
        CompressionMethod = compressionMethod;
        Crc32 = crc32;
        CompressedSize = compressedSize;
        UncompressedSize = uncompressedSize;
        LocalHeaderOffset = localHeaderOffset;
        CentralHeaderOffset = centralHeaderOffset;
    }

    /// <summary>Position of the record in the central directory (0-based).</summary>
    public int Index { get; }

    /// <summary>The name in the central directory: UTF-8 when flag bit 11 is set, code page 437 otherwise.</summary>
    public string Name { get; }

    /// <summary>The name in the local file header, decoded with the local flags; null until the entry is opened.</summary>
    public string? LocalName { get; internal set; }

    public ushort GeneralPurposeFlags { get; }

    /// <summary>0 stored, 8 deflate; anything else is unsupported by the reader.</summary>
    public ushort CompressionMethod { get; }

    public uint Crc32 { get; }

    public long CompressedSize { get; }

    public long UncompressedSize { get; }

    /// <summary>Absolute offset of the local file header in the stream.</summary>
    public long LocalHeaderOffset { get; }

    /// <summary>Absolute offset of this record in the central directory.</summary>
    public long CentralHeaderOffset { get; }

    /// <summary>General-purpose flags of the local file header; null until the entry is opened.</summary>
    public ushort? LocalGeneralPurposeFlags { get; internal set; }

    /// <summary>Compression method of the local file header; null until the entry is opened. The reader uses the central one.</summary>
    public ushort? LocalCompressionMethod { get; internal set; }

    /// <summary>Absolute offset of the member's (compressed) bytes; null until the entry is opened.</summary>
    public long? DataOffset { get; internal set; }

    /// <summary>Traditional encryption (flag bit 0) or WinZip AES (method 99).</summary>
    public bool IsEncrypted => (GeneralPurposeFlags & ZipConstants.FlagEncrypted) != 0 || CompressionMethod == ZipConstants.MethodAes;

    public override string ToString() => Name;
}
