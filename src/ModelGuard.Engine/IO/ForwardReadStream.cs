using System;
using System.IO;

namespace ModelGuard.Engine.IO;

/// <summary>
/// Base of the engine's read-only, forward-only stream views (decoders, bounded, replaying and recording wrappers):
/// everything but reading is fixed here, and <see cref="Position"/> is the number of bytes handed out so far.
/// </summary>
internal abstract class ForwardReadStream : Stream
{
    public override bool CanRead => true;

    public override bool CanSeek => false;

    public override bool CanWrite => false;

    public override long Length => throw new NotSupportedException("A forward-only stream does not know its length.");

    public override long Position
    {
        get => Delivered;
        set => throw new NotSupportedException("A forward-only stream cannot seek.");
    }

    /// <summary>Bytes handed out by <see cref="Stream.Read(byte[], int, int)"/> so far; derived classes keep it current.</summary>
    protected long Delivered { get; set; }

    public override void Flush()
    {
    }

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException("A forward-only stream cannot seek.");

    public override void SetLength(long value) => throw new NotSupportedException("The stream is read-only.");

    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException("The stream is read-only.");
}
