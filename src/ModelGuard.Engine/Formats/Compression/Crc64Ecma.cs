using System;

namespace ModelGuard.Engine.Formats.Compression;

/// <summary>CRC-64 as used by xz: ECMA-182 polynomial, reflected (0xC96C5795D7870F42), initial and final XOR all ones.</summary>
internal static class Crc64Ecma
{
    private static readonly ulong[] Table = BuildTable();

    /// <summary>Continues <paramref name="crc"/> (0 to start) over <paramref name="data"/>.</summary>
    public static ulong Update(ulong crc, ReadOnlySpan<byte> data)
    {
        var table = Table;
        var c = ~crc;
        foreach (var b in data)
        {
            c = table[(c ^ b) & 0xFF] ^ (c >> 8);
        }

        return ~c;
    }

    public static ulong Compute(ReadOnlySpan<byte> data) => Update(0, data);

    private static ulong[] BuildTable()
    {
        var table = new ulong[256];
        for (ulong i = 0; i < 256; i++)
        {
            var c = i;
            for (var k = 0; k < 8; k++)
            {
                c = (c & 1) != 0 ? 0xC96C5795D7870F42UL ^ (c >> 1) : c >> 1;
            }

            table[i] = c;
        }

        return table;
    }
}
