using System;

namespace ModelGuard.Engine.Formats.Compression;

/// <summary>
/// One bzip2 coding table: canonical Huffman codes (shorter codes first, then by symbol) of 1 to 20 bits over at most
/// 258 symbols. Incomplete code sets are accepted as the reference decoder accepts them; a bit string that matches no
/// code is an error.
/// </summary>
internal sealed class Bzip2HuffmanTable
{
    public const int MaxCodeLength = 20;
    public const int MaxSymbols = 258;

    // Codes of up to this many bits are decoded with one table look-up; longer ones walk the lengths.
    private const int FastBits = 10;

    private readonly int[] _firstCode = new int[MaxCodeLength + 1];
    private readonly int[] _limit = new int[MaxCodeLength + 1];
    private readonly int[] _baseIndex = new int[MaxCodeLength + 1];
    private readonly int[] _counts = new int[MaxCodeLength + 1];
    private readonly ushort[] _symbols = new ushort[MaxSymbols];

    // Per FastBits-bit prefix: symbol | (code length << 9), or 0 when the code is longer than FastBits.
    private readonly ushort[] _fast = new ushort[1 << FastBits];
    private int _minLength;
    private int _maxLength;

    /// <summary>Builds the table from code lengths that the caller checked to be within 1 to 20.</summary>
    public void Build(ReadOnlySpan<byte> lengths)
    {
        Array.Clear(_counts, 0, _counts.Length);
        _minLength = MaxCodeLength;
        _maxLength = 1;
        foreach (var length in lengths)
        {
            _counts[length]++;
            _minLength = Math.Min(_minLength, length);
            _maxLength = Math.Max(_maxLength, length);
        }

        var code = 0;
        var index = 0;
        for (var length = 1; length <= MaxCodeLength; length++)
        {
            _firstCode[length] = code;
            _limit[length] = code + _counts[length];
            _baseIndex[length] = index;
            index += _counts[length];
            code = (code + _counts[length]) << 1;
        }

        // Symbols in canonical order: by length, then by symbol value.
        var next = 0;
        for (var length = _minLength; length <= _maxLength; length++)
        {
            for (var symbol = 0; symbol < lengths.Length; symbol++)
            {
                if (lengths[symbol] == length)
                {
                    _symbols[next++] = (ushort)symbol;
                }
            }
        }

        // The look-up table answers exactly what the walk in Decode would, even for over-subscribed lengths.
        for (var prefix = 0; prefix < _fast.Length; prefix++)
        {
            _fast[prefix] = 0;
            for (var length = _minLength; length <= Math.Min(_maxLength, FastBits); length++)
            {
                var head = prefix >> (FastBits - length);
                if (head < _limit[length])
                {
                    _fast[prefix] = (ushort)(_symbols[_baseIndex[length] + head - _firstCode[length]] | (length << 9));
                    break;
                }
            }
        }
    }

    /// <summary>Decodes one symbol.</summary>
    public int Decode(Bzip2BitReader reader)
    {
        var peek = (int)reader.Peek(MaxCodeLength, out var available);
        var fast = _fast[peek >> (MaxCodeLength - FastBits)];
        if (fast != 0 && fast >> 9 <= available)
        {
            reader.Skip(fast >> 9);
            return fast & 0x1FF;
        }

        for (var length = _minLength; length <= _maxLength; length++)
        {
            var code = peek >> (MaxCodeLength - length);
            if (code < _limit[length])
            {
                if (length > available)
                {
                    break;
                }

                reader.Skip(length);
                return _symbols[_baseIndex[length] + code - _firstCode[length]];
            }
        }

        if (available < _maxLength)
        {
            throw CompressedFormatException.Truncated("bzip2", "Huffman-coded block data", reader.BytePosition);
        }

        throw CompressedFormatException.At("bzip2", reader.BytePosition, "the block data holds a bit string that is no code of the current Huffman table");
    }
}
