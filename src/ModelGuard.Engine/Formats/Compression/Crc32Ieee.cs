using System;

namespace ModelGuard.Engine.Formats.Compression;

/// <summary>CRC-32 as used by xz (and zip, gzip): reflected polynomial 0xEDB88320, initial and final XOR 0xFFFFFFFF.</summary>
internal static class Crc32Ieee
{
    private static readonly uint[] Table = BuildTable();

    /// <summary>Continues <paramref name="crc"/> (0 to start) over <paramref name="data"/>.</summary>
    public static uint Update(uint crc, ReadOnlySpan<byte> data)
    {
        var table = Table;
        var c = ~crc;
        foreach (var b in data)
        {
            c = table[(c ^ b) & 0xFF] ^ (c >> 8);
        }

        return ~c;
    }

    /// <summary>Continues <paramref name="crc"/> over one byte.</summary>
    public static uint Update(uint crc, byte value) => ~(Table[(~crc ^ value) & 0xFF] ^ (~crc >> 8));

    public static uint Compute(ReadOnlySpan<byte> data) => Update(0, data);

    private static uint[] BuildTable()
    {
        var table = new uint[256];
        for (uint i = 0; i < 256; i++)
        {
            var c = i;
            for (var k = 0; k < 8; k++)
            {
                c = (c & 1) != 0 ? 0xEDB88320u ^ (c >> 1) : c >> 1;
            }

            table[i] = c;
        }

        return table;
    }
}
