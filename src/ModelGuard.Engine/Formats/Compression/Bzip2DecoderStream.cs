using System;
using System.IO;

namespace ModelGuard.Engine.Formats.Compression;

/// <summary>
/// bzip2 decoder: one or more concatenated streams ("BZh" + level digit, blocks, end-of-stream marker with the combined
/// CRC), each block's CRC and each stream's CRC verified. Memory stays bounded by the largest block (900 000 entries
/// of four bytes, pooled); the final run-length stage is streamed, so a block that expands 50-fold is never held whole.
/// Randomised blocks (obsolete since 0.9.5) throw <see cref="NotSupportedException"/>. After the first stream only
/// another stream may follow: other trailing bytes are an error (Python ignores them; a scanner does not guess).
/// </summary>
internal sealed class Bzip2DecoderStream : DecoderStream
{
    private const string Format = "bzip2";
    private const ulong BlockMagic = 0x314159265359;
    private const ulong EndOfStreamMagic = 0x177245385090;

    private readonly CompressedInput _input;
    private readonly Bzip2BitReader _reader;
    private readonly Bzip2BlockDecoder _block = new();
    private State _state = State.StreamHeader;
    private bool _sawStream;
    private int _maxBlockSize;
    private uint _streamCrc;
    private long _blockStart;

    // Inverse transform and final run-length decoding of the current block.
    private int _position;
    private int _left;
    private int _run;
    private byte _last;
    private int _repeat;
    private uint _crcRegister;

    public Bzip2DecoderStream(Stream compressed, long maxOutputBytes, bool leaveOpen = false)
        : base(compressed, maxOutputBytes, leaveOpen)
    {
        _input = new CompressedInput(compressed, Format);
        _reader = new Bzip2BitReader(_input);
    }

    private enum State
    {
        StreamHeader,
        BlockStart,
        BlockOutput,
        Done,
    }

    protected override string FormatName => Format;

    /// <summary>True when <paramref name="head"/> starts a bzip2 stream: "BZh", a level digit, then a block or end-of-stream magic.</summary>
    public static bool IsStreamStart(ReadOnlySpan<byte> head)
    {
        if (head.Length < 10 || head[0] != (byte)'B' || head[1] != (byte)'Z' || head[2] != (byte)'h' || head[3] < (byte)'1' || head[3] > (byte)'9')
        {
            return false;
        }

        ulong magic = 0;
        for (var i = 4; i < 10; i++)
        {
            magic = (magic << 8) | head[i];
        }

        return magic == BlockMagic || magic == EndOfStreamMagic;
    }

    protected override int ReadCore(Span<byte> destination)
    {
        while (true)
        {
            switch (_state)
            {
                case State.StreamHeader:
                    if (_sawStream && _reader.AtEnd)
                    {
                        _state = State.Done;
                        return 0;
                    }

                    ReadStreamHeader();
                    break;

                case State.BlockStart:
                    ReadBlockOrEnd();
                    break;

                case State.BlockOutput:
                    var written = Emit(destination);
                    if (written > 0)
                    {
                        return written;
                    }

                    FinishBlock();
                    break;

                default:
                    return 0;
            }
        }
    }

    protected override void ReleaseResources()
    {
        _block.Dispose();
        _input.Dispose();
    }

    private void ReadStreamHeader()
    {
        var start = _reader.BytePosition;
        var what = _sawStream ? "the header of a concatenated stream" : "the stream header";
        var b = (byte)_reader.ReadBits(8, what);
        var z = (byte)_reader.ReadBits(8, what);
        var h = (byte)_reader.ReadBits(8, what);
        var level = (byte)_reader.ReadBits(8, what);
        if (b != (byte)'B' || z != (byte)'Z' || h != (byte)'h' || level < (byte)'1' || level > (byte)'9')
        {
            var problem = _sawStream
                ? $"the bytes after a complete stream are not another bzip2 stream (they start 0x{b:X2}{z:X2}{h:X2}{level:X2}, not \"BZh\" and a level digit)"
                : $"the input does not start with \"BZh\" and a level digit (it starts 0x{b:X2}{z:X2}{h:X2}{level:X2})";
            throw CompressedFormatException.At(Format, start, problem);
        }

        _maxBlockSize = (level - '0') * 100_000;
        _streamCrc = 0;
        _sawStream = true;
        _state = State.BlockStart;
    }

    private void ReadBlockOrEnd()
    {
        _blockStart = _reader.BytePosition;
        var magic = ((ulong)_reader.ReadBits(24, "a block or end-of-stream magic") << 24) | _reader.ReadBits(24, "a block or end-of-stream magic");
        if (magic == BlockMagic)
        {
            _block.Read(_reader, _maxBlockSize, _blockStart);
            _position = _block.StartPosition;
            _left = _block.Length;
            _run = 0;
            _repeat = 0;
            _crcRegister = 0xFFFFFFFF;
            _state = State.BlockOutput;
            return;
        }

        if (magic != EndOfStreamMagic)
        {
            throw CompressedFormatException.At(Format, _blockStart, $"0x{magic:X12} is neither the block magic 0x{BlockMagic:X12} nor the end-of-stream magic 0x{EndOfStreamMagic:X12}");
        }

        var stored = _reader.ReadBits(32, "the stream CRC");
        if (stored != _streamCrc)
        {
            throw CompressedFormatException.At(Format, _blockStart, $"the stream CRC 0x{stored:X8} does not match the combined block CRCs 0x{_streamCrc:X8}");
        }

        _reader.AlignToByte();
        _state = State.StreamHeader;
    }

    private int Emit(Span<byte> destination)
    {
        var written = 0;
        while (written < destination.Length)
        {
            if (_repeat > 0)
            {
                var n = Math.Min(_repeat, destination.Length - written);
                destination.Slice(written, n).Fill(_last);
                written += n;
                _repeat -= n;
                continue;
            }

            if (_left == 0)
            {
                break;
            }

            var value = _block.Next(ref _position);
            _left--;
            if (_run == 4)
            {
                // After four equal bytes comes a count of further copies (0 to 255).
                _repeat = value;
                _run = 0;
                continue;
            }

            if (_run > 0 && value == _last)
            {
                _run++;
            }
            else
            {
                _last = value;
                _run = 1;
            }

            destination[written++] = value;
        }

        _crcRegister = Bzip2Crc.UpdateRegister(_crcRegister, destination.Slice(0, written));
        return written;
    }

    private void FinishBlock()
    {
        var crc = ~_crcRegister;
        if (crc != _block.StoredCrc)
        {
            throw CompressedFormatException.At(Format, _blockStart, $"the block CRC 0x{_block.StoredCrc:X8} does not match the decoded data's CRC 0x{crc:X8}");
        }

        _streamCrc = Bzip2Crc.Combine(_streamCrc, crc);
        _state = State.BlockStart;
    }
}
