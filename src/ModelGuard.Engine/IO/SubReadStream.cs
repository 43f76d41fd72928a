using System;
using System.IO;

namespace ModelGuard.Engine.IO;

/// <summary>The next <c>length</c> bytes of a forward-only stream, as a stream of their own that cannot read past them.</summary>
internal sealed class SubReadStream : ForwardReadStream
{
    private readonly Stream _inner;
    private readonly long _length;

    public SubReadStream(Stream inner, long length)
    {
        _inner = inner;
        _length = length;
    }

    /// <summary>Bytes of the window not read yet.</summary>
    public long Remaining => _length - Delivered;

    public override long Length => _length;

    public override int Read(byte[] buffer, int offset, int count)
    {
        var want = (int)Math.Min(count, Remaining);
        if (want <= 0)
        {
            return 0;
        }

        var read = _inner.Read(buffer, offset, want);
        Delivered += read;
        return read;
    }
}
