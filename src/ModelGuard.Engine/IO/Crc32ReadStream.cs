using System;
using System.IO;

namespace ModelGuard.Engine.IO;

/// <summary>
/// Passes a stream through and keeps the CRC-32 of the bytes read. Seeking is passed through too (nested archives
/// need it) but makes the CRC meaningless, which <see cref="IsSequential"/> then says.
/// </summary>
internal sealed class Crc32ReadStream : Stream
{
    private readonly Stream _inner;
    private uint _running = Crc32.Start;

    public Crc32ReadStream(Stream inner) => _inner = inner;

    public uint Crc => Crc32.Finish(_running);

    public long BytesRead { get; private set; }

    /// <summary>False once anyone seeked: the CRC then no longer covers the content in order.</summary>
    public bool IsSequential { get; private set; } = true;

    public override bool CanRead => true;

    public override bool CanSeek => _inner.CanSeek;

    public override bool CanWrite => false;

    public override long Length => _inner.Length;

    public override long Position
    {
        get => _inner.CanSeek ? _inner.Position : BytesRead;
        set => Seek(value, SeekOrigin.Begin);
    }

    public override int Read(byte[] buffer, int offset, int count)
    {
        var read = _inner.Read(buffer, offset, count);
        _running = Crc32.Update(_running, new ReadOnlySpan<byte>(buffer, offset, read));
        BytesRead += read;
        return read;
    }

    /// <summary>Reads what is left, up to <paramref name="limit"/> bytes; false when more remained.</summary>
    public bool Drain(long limit)
    {
        var buffer = new byte[64 * 1024];
        while (IsSequential && BytesRead <= limit)
        {
            if (Read(buffer, 0, buffer.Length) <= 0)
            {
                return IsSequential;
            }
        }

        return false;
    }

    public override void Flush()
    {
    }

    public override long Seek(long offset, SeekOrigin origin)
    {
        IsSequential = false;
        return _inner.Seek(offset, origin);
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
