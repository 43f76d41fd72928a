using System;
using System.Buffers.Binary;
using System.IO;

namespace ModelGuard.Engine.Formats.Compression;

/// <summary>
/// The .xz container (format 1.x): stream header, blocks, index, stream footer, then optionally stream padding (zero
/// bytes in fours) and further streams. Blocks must use the LZMA2 filter alone (see <see cref="XzBlockHeader"/>).
/// Checks: CRC32, CRC64 and SHA-256 are verified; check IDs the format reserves are skipped unverified, as liblzma
/// (and so Python) does. The index is validated against the blocks decoded (count, sizes, and a CRC over the records),
/// and the footer against the header and the index size. Bytes after the last stream that are neither padding nor
/// another stream are an error.
/// </summary>
internal sealed class XzDecoderStream : DecoderStream
{
    private const string Format = "xz";
    private const int StreamHeaderLength = 12;

    private static readonly byte[] Magic = { 0xFD, (byte)'7', (byte)'z', (byte)'X', (byte)'Z', 0x00 };

    private readonly CompressedInput _input;
    private readonly Lzma2Decoder _lzma2;
    private readonly Sha256Hasher _sha256 = new();
    private State _state = State.StreamHeader;
    private bool _sawStream;
    private int _checkType;
    private byte _streamFlags;

    // Current block.
    private XzBlockHeader _block;
    private long _blockStart;
    private long _blockDataStart;
    private ulong _blockOutput;
    private uint _crc32;
    private ulong _crc64;

    // Blocks of the current stream, summarised for comparison with the index.
    private RecordSummary _blocks;

    public XzDecoderStream(Stream compressed, long maxOutputBytes, bool leaveOpen = false)
        : base(compressed, maxOutputBytes, leaveOpen)
    {
        _input = new CompressedInput(compressed, Format);
        _lzma2 = new Lzma2Decoder(_input);
    }

    private enum State
    {
        StreamHeader,
        BlockOrIndex,
        BlockData,
        AfterStream,
        Done,
    }

    protected override string FormatName => Format;

    /// <summary>True when <paramref name="head"/> starts with the xz magic bytes FD 37 7A 58 5A 00.</summary>
    public static bool HasMagic(ReadOnlySpan<byte> head) => head.Length >= Magic.Length && head.Slice(0, Magic.Length).SequenceEqual(Magic);

    protected override int ReadCore(Span<byte> destination)
    {
        while (true)
        {
            switch (_state)
            {
                case State.StreamHeader:
                    ReadStreamHeader();
                    break;

                case State.BlockOrIndex:
                    var start = _input.Position;
                    var first = _input.ReadByte("a block header or the index");
                    if (first == 0)
                    {
                        ReadIndexAndFooter(start);
                        _state = State.AfterStream;
                    }
                    else
                    {
                        StartBlock(first, start);
                    }

                    break;

                case State.BlockData:
                    var written = _lzma2.Decode(destination);
                    if (written > 0)
                    {
                        AcceptOutput(destination.Slice(0, written));
                        return written;
                    }

                    FinishBlock();
                    _state = State.BlockOrIndex;
                    break;

                case State.AfterStream:
                    SkipStreamPadding();
                    break;

                default:
                    return 0;
            }
        }
    }

    protected override void ReleaseResources() => _input.Dispose();

    private static int CheckSize(int checkType) => checkType == 0 ? 0 : 4 << ((checkType - 1) / 3);

    private void ReadStreamHeader()
    {
        var start = _input.Position;
        Span<byte> header = stackalloc byte[StreamHeaderLength];
        _input.ReadExact(header, _sawStream ? "the header of a concatenated stream" : "the stream header");
        if (!HasMagic(header))
        {
            throw CompressedFormatException.At(Format, start, _sawStream ? "the bytes after the stream padding are not another xz stream" : "the input does not start with the xz magic bytes");
        }

        var stored = BinaryPrimitives.ReadUInt32LittleEndian(header.Slice(8));
        var computed = Crc32Ieee.Compute(header.Slice(6, 2));
        if (stored != computed)
        {
            throw CompressedFormatException.At(Format, start + 6, $"the stream flags' CRC32 0x{stored:X8} does not match (0x{computed:X8})");
        }

        if (header[6] != 0 || (header[7] & 0xF0) != 0)
        {
            throw new NotSupportedException($"{Format}: the stream header at offset {start} sets reserved flag bits (0x{header[6]:X2}{header[7]:X2}); it may come from a newer version of the format.");
        }

        _streamFlags = header[7];
        _checkType = header[7] & 0x0F;
        _blocks = default;
        _sawStream = true;
        _state = State.BlockOrIndex;
    }

    private void StartBlock(byte sizeByte, long start)
    {
        _blockStart = start;
        _block = XzBlockHeader.Read(_input, sizeByte, start);
        _blockDataStart = _input.Position;
        _blockOutput = 0;
        _crc32 = 0;
        _crc64 = 0;
        _sha256.Reset();
        _lzma2.Reset(_block.DictionarySize);
        _state = State.BlockData;
    }

    private void AcceptOutput(ReadOnlySpan<byte> data)
    {
        _blockOutput += (ulong)data.Length;
        if (_block.UncompressedSize is { } declared && _blockOutput > declared)
        {
            throw CompressedFormatException.At(Format, _input.Position, $"the block at offset {_blockStart} produces more than the {declared} bytes its header declares");
        }

        if (_block.CompressedSize is { } packed && (ulong)(_input.Position - _blockDataStart) > packed)
        {
            throw CompressedFormatException.At(Format, _input.Position, $"the block at offset {_blockStart} reads more than the {packed} compressed bytes its header declares");
        }

        switch (_checkType)
        {
            case 0x01:
                _crc32 = Crc32Ieee.Update(_crc32, data);
                break;
            case 0x04:
                _crc64 = Crc64Ecma.Update(_crc64, data);
                break;
            case 0x0A:
                _sha256.Append(data);
                break;
        }
    }

    private void FinishBlock()
    {
        var compressed = (ulong)(_input.Position - _blockDataStart);
        if (_block.CompressedSize is { } packed && compressed != packed)
        {
            throw CompressedFormatException.At(Format, _input.Position, $"the block at offset {_blockStart} has {compressed} compressed bytes, but its header declares {packed}");
        }

        if (_block.UncompressedSize is { } declared && _blockOutput != declared)
        {
            throw CompressedFormatException.At(Format, _input.Position, $"the block at offset {_blockStart} produces {_blockOutput} bytes, but its header declares {declared}");
        }

        for (var padding = compressed; padding % 4 != 0; padding++)
        {
            if (_input.ReadByte("the block padding") != 0)
            {
                throw CompressedFormatException.At(Format, _input.Position - 1, $"the padding of the block at offset {_blockStart} is not zero");
            }
        }

        var checkSize = CheckSize(_checkType);
        Span<byte> check = stackalloc byte[64];
        check = check.Slice(0, checkSize);
        var checkStart = _input.Position;
        _input.ReadExact(check, "the block check");
        VerifyCheck(check, checkStart);
        _blocks.Add((ulong)_block.HeaderSize + compressed + (ulong)checkSize, _blockOutput);
    }

    private void VerifyCheck(ReadOnlySpan<byte> check, long offset)
    {
        switch (_checkType)
        {
            case 0x01:
                var crc32 = BinaryPrimitives.ReadUInt32LittleEndian(check);
                if (crc32 != _crc32)
                {
                    throw CompressedFormatException.At(Format, offset, $"the CRC32 0x{crc32:X8} of the block at offset {_blockStart} does not match its data (0x{_crc32:X8})");
                }

                break;

            case 0x04:
                var crc64 = BinaryPrimitives.ReadUInt64LittleEndian(check);
                if (crc64 != _crc64)
                {
                    throw CompressedFormatException.At(Format, offset, $"the CRC64 0x{crc64:X16} of the block at offset {_blockStart} does not match its data (0x{_crc64:X16})");
                }

                break;

            case 0x0A:
                Span<byte> digest = stackalloc byte[32];
                _sha256.Finish(digest);
                if (!digest.SequenceEqual(check))
                {
                    throw CompressedFormatException.At(Format, offset, $"the SHA-256 of the block at offset {_blockStart} does not match its data");
                }

                break;
        }
    }

    private void ReadIndexAndFooter(long indexStart)
    {
        uint crc = Crc32Ieee.Update(0, 0x00);
        var count = XzBlockHeader.ReadVli(_input, "index record count", ref crc);
        if (count != _blocks.Count)
        {
            throw CompressedFormatException.At(Format, indexStart, $"the index lists {count} blocks, but the stream holds {_blocks.Count}");
        }

        var records = default(RecordSummary);
        for (ulong i = 0; i < count; i++)
        {
            var unpadded = XzBlockHeader.ReadVli(_input, "index record", ref crc);
            var uncompressed = XzBlockHeader.ReadVli(_input, "index record", ref crc);
            records.Add(unpadded, uncompressed);
        }

        if (!records.Equals(_blocks))
        {
            throw CompressedFormatException.At(Format, indexStart, "the index records do not match the sizes of the blocks decoded");
        }

        while ((_input.Position - indexStart) % 4 != 0)
        {
            var b = _input.ReadByte("the index padding");
            if (b != 0)
            {
                throw CompressedFormatException.At(Format, _input.Position - 1, "the index padding is not zero");
            }

            crc = Crc32Ieee.Update(crc, b);
        }

        Span<byte> stored = stackalloc byte[4];
        _input.ReadExact(stored, "the index CRC32");
        if (BinaryPrimitives.ReadUInt32LittleEndian(stored) != crc)
        {
            throw CompressedFormatException.At(Format, _input.Position - 4, $"the index CRC32 0x{BinaryPrimitives.ReadUInt32LittleEndian(stored):X8} does not match (0x{crc:X8})");
        }

        var indexSize = _input.Position - indexStart;
        var footerStart = _input.Position;
        Span<byte> footer = stackalloc byte[12];
        _input.ReadExact(footer, "the stream footer");
        if (footer[10] != (byte)'Y' || footer[11] != (byte)'Z')
        {
            throw CompressedFormatException.At(Format, footerStart, "the stream footer does not end with the magic bytes \"YZ\"");
        }

        var footerCrc = BinaryPrimitives.ReadUInt32LittleEndian(footer);
        var computed = Crc32Ieee.Compute(footer.Slice(4, 6));
        if (footerCrc != computed)
        {
            throw CompressedFormatException.At(Format, footerStart, $"the stream footer's CRC32 0x{footerCrc:X8} does not match (0x{computed:X8})");
        }

        var backwardSize = ((long)BinaryPrimitives.ReadUInt32LittleEndian(footer.Slice(4)) + 1) * 4;
        if (backwardSize != indexSize)
        {
            throw CompressedFormatException.At(Format, footerStart, $"the stream footer gives an index size of {backwardSize} bytes, but the index has {indexSize}");
        }

        if (footer[8] != 0 || footer[9] != _streamFlags)
        {
            throw CompressedFormatException.At(Format, footerStart, "the stream footer's flags differ from the stream header's");
        }
    }

    private void SkipStreamPadding()
    {
        var start = _input.Position;
        while (true)
        {
            var next = _input.PeekByte();
            if (next == 0)
            {
                _input.TryReadByte();
                continue;
            }

            if ((_input.Position - start) % 4 != 0)
            {
                throw CompressedFormatException.At(Format, start, $"the stream padding has {_input.Position - start} bytes, not a multiple of four");
            }

            _state = next < 0 ? State.Done : State.StreamHeader;
            return;
        }
    }

    /// <summary>A running summary of (unpadded size, uncompressed size) records: count, sums and a CRC32 of the sequence.</summary>
    private struct RecordSummary : IEquatable<RecordSummary>
    {
        public ulong Count;
        public ulong UnpaddedSum;
        public ulong UncompressedSum;
        public uint SequenceCrc;

        public void Add(ulong unpadded, ulong uncompressed)
        {
            Count++;
            UnpaddedSum = unchecked(UnpaddedSum + unpadded);
            UncompressedSum = unchecked(UncompressedSum + uncompressed);
            Span<byte> record = stackalloc byte[16];
            BinaryPrimitives.WriteUInt64LittleEndian(record, unpadded);
            BinaryPrimitives.WriteUInt64LittleEndian(record.Slice(8), uncompressed);
            SequenceCrc = Crc32Ieee.Update(SequenceCrc, record);
        }

        public readonly bool Equals(RecordSummary other) =>
            Count == other.Count && UnpaddedSum == other.UnpaddedSum && UncompressedSum == other.UncompressedSum && SequenceCrc == other.SequenceCrc;

        public override readonly bool Equals(object? obj) => obj is RecordSummary other && Equals(other);

        public override readonly int GetHashCode() => unchecked((int)SequenceCrc);
    }
}
