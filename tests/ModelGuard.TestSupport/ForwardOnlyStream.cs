using System;
using System.IO;

namespace ModelGuard.TestSupport;

/// <summary>
/// Wraps a stream so it can only be read forward, like a decompressed archive member: the parsers take other paths for
/// those. <c>maxChunk</c> caps each read, so readers that assume full reads are caught too.
/// </summary>
public sealed class ForwardOnlyStream : Stream
{
    private readonly Stream _inner;
    private readonly int _maxChunk;

    public ForwardOnlyStream(Stream inner, int maxChunk = int.MaxValue)
    {
        _inner = inner;
        _maxChunk = maxChunk;
    }

    public ForwardOnlyStream(byte[] data, int maxChunk = int.MaxValue)
        : this(new MemoryStream(data, writable: false), maxChunk)
    {
    }

    public override bool CanRead => true;

    public override bool CanSeek => false;

    public override bool CanWrite => false;

    public override long Length => throw new NotSupportedException();

    public override long Position
    {
        get => throw new NotSupportedException();
        set => throw new NotSupportedException();
    }

    public override int Read(byte[] buffer, int offset, int count) => _inner.Read(buffer, offset, Math.Min(count, _maxChunk));

    public override void Flush()
    {
    }

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

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
