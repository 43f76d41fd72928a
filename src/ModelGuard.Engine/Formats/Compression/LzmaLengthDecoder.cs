using System;

namespace ModelGuard.Engine.Formats.Compression;

/// <summary>
/// Match length decoder: a choice bit, then 3 bits per position state (lengths 0–7), 3 more (8–15), or 8 bits shared
/// by all position states (16–271). Callers add the minimum match length, 2.
/// </summary>
internal sealed class LzmaLengthDecoder
{
    private const int Choice = 0;
    private const int Choice2 = 1;
    private const int Low = 2;
    private const int Mid = Low + (16 << 3);
    private const int High = Mid + (16 << 3);

    private readonly ushort[] _probabilities = new ushort[High + 256];

    public void Reset() => _probabilities.AsSpan().Fill(LzmaRangeDecoder.InitialProbability);

    public int Decode(LzmaRangeDecoder range, int positionState)
    {
        if (range.DecodeBit(_probabilities, Choice) == 0)
        {
            return range.DecodeTree(_probabilities, Low + (positionState << 3), 3);
        }

        if (range.DecodeBit(_probabilities, Choice2) == 0)
        {
            return 8 + range.DecodeTree(_probabilities, Mid + (positionState << 3), 3);
        }

        return 16 + range.DecodeTree(_probabilities, High, 8);
    }
}
