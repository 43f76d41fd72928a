using System;
using System.Text;

namespace ModelGuard.Engine.Formats.Tar;

/// <summary>One 512-byte tar header block (v7, ustar, GNU), decoded without trusting any field.</summary>
internal readonly struct TarHeader
{
    public const int BlockSize = 512;

    private TarHeader(string name, long size, char type)
    {
        Name = name;
        Size = size;
        Type = type;
    }

    public string Name { get; }

    public long Size { get; }

    /// <summary>The typeflag: '0' or '\0' regular file, '5' directory, 'L' GNU long name, 'x'/'g' PAX records, ...</summary>
    public char Type { get; }

    public bool IsRegularFile => Type is '0' or '\0' or '7';

    /// <summary>True when the block is all zeros (the end-of-archive marker).</summary>
    public static bool IsZeroBlock(ReadOnlySpan<byte> block)
    {
        foreach (var b in block)
        {
            if (b != 0)
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>Whether <paramref name="block"/> has a valid header checksum (what sniffing relies on).</summary>
    public static bool HasValidChecksum(ReadOnlySpan<byte> block)
    {
        if (block.Length < BlockSize || !TryParseNumber(block.Slice(148, 8), out var recorded))
        {
            return false;
        }

        long unsigned = 0, signed = 0;
        for (var i = 0; i < BlockSize; i++)
        {
            var b = i is >= 148 and < 156 ? (byte)' ' : block[i];
            unsigned += b;
            signed += (sbyte)b;
        }

        return recorded == unsigned || recorded == signed;
    }

    public static TarHeader Parse(ReadOnlySpan<byte> block, long offset)
    {
        if (!HasValidChecksum(block))
        {
            throw new TarFormatException($"the tar header at offset {offset} has a wrong checksum");
        }

        if (!TryParseNumber(block.Slice(124, 12), out var size) || size < 0)
        {
            throw new TarFormatException($"the tar header at offset {offset} has an unreadable size field");
        }

        var name = Text(block.Slice(0, 100));
        if (block.Slice(257, 5).SequenceEqual("ustar"u8.ToArray()))
        {
            var prefix = Text(block.Slice(345, 155));
            if (prefix.Length > 0)
            {
                name = prefix + "/" + name;
            }
        }

        return new TarHeader(name, size, (char)block[156]);
    }

    public TarHeader WithName(string name) => new(name, Size, Type);

    public TarHeader WithSize(long size) => new(Name, size, Type);

    /// <summary>Octal ASCII (NUL or space terminated), or GNU base-256 when the high bit of the first byte is set.</summary>
    private static bool TryParseNumber(ReadOnlySpan<byte> field, out long value)
    {
        value = 0;
        if (field.Length > 0 && (field[0] & 0x80) != 0)
        {
            if ((field[0] & 0x40) != 0)
            {
                return false; // negative
            }

            value = field[0] & 0x3F;
            for (var i = 1; i < field.Length; i++)
            {
                if (value > (long.MaxValue >> 8))
                {
                    return false;
                }

                value = (value << 8) | field[i];
            }

            return true;
        }

        var digits = 0;
        foreach (var b in field)
        {
            if (b is 0 or (byte)' ')
            {
                if (digits > 0)
                {
                    break;
                }

                continue;
            }

            if (b is < (byte)'0' or > (byte)'7' || value > (long.MaxValue >> 3))
            {
                return false;
            }

            value = (value << 3) | (uint)(b - '0');
            digits++;
        }

        return true;
    }

    private static string Text(ReadOnlySpan<byte> field)
    {
        var end = field.IndexOf((byte)0);
        return Encoding.UTF8.GetString(field.Slice(0, end < 0 ? field.Length : end).ToArray());
    }
}
