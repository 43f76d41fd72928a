using System;
using System.IO;

namespace ModelGuard.Engine.IO;

/// <summary>The next <c>length</c> bytes of a forward-only stream, as a stream of their own that cannot read past them.</summary>
internal sealed class SubReadStream : Stream
{
    private readonly Stream _inner;
    private readonly long _length;
    private long _position;

    public SubReadStream(Stream inner, long length)
    {
        _inner = inner;
        _length = length;
    }

    /// <summary>Bytes of the window not read yet.</summary>
    public long Remaining => _length - _position;

    public override bool CanRead => true;

    public override bool CanSeek => false;

    public override bool CanWrite => false;

    public override long Length => _length;

    public override long Position
    {
        get => _position;
        set => throw new NotSupportedException();
    }

    public override int Read(byte[] buffer, int offset, int count)
    {
        var want = (int)Math.Min(count, Remaining);
        if (want <= 0)
        {
            return 0;
        }

        var read = _inner.Read(buffer, offset, want);
        _position += read;
        return read;
    }

    public override void Flush()
    {
    }

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    public override void SetLength(long value) => throw new NotSupportedException();

    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
}
