using System;
using System.IO;

namespace ModelGuard.TestSupport;

/// <summary>
/// A read-only, seekable stream of <c>header + zeros + trailer</c> that fabricates the zeros (or another fill byte), so
/// tests can present multi-gigabyte content without allocating it, and can count how many bytes a reader actually pulled.
/// </summary>
public sealed class SparseStream : Stream
{
    private readonly byte[] _header;
    private readonly long _gap;
    private readonly byte[] _trailer;
    private readonly byte _fill;
    private long _position;

    public SparseStream(byte[] header, long gap, byte[] trailer)
        : this(header, gap, trailer, 0)
    {
    }

    /// <summary>The gap repeats <paramref name="fill"/> instead of zero (for example spaces padding a JSON header).</summary>
    public SparseStream(byte[] header, long gap, byte[] trailer, byte fill)
    {
        _header = header;
        _gap = gap;
        _trailer = trailer;
        _fill = fill;
    }

    /// <summary>Total bytes returned by <see cref="Read(byte[], int, int)"/>.</summary>
    public long BytesRead { get; private set; }

    public override bool CanRead => true;

    public override bool CanSeek => true;

    public override bool CanWrite => false;

    public override long Length => _header.Length + _gap + _trailer.Length;

    public override long Position
    {
        get => _position;
        set => _position = value;
    }

    public override int Read(byte[] buffer, int offset, int count)
    {
        var written = 0;
        while (written < count && _position < Length)
        {
            var p = _position;
            int n;
            if (p < _header.Length)
            {
                n = (int)Math.Min(count - written, _header.Length - p);
                Array.Copy(_header, p, buffer, offset + written, n);
            }
            else if (p < _header.Length + _gap)
            {
                n = (int)Math.Min(count - written, _header.Length + _gap - p);
                buffer.AsSpan(offset + written, n).Fill(_fill);
            }
            else
            {
                var t = p - _header.Length - _gap;
                n = (int)Math.Min(count - written, _trailer.Length - t);
                Array.Copy(_trailer, t, buffer, offset + written, n);
            }

            written += n;
            _position += n;
        }

        BytesRead += written;
        return written;
    }

    public override long Seek(long offset, SeekOrigin origin)
    {
        _position = origin switch
        {
            SeekOrigin.Begin => offset,
            SeekOrigin.Current => _position + offset,
            _ => Length + offset,
        };
        return _position;
    }

    public override void Flush()
    {
    }

    public override void SetLength(long value) => throw new NotSupportedException();

    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
}
