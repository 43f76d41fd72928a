namespace ModelGuard.Engine.Formats.Compression;

/// <summary>Most-significant-bit-first bit reader for bzip2, over a <see cref="CompressedInput"/>.</summary>
internal sealed class Bzip2BitReader
{
    private const string Format = "bzip2";

    private readonly CompressedInput _input;
    private ulong _bits;
    private int _count;

    public Bzip2BitReader(CompressedInput input)
    {
        _input = input;
    }

    /// <summary>Offset of the byte that holds the next bit.</summary>
    public long BytePosition => _input.Position - ((_count + 7) / 8);

    /// <summary>True when every bit was consumed and the input has no byte left.</summary>
    public bool AtEnd => _count == 0 && _input.AtEnd;

    /// <summary>Reads <paramref name="n"/> (1 to 32) bits; the end of input is reported as truncation inside <paramref name="what"/>.</summary>
    public uint ReadBits(int n, string what)
    {
        while (_count < n)
        {
            var b = _input.TryReadByte();
            if (b < 0)
            {
                throw CompressedFormatException.Truncated(Format, what, _input.Position);
            }

            _bits = (_bits << 8) | (uint)b;
            _count += 8;
        }

        _count -= n;
        return (uint)(_bits >> _count) & (uint)((1UL << n) - 1);
    }

    public bool ReadBit(string what) => ReadBits(1, what) != 0;

    /// <summary>
    /// The next <paramref name="n"/> (at most 32) bits without consuming them, padded with zero bits past the end of
    /// the input; <paramref name="available"/> says how many of them are real.
    /// </summary>
    public uint Peek(int n, out int available)
    {
        while (_count < n)
        {
            var b = _input.TryReadByte();
            if (b < 0)
            {
                available = _count;
                return (uint)((_bits << (n - _count)) & ((1UL << n) - 1));
            }

            _bits = (_bits << 8) | (uint)b;
            _count += 8;
        }

        available = n;
        return (uint)(_bits >> (_count - n)) & (uint)((1UL << n) - 1);
    }

    /// <summary>Consumes <paramref name="n"/> bits already seen through <see cref="Peek"/>.</summary>
    public void Skip(int n) => _count -= n;

    /// <summary>Drops the bits left in the current byte (stream padding).</summary>
    public void AlignToByte() => _count -= _count % 8;
}
