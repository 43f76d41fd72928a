using System;
using System.IO;

namespace ModelGuard.Benchmarks.Measurement;

/// <summary>Passes a stream through and counts the bytes its readers pulled, the read calls and the seeks.</summary>
internal sealed class CountingStream : Stream
{
    private readonly Stream _inner;

    public CountingStream(Stream inner) => _inner = inner;

    public long BytesRead { get; private set; }

    public long Reads { get; private set; }

    public long Seeks { get; private set; }

    public override bool CanRead => _inner.CanRead;

    public override bool CanSeek => _inner.CanSeek;

    public override bool CanWrite => false;

    public override long Length => _inner.Length;

    public override long Position
    {
        get => _inner.Position;
        set
        {
            if (value != _inner.Position)
            {
                Seeks++;
            }

            _inner.Position = value;
        }
    }

    public override int Read(byte[] buffer, int offset, int count)
    {
        var read = _inner.Read(buffer, offset, count);
        BytesRead += read;
        Reads++;
        return read;
    }

    public override int Read(Span<byte> buffer)
    {
        var read = _inner.Read(buffer);
        BytesRead += read;
        Reads++;
        return read;
    }

    public override int ReadByte()
    {
        var b = _inner.ReadByte();
        if (b >= 0)
        {
            BytesRead++;
        }

        Reads++;
        return b;
    }

    public override long Seek(long offset, SeekOrigin origin)
    {
        Seeks++;
        return _inner.Seek(offset, origin);
    }

    public override void Flush()
    {
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
