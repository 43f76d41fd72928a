using System;

namespace ModelGuard.Engine.Formats.Compression;

/// <summary>
/// LZMA coder properties: literal context bits (lc), literal position bits (lp), position bits (pb), and the
/// dictionary size. Dictionaries above <see cref="MaxDictionarySize"/> are refused as unsupported, before anything is
/// allocated; the window itself grows with the output, so a small file with a large declared dictionary stays small.
/// </summary>
internal readonly struct LzmaProperties
{
    /// <summary>
    /// Largest dictionary accepted: 256 MiB, four times the 64 MiB of xz -9 / Python's preset 9. Memory in use is the
    /// smaller of this and roughly the output produced so far.
    /// </summary>
    public const int MaxDictionarySize = 256 * 1024 * 1024;

    /// <summary>Smallest window the decoder uses, as the LZMA specification asks for smaller declared sizes.</summary>
    public const int MinDictionarySize = 4096;

    public LzmaProperties(int lc, int lp, int pb, int dictionarySize)
    {
        LiteralContextBits = lc;
        LiteralPositionBits = lp;
        PositionBits = pb;
        DictionarySize = dictionarySize;
    }

    public int LiteralContextBits { get; }

    public int LiteralPositionBits { get; }

    public int PositionBits { get; }

    public int DictionarySize { get; }

    /// <summary>
    /// Splits the properties byte (pb × 45 + lp × 9 + lc). LZMA1 allows lc ≤ 8, lp ≤ 4, pb ≤ 4; LZMA2 also requires
    /// lc + lp ≤ 4. A byte below 225 always gives pb ≤ 4 and lp ≤ 4. Returns false with a reason when the byte is invalid.
    /// </summary>
    public static bool TryDecode(byte value, bool lzma2, out int lc, out int lp, out int pb, out string? problem)
    {
        lc = lp = pb = 0;
        if (value >= 9 * 5 * 5)
        {
            problem = $"the properties byte {value} is not below 225 (it must be pb * 45 + lp * 9 + lc)";
            return false;
        }

        lc = value % 9;
        lp = value / 9 % 5;
        pb = value / 45;
        if (lzma2 && lc + lp > 4)
        {
            problem = $"the properties byte {value} gives lc={lc} and lp={lp}; LZMA2 requires lc + lp <= 4";
            return false;
        }

        problem = null;
        return true;
    }

    /// <summary>Throws <see cref="NotSupportedException"/> when <paramref name="declared"/> is above the bound; otherwise the size to use.</summary>
    public static int CheckDictionarySize(ulong declared, string format, long offset)
    {
        if (declared > MaxDictionarySize)
        {
            throw new NotSupportedException(
                $"{format}: the dictionary size {declared} bytes declared at offset {offset} is above the supported maximum of {MaxDictionarySize} bytes (256 MiB).");
        }

        return Math.Max((int)declared, MinDictionarySize);
    }
}
