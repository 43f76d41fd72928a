using System;
using System.Collections.Generic;
using System.IO;
using System.IO.Compression;
using System.Text;

namespace ModelGuard.TestSupport;

/// <summary>
/// Writes zip archives byte by byte, including the hostile and unusual ones System.IO.Compression will not write:
/// duplicate names, lying headers, data in front of the archive, hand-made zip64 records, bogus end records.
/// </summary>
public sealed class ZipBuilder
{
    private const uint Saturated32 = 0xFFFFFFFF;

    public List<ZipBuilderEntry> Entries { get; } = new();

    /// <summary>Bytes written in front of the archive (a self-extractor stub, a pickle).</summary>
    public byte[] Prefix { get; set; } = Array.Empty<byte>();

    /// <summary>Offsets count from the start of the file, prefix included (as <c>zip -A</c> fixes them); by default they count from the zip.</summary>
    public bool OffsetsIncludePrefix { get; set; }

    /// <summary>Write zip64 records: saturated 32-bit fields with zip64 extra fields, a zip64 end record and its locator.</summary>
    public bool Zip64 { get; set; }

    /// <summary>Bytes written between the central directory and the end records.</summary>
    public byte[] GapBeforeEndRecord { get; set; } = Array.Empty<byte>();

    public byte[] Comment { get; set; } = Array.Empty<byte>();

    public long? EntryCountOverride { get; set; }

    public long? DirectoryOffsetOverride { get; set; }

    public long? DirectorySizeOverride { get; set; }

    public ZipBuilderEntry AddStored(string name, byte[] content)
    {
        var entry = new ZipBuilderEntry(name, content)
        {
            Method = 0,
            Crc32 = ModelGuard.Engine.IO.Crc32.Compute(content),
            UncompressedSize = content.Length,
        };
        Entries.Add(entry);
        return entry;
    }

    public ZipBuilderEntry AddDeflated(string name, byte[] content)
    {
        var entry = new ZipBuilderEntry(name, Deflate(content))
        {
            Method = 8,
            Crc32 = ModelGuard.Engine.IO.Crc32.Compute(content),
            UncompressedSize = content.Length,
        };
        Entries.Add(entry);
        return entry;
    }

    /// <summary>Raw deflate (no zlib header), as zip stores it.</summary>
    public static byte[] Deflate(byte[] content)
    {
        using var output = new MemoryStream();
        using (var deflate = new DeflateStream(output, CompressionLevel.SmallestSize, leaveOpen: true))
        {
            deflate.Write(content, 0, content.Length);
        }

        return output.ToArray();
    }

    public byte[] ToArray()
    {
        using var stream = new MemoryStream();
        using var w = new BinaryWriter(stream);
        w.Write(Prefix);
        long Here() => stream.Position - (OffsetsIncludePrefix ? 0 : Prefix.Length);

        var localOffsets = new long[Entries.Count];
        for (var i = 0; i < Entries.Count; i++)
        {
            var e = Entries[i];
            localOffsets[i] = Here();
            var name = Encoding.UTF8.GetBytes(e.LocalName ?? e.Name);
            var compressed = e.CompressedSizeOverride ?? e.Payload.Length;
            var extra = Zip64 ? Concat(Zip64Block(e.UncompressedSize, compressed), e.LocalExtra) : e.LocalExtra;
            w.Write(0x04034b50u);
            w.Write((ushort)(Zip64 ? 45 : 20));
            w.Write(e.LocalFlags ?? NameFlags(e));
            w.Write(e.LocalMethod ?? e.Method);
            w.Write((ushort)0); // time
            w.Write((ushort)0x21); // date: 1980-01-01
            w.Write(e.Crc32);
            w.Write(Zip64 ? Saturated32 : (uint)compressed);
            w.Write(Zip64 ? Saturated32 : (uint)e.UncompressedSize);
            w.Write((ushort)name.Length);
            w.Write((ushort)extra.Length);
            w.Write(name);
            w.Write(extra);
            w.Write(e.Payload);
        }

        var directoryOffset = Here();
        for (var i = 0; i < Entries.Count; i++)
        {
            var e = Entries[i];
            var name = e.NameBytes ?? Encoding.UTF8.GetBytes(e.Name);
            var compressed = e.CompressedSizeOverride ?? e.Payload.Length;
            var offset = e.LocalHeaderOffsetOverride ?? localOffsets[i];
            var extra = Zip64 && !e.OmitZip64Extra
                ? Concat(Zip64Block(e.UncompressedSize, compressed, offset), e.CentralExtra)
                : e.CentralExtra;
            w.Write(0x02014b50u);
            w.Write((ushort)(0x0300 | (Zip64 ? 45 : 20))); // made by: Unix
            w.Write((ushort)(Zip64 ? 45 : 20));
            w.Write(e.NameBytes is null ? NameFlags(e) : e.Flags);
            w.Write(e.Method);
            w.Write((ushort)0);
            w.Write((ushort)0x21);
            w.Write(e.Crc32);
            w.Write(Zip64 ? Saturated32 : (uint)compressed);
            w.Write(Zip64 ? Saturated32 : (uint)e.UncompressedSize);
            w.Write((ushort)name.Length);
            w.Write((ushort)extra.Length);
            w.Write((ushort)0); // comment
            w.Write((ushort)0); // disk
            w.Write((ushort)0); // internal attributes
            w.Write(0u); // external attributes
            w.Write(Zip64 ? Saturated32 : (uint)offset);
            w.Write(name);
            w.Write(extra);
        }

        var directorySize = DirectorySizeOverride ?? (Here() - directoryOffset);
        var count = EntryCountOverride ?? Entries.Count;
        var recordedOffset = DirectoryOffsetOverride ?? directoryOffset;
        w.Write(GapBeforeEndRecord);

        if (Zip64)
        {
            var zip64EndOffset = Here();
            w.Write(0x06064b50u);
            w.Write(44UL); // size of the rest of the record
            w.Write((ushort)45);
            w.Write((ushort)45);
            w.Write(0u);
            w.Write(0u);
            w.Write((ulong)count);
            w.Write((ulong)count);
            w.Write((ulong)directorySize);
            w.Write((ulong)recordedOffset);

            w.Write(0x07064b50u);
            w.Write(0u);
            w.Write((ulong)zip64EndOffset);
            w.Write(1u);
        }

        w.Write(0x06054b50u);
        w.Write((ushort)0);
        w.Write((ushort)0);
        w.Write(Zip64 ? (ushort)0xFFFF : unchecked((ushort)count));
        w.Write(Zip64 ? (ushort)0xFFFF : unchecked((ushort)count));
        w.Write(Zip64 ? Saturated32 : unchecked((uint)directorySize));
        w.Write(Zip64 ? Saturated32 : unchecked((uint)recordedOffset));
        w.Write((ushort)Comment.Length);
        w.Write(Comment);
        w.Flush();
        return stream.ToArray();
    }

    private static ushort NameFlags(ZipBuilderEntry e)
    {
        foreach (var c in e.Name)
        {
            if (c > 0x7F)
            {
                return (ushort)(e.Flags | 0x0800);
            }
        }

        return e.Flags;
    }

    private static byte[] Zip64Block(params long[] values)
    {
        var block = new byte[4 + (8 * values.Length)];
        BitConverter.TryWriteBytes(block.AsSpan(0), (ushort)0x0001);
        BitConverter.TryWriteBytes(block.AsSpan(2), (ushort)(8 * values.Length));
        for (var i = 0; i < values.Length; i++)
        {
            BitConverter.TryWriteBytes(block.AsSpan(4 + (8 * i)), values[i]);
        }

        return block;
    }

    private static byte[] Concat(byte[] a, byte[] b)
    {
        var result = new byte[a.Length + b.Length];
        a.CopyTo(result, 0);
        b.CopyTo(result, a.Length);
        return result;
    }
}
