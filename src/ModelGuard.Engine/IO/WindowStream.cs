using System;
using System.IO;

namespace ModelGuard.Engine.IO;

/// <summary>
/// A read-only, seekable view of <c>[start, start + length)</c> of an archive (zip member, tar member, the part before a zip). It copies nothing and positions the
/// archive before every read, so several windows (and the directory reader) can share one archive stream, one at a time.
/// Disposing the window leaves the archive open.
/// </summary>
internal sealed class WindowStream : Stream
{
    private readonly Stream _archive;
    private readonly long _start;
    private readonly long _length;
    private long _position;
    private bool _disposed;
    private byte[]? _single;

    public WindowStream(Stream archive, long start, long length)
    {
        _archive = archive ?? throw new ArgumentNullException(nameof(archive));
        if (start < 0)
        {
            throw new ArgumentOutOfRangeException(nameof(start), start, "The window must start inside the archive.");
        }

        if (length < 0)
        {
            throw new ArgumentOutOfRangeException(nameof(length), length, "The window length cannot be negative.");
        }

        _start = start;
        _length = length;
    }

    public override bool CanRead => !_disposed;

    public override bool CanSeek => !_disposed;

    public override bool CanWrite => false;

    public override long Length
    {
        get
        {
            ThrowIfDisposed();
            return _length;
        }
    }

    public override long Position
    {
        get
        {
            ThrowIfDisposed();
            return _position;
        }

        set
        {
            ThrowIfDisposed();
            if (value < 0)
            {
                throw new ArgumentOutOfRangeException(nameof(value), value, "The position cannot be negative.");
            }

            _position = value;
        }
    }

    /// <summary>Absolute offset of the window's first byte in the archive.</summary>
    public long Start => _start;

    public override int Read(byte[] buffer, int offset, int count)
    {
        if (buffer is null)
        {
            throw new ArgumentNullException(nameof(buffer));
        }

        if (offset < 0 || count < 0 || count > buffer.Length - offset)
        {
            throw new ArgumentOutOfRangeException(nameof(count), "The offset and count must describe a range inside the buffer.");
        }

        ThrowIfDisposed();
        var remaining = _length - _position;
        if (remaining <= 0 || count == 0)
        {
            return 0;
        }

        var toRead = (int)Math.Min(count, remaining);
        var target = _start + _position;
        if (_archive.Position != target)
        {
            _archive.Position = target;
        }

        var read = _archive.Read(buffer, offset, toRead);
        if (read <= 0)
        {
            throw new InvalidDataException(
                $"The archive ended at offset {target}, inside a member that should run to offset {_start + _length}.");
        }

        _position += read;
        return read;
    }

    public override int ReadByte()
    {
        _single ??= new byte[1];
        return Read(_single, 0, 1) == 1 ? _single[0] : -1;
    }

    public override long Seek(long offset, SeekOrigin origin)
    {
        ThrowIfDisposed();
        var basis = origin switch
        {
            SeekOrigin.Begin => 0,
            SeekOrigin.Current => _position,
            SeekOrigin.End => _length,
            _ => throw new ArgumentOutOfRangeException(nameof(origin), origin, "Unknown seek origin."),
        };

        var position = basis + offset;
        if (position < 0)
        {
            throw new IOException($"Cannot seek to {position}, before the start of the member.");
        }

        _position = position;
        return position;
    }

    public override void Flush()
    {
    }

    public override void SetLength(long value) => throw new NotSupportedException("Zip member streams are read-only.");

    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException("Zip member streams are read-only.");

    protected override void Dispose(bool disposing)
    {
        _disposed = true;
        base.Dispose(disposing);
    }

    private void ThrowIfDisposed()
    {
        if (_disposed)
        {
            throw new ObjectDisposedException(nameof(WindowStream));
        }
    }
}
