using System;

namespace ModelGuard.Engine.Formats.Compression;

/// <summary>
/// LZMA2 chunks, as found in xz blocks. A control byte opens each chunk: 0x00 ends the data; 0x01 and 0x02 are
/// uncompressed chunks (with and without a dictionary reset) of a 16-bit size; 0x80–0xFF are LZMA chunks whose bits
/// 5–6 ask for no reset, a state reset, a state reset with a new properties byte, or all that plus a dictionary
/// reset, followed by 21 bits of uncompressed size and 16 bits of compressed size (each minus one). The first chunk
/// must reset the dictionary, and the first LZMA chunk after a dictionary reset must bring properties. Every LZMA chunk
/// must use exactly its compressed bytes and leave the range coder finished.
/// </summary>
internal sealed class Lzma2Decoder
{
    private const string Format = "xz";

    private readonly CompressedInput _input;
    private readonly LzmaWindow _window = new();
    private readonly LzmaDecoder _lzma;
    private int _dictionarySize;
    private bool _needDictionaryReset;
    private bool _needProperties;
    private Chunk _chunk;
    private long _chunkRemaining;
    private long _chunkStart;

    public Lzma2Decoder(CompressedInput input)
    {
        _input = input;
        _lzma = new LzmaDecoder(input, _window, Format);
    }

    private enum Chunk
    {
        None,
        Uncompressed,
        Lzma,
        End,
    }

    /// <summary>Prepares for a new block with the dictionary size from its filter properties (already bounded).</summary>
    public void Reset(int dictionarySize)
    {
        _dictionarySize = dictionarySize;
        _window.Reset(dictionarySize);
        _needDictionaryReset = true;
        _needProperties = true;
        _chunk = Chunk.None;
    }

    /// <summary>Decodes into <paramref name="destination"/>; returns 0 once the end-of-data control byte was read.</summary>
    public int Decode(Span<byte> destination)
    {
        while (true)
        {
            switch (_chunk)
            {
                case Chunk.None:
                    ReadChunkHeader();
                    break;

                case Chunk.Uncompressed:
                {
                    var n = (int)Math.Min(destination.Length, _chunkRemaining);
                    var slice = destination.Slice(0, n);
                    _input.ReadExact(slice, "an uncompressed LZMA2 chunk");
                    _window.PutBytes(slice);
                    _chunkRemaining -= n;
                    if (_chunkRemaining == 0)
                    {
                        _chunk = Chunk.None;
                    }

                    return n;
                }

                case Chunk.Lzma:
                {
                    var n = _lzma.Decode(destination, _chunkRemaining, allowEndMarker: false);
                    _chunkRemaining -= n;
                    if (_chunkRemaining == 0)
                    {
                        FinishLzmaChunk();
                    }

                    if (n > 0)
                    {
                        return n;
                    }

                    break;
                }

                default:
                    return 0;
            }
        }
    }

    private void ReadChunkHeader()
    {
        _chunkStart = _input.Position;
        const string What = "an LZMA2 chunk header";
        var control = _input.ReadByte(What);
        if (control == 0x00)
        {
            _chunk = Chunk.End;
            return;
        }

        if (control >= 0xE0 || control == 0x01)
        {
            _needProperties = true;
            _needDictionaryReset = false;
            _window.Reset(_dictionarySize);
        }
        else if (_needDictionaryReset)
        {
            throw CompressedFormatException.At(Format, _chunkStart, $"the first LZMA2 chunk (control byte 0x{control:X2}) does not reset the dictionary");
        }

        if (control < 0x80)
        {
            if (control > 0x02)
            {
                throw CompressedFormatException.At(Format, _chunkStart, $"0x{control:X2} is not a valid LZMA2 control byte");
            }

            _chunkRemaining = ((_input.ReadByte(What) << 8) | _input.ReadByte(What)) + 1;
            _chunk = Chunk.Uncompressed;
            return;
        }

        var unpacked = ((control & 0x1F) << 16) + (_input.ReadByte(What) << 8) + _input.ReadByte(What) + 1;
        var packed = ((_input.ReadByte(What) << 8) | _input.ReadByte(What)) + 1;
        var reset = (control >> 5) & 3;
        if (reset >= 2)
        {
            var properties = _input.ReadByte(What);
            if (!LzmaProperties.TryDecode(properties, lzma2: true, out var lc, out var lp, out var pb, out var problem))
            {
                throw CompressedFormatException.At(Format, _input.Position - 1, problem!);
            }

            _lzma.SetProperties(lc, lp, pb);
            _needProperties = false;
        }
        else if (_needProperties)
        {
            throw CompressedFormatException.At(Format, _chunkStart, $"the LZMA chunk (control byte 0x{control:X2}) brings no properties, but it is the first after a dictionary reset");
        }

        if (reset >= 1)
        {
            _lzma.ResetState();
        }

        _lzma.Range.Start(packed);
        _chunkRemaining = unpacked;
        _chunk = Chunk.Lzma;
    }

    private void FinishLzmaChunk()
    {
        if (!_lzma.Range.IsFinishedOk)
        {
            throw CompressedFormatException.At(Format, _input.Position, $"the LZMA chunk starting at offset {_chunkStart} does not end with the range coder finished");
        }

        if (_lzma.Range.Budget != 0)
        {
            throw CompressedFormatException.At(Format, _input.Position, $"the LZMA chunk starting at offset {_chunkStart} ends {_lzma.Range.Budget} bytes before its declared compressed size");
        }

        _chunk = Chunk.None;
    }
}
