using System;
using System.IO;

namespace ModelGuard.Engine.Formats.Compression;

/// <summary>
/// Pass-through reader under <see cref="System.IO.Compression.DeflateStream"/> that counts the bytes handed out and
/// keeps the last four of them. DeflateStream reads ahead and cannot say where its data ended, so the zlib decoder
/// drains the input and takes the Adler-32 trailer from the final four bytes.
/// </summary>
internal sealed class ZlibInputTracker : Stream
{
    private readonly Stream _inner;
    private readonly byte[] _tail = new byte[4];
    private int _tailLength;

    public ZlibInputTracker(Stream inner)
    {
        _inner = inner;
    }

    /// <summary>Bytes read from the compressed input so far.</summary>
    public long BytesRead { get; private set; }

    public override bool CanRead => true;

    public override bool CanSeek => false;

    public override bool CanWrite => false;

    public override long Length => throw new NotSupportedException();

    public override long Position
    {
        get => BytesRead;
        set => throw new NotSupportedException();
    }

    /// <summary>The last up to four bytes read, oldest first.</summary>
    public ReadOnlySpan<byte> Tail => _tail.AsSpan(0, _tailLength);

    public override int Read(byte[] buffer, int offset, int count)
    {
        var read = _inner.Read(buffer, offset, count);
        if (read > 0)
        {
            BytesRead += read;
            Remember(buffer.AsSpan(offset, read));
        }

        return read;
    }

    public override void Flush()
    {
    }

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    public override void SetLength(long value) => throw new NotSupportedException();

    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

    private void Remember(ReadOnlySpan<byte> data)
    {
        if (data.Length >= 4)
        {
            data.Slice(data.Length - 4).CopyTo(_tail);
            _tailLength = 4;
            return;
        }

        var keep = Math.Min(_tailLength, 4 - data.Length);
        _tail.AsSpan(_tailLength - keep, keep).CopyTo(_tail);
        data.CopyTo(_tail.AsSpan(keep));
        _tailLength = keep + data.Length;
    }
}
