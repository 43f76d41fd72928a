using System;
using System.IO;

namespace ModelGuard.Engine.IO;

/// <summary>Replays bytes already read for sniffing, then continues with the rest of a forward-only stream.</summary>
internal sealed class PrefixedReadStream : Stream
{
    private readonly byte[] _prefix;
    private readonly int _prefixLength;
    private readonly Stream _rest;
    private int _prefixPosition;
    private long _position;

    public PrefixedReadStream(byte[] prefix, int prefixLength, Stream rest)
    {
        _prefix = prefix;
        _prefixLength = prefixLength;
        _rest = rest;
    }

    public override bool CanRead => true;

    public override bool CanSeek => false;

    public override bool CanWrite => false;

    public override long Length => throw new NotSupportedException();

    public override long Position
    {
        get => _position;
        set => throw new NotSupportedException();
    }

    public override int Read(byte[] buffer, int offset, int count)
    {
        int read;
        if (_prefixPosition < _prefixLength)
        {
            read = Math.Min(count, _prefixLength - _prefixPosition);
            Buffer.BlockCopy(_prefix, _prefixPosition, buffer, offset, read);
            _prefixPosition += read;
        }
        else
        {
            read = _rest.Read(buffer, offset, count);
        }

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
