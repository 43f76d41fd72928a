using System;
using System.Buffers;

namespace ModelGuard.Engine.Formats.Compression;

/// <summary>
/// Reads one bzip2 block after its magic: the stored CRC, the symbol map, the Huffman tables and selectors, then the
/// MTF/RLE2-coded symbols, and prepares the inverse Burrows–Wheeler transform. The vector it fills holds at most the
/// stream's block size (level × 100 000, so at most 900 000 four-byte entries) and is rented from the pool.
/// </summary>
internal sealed class Bzip2BlockDecoder : IDisposable
{
    /// <summary>Largest block of the format (level 9).</summary>
    public const int MaxBlockSize = 900_000;

    private const string Format = "bzip2";
    private const int GroupSize = 50;
    private const int MinGroups = 2;
    private const int MaxGroups = 6;

    // Enough selectors for the largest block (900 000 symbols plus the end of block, 50 per group); like the reference
    // decoder, selectors past this count are read and checked but not kept.
    private const int MaxSelectors = 18002;

    private readonly Bzip2HuffmanTable[] _tables = new Bzip2HuffmanTable[MaxGroups];
    private readonly byte[] _selectors = new byte[MaxSelectors];
    private readonly byte[] _lengths = new byte[Bzip2HuffmanTable.MaxSymbols];
    private readonly byte[] _symbolToByte = new byte[256];
    private readonly byte[] _mtf = new byte[256];
    private readonly int[] _byteCounts = new int[256];
    private int[] _vector = Array.Empty<int>();

    public Bzip2BlockDecoder()
    {
        for (var i = 0; i < _tables.Length; i++)
        {
            _tables[i] = new Bzip2HuffmanTable();
        }
    }

    /// <summary>The block CRC stored in the block header.</summary>
    public uint StoredCrc { get; private set; }

    /// <summary>Number of bytes the block holds before the final run-length decoding.</summary>
    public int Length { get; private set; }

    /// <summary>Start of the inverse transform: the first position to follow with <see cref="Next"/>.</summary>
    public int StartPosition { get; private set; }

    /// <summary>Follows the inverse transform one step: returns the next byte and advances <paramref name="position"/>.</summary>
    public byte Next(ref int position)
    {
        var entry = _vector[position];
        position = entry >> 8;
        return (byte)entry;
    }

    /// <summary>Reads a block whose 48-bit magic was just consumed; <paramref name="blockStart"/> is for messages.</summary>
    public void Read(Bzip2BitReader reader, int maxBlockSize, long blockStart)
    {
        if (_vector.Length < maxBlockSize)
        {
            ReleaseVector();
            _vector = ArrayPool<int>.Shared.Rent(maxBlockSize);
        }

        StoredCrc = reader.ReadBits(32, "a block header");
        if (reader.ReadBit("a block header"))
        {
            throw new NotSupportedException($"{Format}: the block at offset {blockStart} is randomised, a mode deprecated since bzip2 0.9.5 and not supported.");
        }

        var origin = (int)reader.ReadBits(24, "a block header");
        if (origin >= maxBlockSize)
        {
            throw CompressedFormatException.At(Format, blockStart, $"the block's origin pointer {origin} is not below the block size {maxBlockSize}");
        }

        var symbolCount = ReadSymbolMap(reader, blockStart);
        var alphabetSize = symbolCount + 2;
        var groupCount = (int)reader.ReadBits(3, "the table count");
        if (groupCount < MinGroups || groupCount > MaxGroups)
        {
            throw CompressedFormatException.At(Format, reader.BytePosition, $"the block declares {groupCount} Huffman tables; the format allows 2 to 6");
        }

        var selectorCount = ReadSelectors(reader, groupCount);
        for (var t = 0; t < groupCount; t++)
        {
            ReadCodeLengths(reader, alphabetSize);
            _tables[t].Build(_lengths.AsSpan(0, alphabetSize));
        }

        var length = DecodeSymbols(reader, symbolCount, selectorCount, maxBlockSize);
        if (origin >= length)
        {
            throw CompressedFormatException.At(Format, reader.BytePosition, $"the block's origin pointer {origin} is not below its length {length}");
        }

        BuildTransform(length);
        Length = length;
        StartPosition = _vector[origin] >> 8;
    }

    public void Dispose() => ReleaseVector();

    private void ReleaseVector()
    {
        if (_vector.Length != 0)
        {
            ArrayPool<int>.Shared.Return(_vector);
            _vector = Array.Empty<int>();
        }
    }

    private int ReadSymbolMap(Bzip2BitReader reader, long blockStart)
    {
        var ranges = reader.ReadBits(16, "the symbol map");
        var count = 0;
        for (var i = 0; i < 16; i++)
        {
            if ((ranges & (0x8000u >> i)) == 0)
            {
                continue;
            }

            var bits = reader.ReadBits(16, "the symbol map");
            for (var j = 0; j < 16; j++)
            {
                if ((bits & (0x8000u >> j)) != 0)
                {
                    _symbolToByte[count++] = (byte)((i * 16) + j);
                }
            }
        }

        if (count == 0)
        {
            throw CompressedFormatException.At(Format, blockStart, "the block's symbol map lists no byte value");
        }

        return count;
    }

    private int ReadSelectors(Bzip2BitReader reader, int groupCount)
    {
        var selectorCount = (int)reader.ReadBits(15, "the selector count");
        if (selectorCount == 0)
        {
            throw CompressedFormatException.At(Format, reader.BytePosition, "the block declares no selectors");
        }

        Span<byte> order = stackalloc byte[MaxGroups];
        for (var i = 0; i < groupCount; i++)
        {
            order[i] = (byte)i;
        }

        var kept = Math.Min(selectorCount, MaxSelectors);
        for (var i = 0; i < selectorCount; i++)
        {
            // Move-to-front index in unary: a run of one bits closed by a zero bit.
            var index = 0;
            while (reader.ReadBit("the selectors"))
            {
                index++;
                if (index >= groupCount)
                {
                    throw CompressedFormatException.At(Format, reader.BytePosition, $"selector {i} names table {index} or above, but the block has {groupCount} tables");
                }
            }

            if (i >= kept)
            {
                continue;
            }

            var table = order[index];
            for (var k = index; k > 0; k--)
            {
                order[k] = order[k - 1];
            }

            order[0] = table;
            _selectors[i] = table;
        }

        return kept;
    }

    private void ReadCodeLengths(Bzip2BitReader reader, int alphabetSize)
    {
        var length = (int)reader.ReadBits(5, "the code lengths");
        for (var symbol = 0; symbol < alphabetSize; symbol++)
        {
            while (true)
            {
                if (length < 1 || length > Bzip2HuffmanTable.MaxCodeLength)
                {
                    throw CompressedFormatException.At(Format, reader.BytePosition, $"a Huffman code length of {length} is outside 1 to {Bzip2HuffmanTable.MaxCodeLength}");
                }

                if (!reader.ReadBit("the code lengths"))
                {
                    break;
                }

                length += reader.ReadBit("the code lengths") ? -1 : 1;
            }

            _lengths[symbol] = (byte)length;
        }
    }

    private int DecodeSymbols(Bzip2BitReader reader, int symbolCount, int selectorCount, int maxBlockSize)
    {
        var endOfBlock = symbolCount + 1;
        var vector = _vector;
        Array.Clear(_byteCounts, 0, _byteCounts.Length);
        for (var i = 0; i < 256; i++)
        {
            _mtf[i] = (byte)i;
        }

        var length = 0;
        var group = -1;
        var groupLeft = 0;
        Bzip2HuffmanTable table = _tables[0];
        var run = 0;
        var runWeight = 0;
        while (true)
        {
            if (groupLeft == 0)
            {
                group++;
                if (group >= selectorCount)
                {
                    throw CompressedFormatException.At(Format, reader.BytePosition, $"the block data needs more than the {selectorCount} selectors it declares");
                }

                table = _tables[_selectors[group]];
                groupLeft = GroupSize;
            }

            groupLeft--;
            var symbol = table.Decode(reader);
            if (symbol <= 1)
            {
                // RUNA (0) and RUNB (1) spell a run length in bijective base 2, least significant digit first.
                if (runWeight == 0)
                {
                    runWeight = 1;
                }

                run += runWeight << symbol;
                runWeight <<= 1;
                if (run > maxBlockSize)
                {
                    throw CompressedFormatException.At(Format, reader.BytePosition, $"a run is longer than the block size {maxBlockSize}");
                }

                continue;
            }

            if (run > 0)
            {
                if (run > maxBlockSize - length)
                {
                    throw CompressedFormatException.At(Format, reader.BytePosition, $"the block holds more than the {maxBlockSize} bytes its stream's level allows");
                }

                var value = _symbolToByte[_mtf[0]];
                vector.AsSpan(length, run).Fill(value);
                _byteCounts[value] += run;
                length += run;
                run = 0;
                runWeight = 0;
            }

            if (symbol == endOfBlock)
            {
                return length;
            }

            if (length >= maxBlockSize)
            {
                throw CompressedFormatException.At(Format, reader.BytePosition, $"the block holds more than the {maxBlockSize} bytes its stream's level allows");
            }

            var index = symbol - 1;
            var front = _mtf[index];
            for (var k = index; k > 0; k--)
            {
                _mtf[k] = _mtf[k - 1];
            }

            _mtf[0] = front;
            var b = _symbolToByte[front];
            vector[length++] = b;
            _byteCounts[b]++;
        }
    }

    private void BuildTransform(int length)
    {
        // Each entry keeps its byte in the low 8 bits; the high bits get the position that follows it in the output.
        Span<int> next = stackalloc int[256];
        var sum = 0;
        for (var i = 0; i < 256; i++)
        {
            next[i] = sum;
            sum += _byteCounts[i];
        }

        var vector = _vector;
        for (var i = 0; i < length; i++)
        {
            var b = vector[i] & 0xFF;
            vector[next[b]++] |= i << 8;
        }
    }
}
