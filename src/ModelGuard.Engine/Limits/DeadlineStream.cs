using System;
using System.IO;

namespace ModelGuard.Engine.Limits;

/// <summary>
/// The file being scanned, passed through unchanged (seekable if it is) except that every read first checks the scan's
/// time budget, so every format reader that reads the file directly is bounded in time without knowing about it.
/// Disposing it leaves the file open: the scanner's caller owns it.
/// </summary>
internal sealed class DeadlineStream : Stream
{
    private readonly Stream _inner;

    public DeadlineStream(Stream inner) => _inner = inner ?? throw new ArgumentNullException(nameof(inner));

    public override bool CanRead => _inner.CanRead;

    public override bool CanSeek => _inner.CanSeek;

    public override bool CanWrite => false;

    public override long Length => _inner.Length;

    public override long Position
    {
        get => _inner.Position;
        set => _inner.Position = value;
    }

    public override int Read(byte[] buffer, int offset, int count)
    {
        ScanDeadline.Check();
        return _inner.Read(buffer, offset, count);
    }

    public override int ReadByte()
    {
        ScanDeadline.Check();
        return _inner.ReadByte();
    }

    public override long Seek(long offset, SeekOrigin origin) => _inner.Seek(offset, origin);

    public override void Flush()
    {
    }

    public override void SetLength(long value) => throw new NotSupportedException("The scanner never changes a file.");

    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException("The scanner never changes a file.");
}
