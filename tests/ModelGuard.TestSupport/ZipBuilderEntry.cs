using System;

namespace ModelGuard.TestSupport;

/// <summary>
/// One member for <see cref="ZipBuilder"/>. Every header field can be set independently, so tests can write the
/// inconsistent archives real writers never produce (local name differs, flags lie, sizes lie).
/// </summary>
public sealed class ZipBuilderEntry
{
    public ZipBuilderEntry(string name, byte[] payload)
    {
        Name = name;
        Payload = payload;
    }

    /// <summary>Name in the central directory (UTF-8; flag bit 11 is set automatically for non-ASCII names).</summary>
    public string Name { get; set; }

    /// <summary>Name in the local header; defaults to <see cref="Name"/>.</summary>
    public string? LocalName { get; set; }

    /// <summary>Raw central-directory name bytes, overriding <see cref="Name"/> (and no automatic UTF-8 flag).</summary>
    public byte[]? NameBytes { get; set; }

    /// <summary>The bytes written as member data (already compressed or encrypted if the entry says so).</summary>
    public byte[] Payload { get; set; }

    public ushort Flags { get; set; }

    /// <summary>Flags in the local header; defaults to <see cref="Flags"/>.</summary>
    public ushort? LocalFlags { get; set; }

    public ushort Method { get; set; }

    /// <summary>Method in the local header; defaults to <see cref="Method"/>.</summary>
    public ushort? LocalMethod { get; set; }

    public uint Crc32 { get; set; }

    public long UncompressedSize { get; set; }

    /// <summary>Compressed size written in the headers; defaults to the payload length.</summary>
    public long? CompressedSizeOverride { get; set; }

    public byte[] LocalExtra { get; set; } = Array.Empty<byte>();

    public byte[] CentralExtra { get; set; } = Array.Empty<byte>();

    /// <summary>Local header offset written in the central directory; defaults to where the header really is.</summary>
    public long? LocalHeaderOffsetOverride { get; set; }

    /// <summary>In a zip64 archive, leave out the zip64 extra field of the central record (a malformed archive).</summary>
    public bool OmitZip64Extra { get; set; }
}
