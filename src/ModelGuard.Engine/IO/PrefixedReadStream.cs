using System;
using System.IO;

namespace ModelGuard.Engine.IO;

/// <summary>Replays bytes already read for sniffing, then continues with the rest of a forward-only stream.</summary>
internal sealed class PrefixedReadStream : ForwardReadStream
{
    private readonly byte[] _prefix;
    private readonly int _prefixLength;
    private readonly Stream _rest;
    private int _prefixPosition;

    public PrefixedReadStream(byte[] prefix, int prefixLength, Stream rest)
    {
        _prefix = prefix;
        _prefixLength = prefixLength;
        _rest = rest;
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

        Delivered += read;
        return read;
    }
}
