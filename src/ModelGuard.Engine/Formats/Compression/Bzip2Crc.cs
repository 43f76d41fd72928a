using System;

namespace ModelGuard.Engine.Formats.Compression;

/// <summary>
/// The CRC-32 of bzip2 blocks: polynomial 0x04C11DB7 processed most significant bit first, initial value and final XOR
/// 0xFFFFFFFF. The stream CRC combines block CRCs as <c>rotl(combined, 1) ^ block</c>.
/// </summary>
internal static class Bzip2Crc
{
    private static readonly uint[] Table = BuildTable();

    /// <summary>Continues a running (not yet inverted) register; start with 0xFFFFFFFF and invert at the end.</summary>
    public static uint UpdateRegister(uint register, ReadOnlySpan<byte> data)
    {
        var table = Table;
        var c = register;
        foreach (var b in data)
        {
            c = (c << 8) ^ table[(c >> 24) ^ b];
        }

        return c;
    }

    /// <summary>Continues a running register over <paramref name="count"/> copies of <paramref name="value"/>.</summary>
    public static uint UpdateRegister(uint register, byte value, int count)
    {
        var table = Table;
        var c = register;
        for (var i = 0; i < count; i++)
        {
            c = (c << 8) ^ table[(c >> 24) ^ value];
        }

        return c;
    }

    public static uint Combine(uint combined, uint blockCrc) => ((combined << 1) | (combined >> 31)) ^ blockCrc;

    private static uint[] BuildTable()
    {
        var table = new uint[256];
        for (uint i = 0; i < 256; i++)
        {
            var c = i << 24;
            for (var k = 0; k < 8; k++)
            {
                c = (c & 0x80000000u) != 0 ? (c << 1) ^ 0x04C11DB7u : c << 1;
            }

            table[i] = c;
        }

        return table;
    }
}
