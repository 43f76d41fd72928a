using System;
using System.Buffers;
using System.IO;
using System.IO.Compression;

namespace ModelGuard.Engine.Formats.Compression;

/// <summary>
/// RFC 1950 zlib: checks the two-byte header (method 8, window at most 32 KiB, header checksum, no preset dictionary),
/// inflates the rest with <see cref="DeflateStream"/> and verifies the Adler-32 trailer. The zlib stream must end the
/// input: DeflateStream reads ahead without saying where its data stopped, so the trailer is taken as the last four
/// input bytes, and truncated data or trailing bytes show up as a trailer mismatch.
/// </summary>
internal sealed class ZlibDecoderStream : DecoderStream
{
    private const string Format = "zlib";

    private const int BufferSize = 32 * 1024;

    private readonly ZlibInputTracker _input;
    private DeflateStream? _inflater;
    private byte[]? _buffer;
    private uint _adler = 1;
    private long _produced;
    private bool _done;

    public ZlibDecoderStream(Stream compressed, long maxOutputBytes, bool leaveOpen = false)
        : base(compressed, maxOutputBytes, leaveOpen)
    {
        _input = new ZlibInputTracker(compressed);
    }

    protected override string FormatName => Format;

    /// <summary>True when <paramref name="cmf"/> and <paramref name="flg"/> form a header this decoder accepts.</summary>
    public static bool IsValidHeader(byte cmf, byte flg) =>
        (cmf & 0x0F) == 8 && (cmf >> 4) <= 7 && ((cmf << 8) | flg) % 31 == 0 && (flg & 0x20) == 0;

    protected override int ReadCore(Span<byte> destination)
    {
        if (_done)
        {
            return 0;
        }

        _inflater ??= OpenInflater();
        _buffer ??= ArrayPool<byte>.Shared.Rent(BufferSize);
        int read;
        try
        {
            read = _inflater.Read(_buffer, 0, Math.Min(destination.Length, _buffer.Length));
        }
        catch (InvalidDataException ex)
        {
            throw new CompressedFormatException(
                $"{Format}: the deflate data is corrupt after {_produced} output bytes (within the first {_input.BytesRead} input bytes): {ex.Message}",
                ex);
        }

        if (read > 0)
        {
            _buffer.AsSpan(0, read).CopyTo(destination);
            _adler = Adler32.Update(_adler, destination.Slice(0, read));
            _produced += read;
            return read;
        }

        VerifyTrailer();
        _done = true;
        return 0;
    }

    protected override void ReleaseResources()
    {
        _inflater?.Dispose();
        if (_buffer is not null)
        {
            ArrayPool<byte>.Shared.Return(_buffer);
            _buffer = null;
        }
    }

    private DeflateStream OpenInflater()
    {
        var cmf = _input.ReadByte();
        var flg = cmf < 0 ? -1 : _input.ReadByte();
        if (flg < 0)
        {
            throw CompressedFormatException.Truncated(Format, "the two-byte header", _input.BytesRead);
        }

        if ((cmf & 0x0F) != 8)
        {
            throw CompressedFormatException.At(Format, 0, $"compression method {cmf & 0x0F} in the header byte 0x{cmf:X2} is not deflate (8)");
        }

        if ((cmf >> 4) > 7)
        {
            throw CompressedFormatException.At(Format, 0, $"the window size field {cmf >> 4} is above the maximum of 7 (32 KiB)");
        }

        if (((cmf << 8) | flg) % 31 != 0)
        {
            throw CompressedFormatException.At(Format, 1, $"the header check fails: 0x{cmf:X2}{flg:X2} is not a multiple of 31");
        }

        if ((flg & 0x20) != 0)
        {
            throw new NotSupportedException($"{Format}: the stream needs a preset dictionary (FDICT set in the header byte 0x{flg:X2} at offset 1), which is not available.");
        }

        return new DeflateStream(_input, CompressionMode.Decompress, leaveOpen: true);
    }

    private void VerifyTrailer()
    {
        // Whatever DeflateStream did not read is the trailer, plus any trailing bytes.
        var scratch = _buffer!;
        while (_input.Read(scratch, 0, scratch.Length) > 0)
        {
        }

        var tail = _input.Tail;
        if (_input.BytesRead < 2 + 2 + 4 || tail.Length < 4)
        {
            throw CompressedFormatException.Truncated(Format, "the deflate data or the Adler-32 trailer", _input.BytesRead);
        }

        var stored = ((uint)tail[0] << 24) | ((uint)tail[1] << 16) | ((uint)tail[2] << 8) | tail[3];
        if (stored != _adler)
        {
            throw CompressedFormatException.At(
                Format,
                _input.BytesRead - 4,
                $"the last four input bytes 0x{stored:X8} are not the Adler-32 0x{_adler:X8} of the {_produced} output bytes: the stream is truncated, corrupt or followed by other data");
        }
    }
}
