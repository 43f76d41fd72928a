using System;

namespace ModelGuard.Engine.IO;

/// <summary>The CRC-32 of zip, gzip and xz (reflected polynomial 0xEDB88320), computed incrementally.</summary>
internal static class Crc32
{
    private static readonly uint[] Table = BuildTable();

    /// <summary>The CRC of <paramref name="data"/>.</summary>
    public static uint Compute(ReadOnlySpan<byte> data) => Finish(Update(Start, data));

    /// <summary>The running value before any byte.</summary>
    public const uint Start = 0xFFFFFFFFu;

    /// <summary>Feeds bytes into a running value.</summary>
    public static uint Update(uint running, ReadOnlySpan<byte> data)
    {
        foreach (var b in data)
        {
            running = Table[(running ^ b) & 0xFF] ^ (running >> 8);
        }

        return running;
    }

    /// <summary>Turns a running value into the CRC.</summary>
    public static uint Finish(uint running) => ~running;

    private static uint[] BuildTable()
    {
        var table = new uint[256];
        for (var n = 0u; n < 256; n++)
        {
            var c = n;
            for (var k = 0; k < 8; k++)
            {
                c = (c & 1) != 0 ? 0xEDB88320u ^ (c >> 1) : c >> 1;
            }

            table[n] = c;
        }

        return table;
    }
}
