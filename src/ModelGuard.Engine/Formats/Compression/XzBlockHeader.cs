using System;
using System.Buffers.Binary;
using System.Text;

namespace ModelGuard.Engine.Formats.Compression;

/// <summary>
/// An xz block header: its size ((first byte + 1) × 4), flags, optional compressed and uncompressed sizes, up to four
/// filter flags, zero padding and a CRC32. Only the filter chain "LZMA2" is accepted: BCJ, delta and unknown filters
/// throw <see cref="NotSupportedException"/> naming the chain.
/// </summary>
internal readonly struct XzBlockHeader
{
    private const string Format = "xz";
    private const ulong Lzma2FilterId = 0x21;

    private XzBlockHeader(int headerSize, ulong? compressedSize, ulong? uncompressedSize, int dictionarySize)
    {
        HeaderSize = headerSize;
        CompressedSize = compressedSize;
        UncompressedSize = uncompressedSize;
        DictionarySize = dictionarySize;
    }

    public int HeaderSize { get; }

    public ulong? CompressedSize { get; }

    public ulong? UncompressedSize { get; }

    /// <summary>The LZMA2 dictionary size, already checked against <see cref="LzmaProperties.MaxDictionarySize"/>.</summary>
    public int DictionarySize { get; }

    /// <summary>Reads the rest of a header whose first byte <paramref name="sizeByte"/> (not zero) was read at <paramref name="start"/>.</summary>
    public static XzBlockHeader Read(CompressedInput input, byte sizeByte, long start)
    {
        var headerSize = (sizeByte + 1) * 4;
        Span<byte> header = stackalloc byte[headerSize];
        header[0] = sizeByte;
        input.ReadExact(header.Slice(1), "a block header");
        var stored = BinaryPrimitives.ReadUInt32LittleEndian(header.Slice(headerSize - 4));
        var computed = Crc32Ieee.Compute(header.Slice(0, headerSize - 4));
        if (stored != computed)
        {
            throw CompressedFormatException.At(Format, start, $"the block header's CRC32 0x{stored:X8} does not match its content (0x{computed:X8})");
        }

        var body = header.Slice(0, headerSize - 4);
        var flags = body[1];
        if ((flags & 0x3C) != 0)
        {
            throw new NotSupportedException($"{Format}: the block header at offset {start} sets reserved flag bits (0x{flags:X2}); it may come from a newer version of the format.");
        }

        var position = 2;
        ulong? compressedSize = null;
        ulong? uncompressedSize = null;
        if ((flags & 0x40) != 0)
        {
            compressedSize = ReadVli(body, ref position, start, "compressed size");
            if (compressedSize == 0)
            {
                throw CompressedFormatException.At(Format, start, "the block header declares a compressed size of zero");
            }
        }

        if ((flags & 0x80) != 0)
        {
            uncompressedSize = ReadVli(body, ref position, start, "uncompressed size");
        }

        var filterCount = (flags & 0x03) + 1;
        Span<ulong> ids = stackalloc ulong[4];
        var lzma2Properties = -1;
        var lzma2PropertySize = 0UL;
        for (var i = 0; i < filterCount; i++)
        {
            ids[i] = ReadVli(body, ref position, start, "filter ID");
            var propertySize = ReadVli(body, ref position, start, "filter properties size");
            if (propertySize > (ulong)(body.Length - position))
            {
                throw CompressedFormatException.At(Format, start, $"the properties of filter {i + 1} ({propertySize} bytes) do not fit in the block header");
            }

            if (ids[i] == Lzma2FilterId && i == filterCount - 1)
            {
                lzma2PropertySize = propertySize;
                lzma2Properties = propertySize == 1 ? body[position] : -1;
            }

            position += (int)propertySize;
        }

        foreach (var b in body.Slice(position))
        {
            if (b != 0)
            {
                throw new NotSupportedException($"{Format}: the block header at offset {start} has non-zero bytes in its padding; it may come from a newer version of the format.");
            }
        }

        CheckFilterChain(ids.Slice(0, filterCount), start);
        if (lzma2PropertySize != 1)
        {
            throw CompressedFormatException.At(Format, start, $"the LZMA2 filter has {lzma2PropertySize} property bytes instead of 1");
        }

        var dictionarySize = DecodeDictionarySize((byte)lzma2Properties, start);
        return new XzBlockHeader(headerSize, compressedSize, uncompressedSize, dictionarySize);
    }

    /// <summary>Decodes a variable-length integer (7 bits a byte, low first, at most 9 bytes, minimal) from the input.</summary>
    public static ulong ReadVli(CompressedInput input, string what, ref uint crc)
    {
        var start = input.Position;
        ulong value = 0;
        for (var i = 0; i < 9; i++)
        {
            var b = input.ReadByte(what);
            crc = Crc32Ieee.Update(crc, b);
            value |= (ulong)(b & 0x7F) << (7 * i);
            if ((b & 0x80) == 0)
            {
                if (b == 0 && i > 0)
                {
                    throw CompressedFormatException.At(Format, start, $"the {what} is not minimally encoded");
                }

                return value;
            }
        }

        throw CompressedFormatException.At(Format, start, $"the {what} is longer than 9 bytes");
    }

    private static ulong ReadVli(ReadOnlySpan<byte> body, ref int position, long start, string what)
    {
        ulong value = 0;
        for (var i = 0; i < 9; i++)
        {
            if (position >= body.Length)
            {
                throw CompressedFormatException.At(Format, start, $"the block header ends inside its {what}");
            }

            var b = body[position++];
            value |= (ulong)(b & 0x7F) << (7 * i);
            if ((b & 0x80) == 0)
            {
                if (b == 0 && i > 0)
                {
                    throw CompressedFormatException.At(Format, start, $"the block header's {what} is not minimally encoded");
                }

                return value;
            }
        }

        throw CompressedFormatException.At(Format, start, $"the block header's {what} is longer than 9 bytes");
    }

    private static void CheckFilterChain(ReadOnlySpan<ulong> ids, long start)
    {
        if (ids.Length == 1 && ids[0] == Lzma2FilterId)
        {
            return;
        }

        var chain = new StringBuilder();
        var unknown = (ulong?)null;
        foreach (var id in ids)
        {
            var name = FilterName(id);
            if (name is null)
            {
                unknown ??= id;
                name = $"unknown filter 0x{id:X}";
            }

            chain.Append(chain.Length == 0 ? string.Empty : " + ").Append(name);
        }

        var problem = unknown is { } u
            ? $"the block at offset {start} uses filter ID 0x{u:X}, which is not a known xz filter (chain: {chain})"
            : $"the block at offset {start} uses the filter chain {chain}; only blocks compressed with LZMA2 alone are supported";
        throw new NotSupportedException($"{Format}: {problem}.");
    }

    private static string? FilterName(ulong id) => id switch
    {
        0x03 => "delta (0x03)",
        0x04 => "x86 BCJ (0x04)",
        0x05 => "PowerPC BCJ (0x05)",
        0x06 => "IA-64 BCJ (0x06)",
        0x07 => "ARM BCJ (0x07)",
        0x08 => "ARM-Thumb BCJ (0x08)",
        0x09 => "SPARC BCJ (0x09)",
        0x0A => "ARM64 BCJ (0x0A)",
        0x0B => "RISC-V BCJ (0x0B)",
        0x21 => "LZMA2 (0x21)",
        _ => null,
    };

    private static int DecodeDictionarySize(byte properties, long start)
    {
        if ((properties & 0xC0) != 0 || properties > 40)
        {
            throw CompressedFormatException.At(Format, start, $"the LZMA2 dictionary byte {properties} is invalid (it must be 0 to 40)");
        }

        var size = properties == 40 ? uint.MaxValue : (2u | (properties & 1u)) << ((properties / 2) + 11);
        return LzmaProperties.CheckDictionarySize(size, Format, start);
    }
}
