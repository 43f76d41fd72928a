using System;
using System.Buffers;
using System.IO;

namespace ModelGuard.Engine.IO;

/// <summary>
/// Passes a stream through and keeps the CRC-32 of its content. Seeks are passed through too (sniffing re-reads the
/// head, nested archives seek); bytes read again are not counted twice, and a forward seek over unread bytes leaves a
/// gap, after which <see cref="IsComplete"/> can no longer become true.
/// </summary>
internal sealed class Crc32ReadStream : Stream
{
    private readonly Stream _inner;
    private uint _running = Crc32.Start;
    private long _position;
    private long _highWater;
    private bool _gap;

    public Crc32ReadStream(Stream inner) => _inner = inner;

    public uint Crc => Crc32.Finish(_running);

    /// <summary>True when every byte up to the end was read in order and the end was reached.</summary>
    public bool IsComplete { get; private set; }

    public override bool CanRead => true;

    public override bool CanSeek => _inner.CanSeek;

    public override bool CanWrite => false;

    public override long Length => _inner.Length;

    public override long Position
    {
        get => _position;
        set => Seek(value, SeekOrigin.Begin);
    }

    public override int Read(byte[] buffer, int offset, int count)
    {
        var read = _inner.Read(buffer, offset, count);
        if (_position > _highWater)
        {
            _gap = true;
        }
        else if (_position + read > _highWater)
        {
            var skip = (int)(_highWater - _position);
            _running = Crc32.Update(_running, new ReadOnlySpan<byte>(buffer, offset + skip, read - skip));
            _highWater = _position + read;
        }

        _position += read;
        if (read == 0 && count > 0 && !_gap && _position == _highWater)
        {
            IsComplete = true;
        }

        return read;
    }

    /// <summary>Reads on to the end unless more than <paramref name="limit"/> bytes would be read in all; true when the CRC is then complete.</summary>
    public bool Drain(long limit)
    {
        if (_gap)
        {
            return false;
        }

        if (CanSeek && _position != _highWater)
        {
            Position = _highWater;
        }

        // Pooled: every member of every archive is drained, and a new 64 KiB array each time was most of what scanning a
        // small checkpoint allocated.
        var buffer = ArrayPool<byte>.Shared.Rent(64 * 1024);
        try
        {
            while (!IsComplete && _highWater <= limit)
            {
                if (Read(buffer, 0, buffer.Length) <= 0 && !IsComplete)
                {
                    return false;
                }
            }

            return IsComplete;
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    public override void Flush()
    {
    }

    public override long Seek(long offset, SeekOrigin origin)
    {
        _position = _inner.Seek(offset, origin);
        return _position;
    }

    public override void SetLength(long value) => throw new NotSupportedException();

    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            _inner.Dispose();
        }

        base.Dispose(disposing);
    }
}
