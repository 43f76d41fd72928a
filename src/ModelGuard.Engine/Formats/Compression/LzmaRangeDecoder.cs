namespace ModelGuard.Engine.Formats.Compression;

/// <summary>
/// The LZMA range decoder: 32-bit range and code, 11-bit probabilities adapted by 1/32, normalised after each bit.
/// Reads from a <see cref="CompressedInput"/> under a byte budget (an LZMA2 chunk's compressed size, or unlimited).
/// </summary>
internal sealed class LzmaRangeDecoder
{
    public const int ProbabilityBits = 11;
    public const ushort InitialProbability = 1 << (ProbabilityBits - 1);

    private const uint TopValue = 1u << 24;
    private const int MoveBits = 5;

    private readonly CompressedInput _input;
    private readonly string _format;
    private uint _range;
    private uint _code;
    private long _budget;

    public LzmaRangeDecoder(CompressedInput input, string format)
    {
        _input = input;
        _format = format;
    }

    /// <summary>Compressed bytes the decoder may still read.</summary>
    public long Budget => _budget;

    /// <summary>True when the code is zero, as it is once an encoder's final flush has been read.</summary>
    public bool IsFinishedOk => _code == 0;

    /// <summary>Starts decoding: reads the five initial bytes (the first must be zero) under <paramref name="budget"/>.</summary>
    public void Start(long budget)
    {
        _budget = budget;
        var start = _input.Position;
        var first = Next();
        _code = 0;
        for (var i = 0; i < 4; i++)
        {
            _code = (_code << 8) | Next();
        }

        _range = 0xFFFFFFFF;
        if (first != 0 || _code == _range)
        {
            throw CompressedFormatException.At(_format, start, "the range coder's initial bytes are invalid (the first must be 0 and the code below 0xFFFFFFFF)");
        }
    }

    public uint DecodeBit(ushort[] probabilities, int index)
    {
        var probability = probabilities[index];
        var bound = (_range >> ProbabilityBits) * probability;
        uint bit;
        if (_code < bound)
        {
            _range = bound;
            probabilities[index] = (ushort)(probability + (((1 << ProbabilityBits) - probability) >> MoveBits));
            bit = 0;
        }
        else
        {
            _range -= bound;
            _code -= bound;
            probabilities[index] = (ushort)(probability - (probability >> MoveBits));
            bit = 1;
        }

        if (_range < TopValue)
        {
            _range <<= 8;
            _code = (_code << 8) | Next();
        }

        return bit;
    }

    /// <summary>Decodes <paramref name="count"/> (at most 26) bits of equal probability.</summary>
    public uint DecodeDirectBits(int count)
    {
        uint result = 0;
        for (var i = 0; i < count; i++)
        {
            _range >>= 1;
            uint bit;
            if (_code >= _range)
            {
                _code -= _range;
                if (_code == _range)
                {
                    // Only corrupt data breaks the invariant code < range (the specification's "Corrupted").
                    throw CompressedFormatException.At(_format, _input.Position, "the range coder state is invalid; the LZMA data is corrupt");
                }

                bit = 1;
            }
            else
            {
                bit = 0;
            }

            result = (result << 1) | bit;
            if (_range < TopValue)
            {
                _range <<= 8;
                _code = (_code << 8) | Next();
            }
        }

        return result;
    }

    /// <summary>Decodes a <paramref name="bits"/>-bit symbol from a bit tree at <paramref name="offset"/> (nodes 1 to 2^bits - 1).</summary>
    public int DecodeTree(ushort[] probabilities, int offset, int bits)
    {
        var m = 1;
        for (var i = 0; i < bits; i++)
        {
            m = (m << 1) | (int)DecodeBit(probabilities, offset + m);
        }

        return m - (1 << bits);
    }

    /// <summary>Like <see cref="DecodeTree"/>, but the first bit decoded is the least significant.</summary>
    public int DecodeReverseTree(ushort[] probabilities, int offset, int bits)
    {
        var m = 1;
        var symbol = 0;
        for (var i = 0; i < bits; i++)
        {
            var bit = (int)DecodeBit(probabilities, offset + m);
            m = (m << 1) | bit;
            symbol |= bit << i;
        }

        return symbol;
    }

    private byte Next()
    {
        if (_budget <= 0)
        {
            throw CompressedFormatException.At(_format, _input.Position, "the LZMA data reads past the end of its compressed chunk");
        }

        _budget--;
        return _input.ReadByte("LZMA-compressed data");
    }
}
