using System;

namespace ModelGuard.Engine.Formats.Compression;

/// <summary>Adler-32 (RFC 1950 section 8.2): two sums modulo 65521, starting from 1 and 0.</summary>
internal static class Adler32
{
    private const uint Modulus = 65521;

    // The largest n with 255 n (n + 1) / 2 + (n + 1) (Modulus - 1) below 2^32, so sums can wait n bytes before reducing.
    private const int MaxRun = 5552;

    /// <summary>Continues <paramref name="adler"/> (1 to start) over <paramref name="data"/>.</summary>
    public static uint Update(uint adler, ReadOnlySpan<byte> data)
    {
        var a = adler & 0xFFFF;
        var b = adler >> 16;
        while (!data.IsEmpty)
        {
            var n = Math.Min(data.Length, MaxRun);
            foreach (var value in data.Slice(0, n))
            {
                a += value;
                b += a;
            }

            a %= Modulus;
            b %= Modulus;
            data = data.Slice(n);
        }

        return (b << 16) | a;
    }
}
