using System;

namespace ModelGuard.Engine.Formats.Compression;

/// <summary>
/// The LZMA decoding core shared by .lzma and LZMA2: the 12-state machine over literals, matches, short repeats and
/// repeats of the four last distances, with the probability models of the LZMA specification. It decodes into the
/// caller's buffer and the <see cref="LzmaWindow"/> at once, and can stop in the middle of a match and resume. Every
/// distance is checked against the bytes actually in the window.
/// </summary>
internal sealed class LzmaDecoder
{
    private const int StateCount = 12;
    private const int PositionBitsMax = 4;
    private const int LengthToPositionStates = 4;
    private const int PositionSlotBits = 6;
    private const int EndPositionModelIndex = 14;
    private const int FullDistances = 128;
    private const int AlignBits = 4;
    private const int MatchMinLength = 2;
    private const int LiteralCoderSize = 0x300;
    private const uint EndMarkerDistance = 0xFFFFFFFF;

    private readonly LzmaRangeDecoder _range;
    private readonly LzmaWindow _window;
    private readonly string _format;
    private readonly CompressedInput _input;

    private readonly ushort[] _isMatch = new ushort[StateCount << PositionBitsMax];
    private readonly ushort[] _isRep = new ushort[StateCount];
    private readonly ushort[] _isRepG0 = new ushort[StateCount];
    private readonly ushort[] _isRepG1 = new ushort[StateCount];
    private readonly ushort[] _isRepG2 = new ushort[StateCount];
    private readonly ushort[] _isRep0Long = new ushort[StateCount << PositionBitsMax];
    private readonly ushort[] _positionSlots = new ushort[LengthToPositionStates << PositionSlotBits];
    private readonly ushort[] _positionSpecial = new ushort[1 + FullDistances - EndPositionModelIndex];
    private readonly ushort[] _align = new ushort[1 << AlignBits];
    private readonly LzmaLengthDecoder _matchLength = new();
    private readonly LzmaLengthDecoder _repLength = new();
    private ushort[] _literals = Array.Empty<ushort>();

    private int _lc;
    private int _lpMask;
    private int _pbMask;
    private int _state;
    private uint _rep0;
    private uint _rep1;
    private uint _rep2;
    private uint _rep3;
    private int _pendingLength;

    public LzmaDecoder(CompressedInput input, LzmaWindow window, string format)
    {
        _input = input;
        _window = window;
        _format = format;
        _range = new LzmaRangeDecoder(input, format);
    }

    public LzmaRangeDecoder Range => _range;

    /// <summary>True once <see cref="Decode"/> met the end marker.</summary>
    public bool EndMarkerSeen { get; private set; }

    /// <summary>Sets lc, lp and pb (validated by the caller) and sizes the literal models; call <see cref="ResetState"/> next.</summary>
    public void SetProperties(int lc, int lp, int pb)
    {
        _lc = lc;
        _lpMask = (1 << lp) - 1;
        _pbMask = (1 << pb) - 1;
        var literalSize = LiteralCoderSize << (lc + lp);
        if (_literals.Length != literalSize)
        {
            _literals = new ushort[literalSize];
        }
    }

    /// <summary>Resets every probability, the state and the four distances.</summary>
    public void ResetState()
    {
        _literals.AsSpan().Fill(LzmaRangeDecoder.InitialProbability);
        _isMatch.AsSpan().Fill(LzmaRangeDecoder.InitialProbability);
        _isRep.AsSpan().Fill(LzmaRangeDecoder.InitialProbability);
        _isRepG0.AsSpan().Fill(LzmaRangeDecoder.InitialProbability);
        _isRepG1.AsSpan().Fill(LzmaRangeDecoder.InitialProbability);
        _isRepG2.AsSpan().Fill(LzmaRangeDecoder.InitialProbability);
        _isRep0Long.AsSpan().Fill(LzmaRangeDecoder.InitialProbability);
        _positionSlots.AsSpan().Fill(LzmaRangeDecoder.InitialProbability);
        _positionSpecial.AsSpan().Fill(LzmaRangeDecoder.InitialProbability);
        _align.AsSpan().Fill(LzmaRangeDecoder.InitialProbability);
        _matchLength.Reset();
        _repLength.Reset();
        _state = 0;
        _rep0 = _rep1 = _rep2 = _rep3 = 0;
        _pendingLength = 0;
        EndMarkerSeen = false;
    }

    /// <summary>
    /// Decodes into <paramref name="destination"/>, producing at most <paramref name="remaining"/> bytes in all (the
    /// rest of an LZMA2 chunk or of a declared size; <see cref="long.MaxValue"/> when unknown). Returns the count
    /// written, which is short only at <paramref name="remaining"/> or at an end marker (see <see cref="EndMarkerSeen"/>).
    /// A match running past <paramref name="remaining"/>, or an end marker when <paramref name="allowEndMarker"/> is
    /// false, is an error.
    /// </summary>
    public int Decode(Span<byte> destination, long remaining, bool allowEndMarker)
    {
        var limit = (int)Math.Min(destination.Length, remaining);
        var written = 0;
        if (_pendingLength > 0)
        {
            written = Math.Min(_pendingLength, limit);
            _window.CopyMatch((int)_rep0 + 1, destination.Slice(0, written));
            _pendingLength -= written;
        }

        var range = _range;
        while (written < limit)
        {
            var positionState = (int)_window.TotalPosition & _pbMask;
            var state2 = (_state << PositionBitsMax) + positionState;
            if (range.DecodeBit(_isMatch, state2) == 0)
            {
                var literal = DecodeLiteral();
                _window.PutByte(literal);
                destination[written++] = literal;
                _state = _state < 4 ? 0 : _state < 10 ? _state - 3 : _state - 6;
                continue;
            }

            int length;
            if (range.DecodeBit(_isRep, _state) != 0)
            {
                if (_window.IsEmpty)
                {
                    throw Corrupt("a repeated match comes before any data");
                }

                if (range.DecodeBit(_isRepG0, _state) == 0)
                {
                    if (range.DecodeBit(_isRep0Long, state2) == 0)
                    {
                        // Short repeat: one byte from the last distance.
                        _state = _state < 7 ? 9 : 11;
                        var repeated = _window.GetByte((int)_rep0 + 1);
                        _window.PutByte(repeated);
                        destination[written++] = repeated;
                        continue;
                    }
                }
                else
                {
                    uint distance;
                    if (range.DecodeBit(_isRepG1, _state) == 0)
                    {
                        distance = _rep1;
                    }
                    else
                    {
                        if (range.DecodeBit(_isRepG2, _state) == 0)
                        {
                            distance = _rep2;
                        }
                        else
                        {
                            distance = _rep3;
                            _rep3 = _rep2;
                        }

                        _rep2 = _rep1;
                    }

                    _rep1 = _rep0;
                    _rep0 = distance;
                }

                length = _repLength.Decode(range, positionState);
                _state = _state < 7 ? 8 : 11;
            }
            else
            {
                _rep3 = _rep2;
                _rep2 = _rep1;
                _rep1 = _rep0;
                length = _matchLength.Decode(range, positionState);
                _state = _state < 7 ? 7 : 10;
                _rep0 = DecodeDistance(length);
                if (_rep0 == EndMarkerDistance)
                {
                    if (!allowEndMarker)
                    {
                        throw Corrupt("an end-of-payload marker appears where the format does not allow one");
                    }

                    if (!range.IsFinishedOk)
                    {
                        throw Corrupt("the range coder is not in its final state after the end-of-payload marker");
                    }

                    EndMarkerSeen = true;
                    return written;
                }

                if (_rep0 >= (uint)_window.Available)
                {
                    throw Corrupt($"a match distance of {(ulong)_rep0 + 1} reaches back past the {_window.Available} bytes decoded so far");
                }
            }

            length += MatchMinLength;
            if (length > remaining - written)
            {
                throw Corrupt($"a match of {length} bytes runs past the end of the declared uncompressed data");
            }

            var n = Math.Min(length, limit - written);
            _window.CopyMatch((int)_rep0 + 1, destination.Slice(written, n));
            written += n;
            _pendingLength = length - n;
        }

        return written;
    }

    /// <summary>
    /// After the declared size was produced and the range coder is not finished, the only valid continuation is the
    /// end-of-payload marker; anything else means the data continues past the declared size.
    /// </summary>
    public void ReadEndMarker()
    {
        var positionState = (int)_window.TotalPosition & _pbMask;
        var state2 = (_state << PositionBitsMax) + positionState;
        if (_range.DecodeBit(_isMatch, state2) == 0 || _range.DecodeBit(_isRep, _state) != 0)
        {
            throw Corrupt("the data continues past the declared uncompressed size");
        }

        var length = _matchLength.Decode(_range, positionState);
        if (DecodeDistance(length) != EndMarkerDistance)
        {
            throw Corrupt("the data continues past the declared uncompressed size");
        }

        if (!_range.IsFinishedOk)
        {
            throw Corrupt("the range coder is not in its final state after the end-of-payload marker");
        }

        EndMarkerSeen = true;
    }

    private byte DecodeLiteral()
    {
        var previous = _window.PreviousByte;
        var literalState = (int)(((_window.TotalPosition & _lpMask) << _lc) + (previous >> (8 - _lc)));
        var offset = LiteralCoderSize * literalState;
        var symbol = 1;
        var range = _range;
        if (_state >= 7)
        {
            // After a match the byte at the last distance guides the probabilities until a bit differs.
            int matchByte = _window.GetByte((int)_rep0 + 1);
            do
            {
                var matchBit = (matchByte >> 7) & 1;
                matchByte <<= 1;
                var bit = (int)range.DecodeBit(_literals, offset + ((1 + matchBit) << 8) + symbol);
                symbol = (symbol << 1) | bit;
                if (matchBit != bit)
                {
                    break;
                }
            }
            while (symbol < 0x100);
        }

        while (symbol < 0x100)
        {
            symbol = (symbol << 1) | (int)range.DecodeBit(_literals, offset + symbol);
        }

        return (byte)(symbol - 0x100);
    }

    private uint DecodeDistance(int length)
    {
        var lengthState = Math.Min(length, LengthToPositionStates - 1);
        var slot = _range.DecodeTree(_positionSlots, lengthState << PositionSlotBits, PositionSlotBits);
        if (slot < 4)
        {
            return (uint)slot;
        }

        var directBits = (slot >> 1) - 1;
        var distance = (uint)(2 | (slot & 1)) << directBits;
        if (slot < EndPositionModelIndex)
        {
            return distance + (uint)_range.DecodeReverseTree(_positionSpecial, (int)distance - slot, directBits);
        }

        distance += _range.DecodeDirectBits(directBits - AlignBits) << AlignBits;
        return distance + (uint)_range.DecodeReverseTree(_align, 0, AlignBits);
    }

    private CompressedFormatException Corrupt(string problem) => CompressedFormatException.At(_format, _input.Position, problem);
}
