using System;
using System.Buffers;
using System.IO;

namespace ModelGuard.Engine.Formats.Compression;

/// <summary>
/// Forward reader over compressed input with one pooled buffer. Tracks the offset of the next byte so errors can say
/// where they are, and turns the end of the input into a <see cref="CompressedFormatException"/> wherever a decoder
/// still needs bytes.
/// </summary>
internal sealed class CompressedInput : IDisposable
{
    private const int BufferSize = 32 * 1024;

    private readonly Stream _stream;
    private readonly string _format;
    private byte[] _buffer;
    private int _start;
    private int _end;
    private long _consumedBeforeBuffer;
    private bool _endOfStream;

    public CompressedInput(Stream stream, string format)
    {
        _stream = stream;
        _format = format;
        _buffer = ArrayPool<byte>.Shared.Rent(BufferSize);
    }

    /// <summary>Offset of the next byte from the start of the compressed input.</summary>
    public long Position => _consumedBeforeBuffer + _start;

    /// <summary>True when no byte is left.</summary>
    public bool AtEnd => _start == _end && !Fill();

    /// <summary>The next byte, or -1 at the end of the input.</summary>
    public int TryReadByte()
    {
        if (_start == _end && !Fill())
        {
            return -1;
        }

        return _buffer[_start++];
    }

    /// <summary>The next byte without consuming it, or -1 at the end of the input.</summary>
    public int PeekByte()
    {
        if (_start == _end && !Fill())
        {
            return -1;
        }

        return _buffer[_start];
    }

    /// <summary>The next byte; the end of the input is reported as truncation inside <paramref name="what"/>.</summary>
    public byte ReadByte(string what)
    {
        if (_start == _end && !Fill())
        {
            throw CompressedFormatException.Truncated(_format, what, Position);
        }

        return _buffer[_start++];
    }

    /// <summary>Fills <paramref name="destination"/>; the end of the input first is reported as truncation.</summary>
    public void ReadExact(Span<byte> destination, string what)
    {
        var copied = 0;
        while (copied < destination.Length)
        {
            if (_start == _end && !Fill())
            {
                throw CompressedFormatException.Truncated(_format, what, Position);
            }

            var n = Math.Min(destination.Length - copied, _end - _start);
            _buffer.AsSpan(_start, n).CopyTo(destination.Slice(copied));
            _start += n;
            copied += n;
        }
    }

    public void Dispose()
    {
        if (_buffer.Length != 0)
        {
            ArrayPool<byte>.Shared.Return(_buffer);
            _buffer = Array.Empty<byte>();
            _start = _end = 0;
        }
    }

    private bool Fill()
    {
        if (_endOfStream || _buffer.Length == 0)
        {
            return false;
        }

        _consumedBeforeBuffer += _end;
        _start = _end = 0;
        var read = _stream.Read(_buffer, 0, _buffer.Length);
        if (read <= 0)
        {
            _endOfStream = true;
            return false;
        }

        _end = read;
        return true;
    }
}
