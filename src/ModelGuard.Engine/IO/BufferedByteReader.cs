using System;
using System.Buffers;
using System.IO;
using System.Runtime.CompilerServices;

namespace ModelGuard.Engine.IO;

/// <summary>
/// Forward reader over a stream with one pooled buffer. Skips use a seek when the stream can seek, so payloads
/// are never read; positions are offsets from where the reader started, plus <see cref="BaseOffset"/>.
/// </summary>
internal sealed class BufferedByteReader : IDisposable
{
    private const int BufferSize = 64 * 1024;

    private readonly Stream _stream;
    private byte[] _buffer;
    private int _start;
    private int _end;
    private long _consumedBeforeBuffer;

    // Where the stream was when the reader started, so a seekable stream can be read again from any earlier position; -1 otherwise.
    private readonly long _origin;

    public BufferedByteReader(Stream stream, long baseOffset = 0)
    {
        _stream = stream;
        BaseOffset = baseOffset;
        _buffer = ArrayPool<byte>.Shared.Rent(BufferSize);
        _origin = stream.CanSeek ? stream.Position : -1;
    }

    /// <summary>Offset of the first byte this reader returns, relative to the enclosing file or member.</summary>
    public long BaseOffset { get; }

    /// <summary>Offset of the next byte, in the enclosing file or member.</summary>
    public long Position => BaseOffset + _consumedBeforeBuffer + _start;

    /// <summary>Total bytes delivered or skipped so far.</summary>
    public long Consumed => _consumedBeforeBuffer + _start;

    /// <summary>Bytes left in the underlying stream when it can tell (seekable), otherwise null.</summary>
    public long? Remaining => _stream.CanSeek ? (_end - _start) + (_stream.Length - _stream.Position) : null;

    /// <summary>Whether <see cref="Rewind"/> works: the stream can seek.</summary>
    public bool CanRewind => _origin >= 0;

    /// <summary>
    /// The reader's buffer, for a decoder that walks it in place instead of calling a method per byte: the bytes from
    /// <see cref="BufferStart"/> to <see cref="BufferEnd"/> are the next unread ones; setting BufferStart consumes them.
    /// </summary>
    internal byte[] Buffer => _buffer;

    internal int BufferStart
    {
        get => _start;
        set => _start = value;
    }

    internal int BufferEnd => _end;

    /// <summary>
    /// Makes at least <paramref name="count"/> unread bytes (at most the buffer size) available from <see cref="BufferStart"/>,
    /// moving the unread ones to the front of the buffer first; false when the stream ends before that many.
    /// </summary>
    public bool EnsureBuffered(int count)
    {
        if (_end - _start >= count)
        {
            return true;
        }

        if (_start > 0)
        {
            System.Buffer.BlockCopy(_buffer, _start, _buffer, 0, _end - _start);
            _consumedBeforeBuffer += _start;
            _end -= _start;
            _start = 0;
        }

        while (_end < count)
        {
            var read = _stream.Read(_buffer, _end, _buffer.Length - _end);
            if (read <= 0)
            {
                return false;
            }

            _end += read;
        }

        return true;
    }

    /// <summary>Goes back to an earlier <see cref="Consumed"/> count, so the same bytes are read again (seekable streams only).</summary>
    public void Rewind(long consumed)
    {
        if (!CanRewind || consumed < 0 || consumed > Consumed)
        {
            throw new InvalidOperationException("The reader can only go back to a position it has passed, on a seekable stream.");
        }

        if (consumed >= _consumedBeforeBuffer)
        {
            _start = (int)(consumed - _consumedBeforeBuffer);
            return;
        }

        _stream.Position = _origin + consumed;
        _consumedBeforeBuffer = consumed;
        _start = _end = 0;
    }

    /// <summary>Returns the next byte, or -1 at the end of the stream.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public int ReadByte()
    {
        if (_start == _end && !Fill())
        {
            return -1;
        }

        return _buffer[_start++];
    }

    /// <summary>
    /// Consumes the next <paramref name="count"/> bytes and returns them in place (no copy) when the buffer already holds them
    /// all; otherwise consumes nothing and returns false. The span is valid until the next read.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public bool TryTakeBuffered(int count, out ReadOnlySpan<byte> bytes)
    {
        if (_end - _start >= count)
        {
            bytes = new ReadOnlySpan<byte>(_buffer, _start, count);
            _start += count;
            return true;
        }

        bytes = default;
        return false;
    }

    /// <summary>Returns the next byte without consuming it, or -1 at the end of the stream.</summary>
    public int PeekByte()
    {
        if (_start == _end && !Fill())
        {
            return -1;
        }

        return _buffer[_start];
    }

    /// <summary>Fills <paramref name="destination"/> completely; false when the stream ends first.</summary>
    public bool TryReadExact(Span<byte> destination)
    {
        var copied = 0;
        while (copied < destination.Length)
        {
            if (_start == _end && !Fill())
            {
                return false;
            }

            var n = Math.Min(destination.Length - copied, _end - _start);
            _buffer.AsSpan(_start, n).CopyTo(destination.Slice(copied));
            _start += n;
            copied += n;
        }

        return true;
    }

    /// <summary>Skips <paramref name="count"/> bytes; returns how many could be skipped before the end.</summary>
    public long Skip(long count)
    {
        var inBuffer = Math.Min(count, _end - _start);
        _start += (int)inBuffer;
        var left = count - inBuffer;
        if (left == 0)
        {
            return count;
        }

        if (_stream.CanSeek)
        {
            var available = _stream.Length - _stream.Position;
            var step = Math.Min(left, available);
            _stream.Seek(step, SeekOrigin.Current);
            _consumedBeforeBuffer += _end + step;
            _start = _end = 0;
            return inBuffer + step;
        }

        while (left > 0)
        {
            if (!Fill())
            {
                break;
            }

            var n = (int)Math.Min(left, _end - _start);
            _start += n;
            left -= n;
        }

        return count - left;
    }

    /// <summary>
    /// Reads through the next <c>\n</c>. Keeps at most <paramref name="keep"/> bytes of the line (without the newline) in
    /// <paramref name="kept"/>; returns the full line length without the newline, or -1 when the stream ends before a newline.
    /// </summary>
    public long ReadLine(Span<byte> kept, out int keptLength)
    {
        keptLength = 0;
        long length = 0;
        while (true)
        {
            if (_start == _end && !Fill())
            {
                return -1;
            }

            var window = _buffer.AsSpan(_start, _end - _start);
            var newline = window.IndexOf((byte)'\n');
            var take = newline >= 0 ? newline : window.Length;
            var room = Math.Min(take, kept.Length - keptLength);
            if (room > 0)
            {
                window.Slice(0, room).CopyTo(kept.Slice(keptLength));
                keptLength += room;
            }

            length += take;
            if (newline >= 0)
            {
                _start += newline + 1;
                return length;
            }

            _start = _end;
        }
    }

    public void Dispose()
    {
        if (_buffer.Length != 0)
        {
            ArrayPool<byte>.Shared.Return(_buffer);
            _buffer = Array.Empty<byte>();
        }
    }

    // Called when every buffered byte is consumed.
    private bool Fill() => EnsureBuffered(1);
}
