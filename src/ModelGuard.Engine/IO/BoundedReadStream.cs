using System;
using System.IO;

namespace ModelGuard.Engine.IO;

/// <summary>Forward-only view of a decompressing stream that throws once more than a set number of bytes come out.</summary>
internal sealed class BoundedReadStream : ForwardReadStream
{
    private readonly Stream _inner;
    private readonly long _limit;

    public BoundedReadStream(Stream inner, long limit)
    {
        _inner = inner;
        _limit = limit;
    }

    public override int Read(byte[] buffer, int offset, int count)
    {
        var read = _inner.Read(buffer, offset, count);
        Delivered += read;
        if (Delivered > _limit)
        {
            throw new DecompressionLimitExceededException(_limit);
        }

        return read;
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            _inner.Dispose();
        }

        base.Dispose(disposing);
    }
}
