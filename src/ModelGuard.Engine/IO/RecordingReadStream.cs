using System;
using System.IO;

namespace ModelGuard.Engine.IO;

/// <summary>
/// Passes a forward-only stream through and keeps what was read, up to a limit, so a second reader can start over
/// from the beginning (<see cref="TryReplay"/>) as long as the first one did not read past the limit.
/// </summary>
internal sealed class RecordingReadStream : ForwardReadStream
{
    private readonly Stream _inner;
    private readonly int _limit;
    private readonly MemoryStream _recorded = new();
    private bool _overflowed;

    public RecordingReadStream(Stream inner, int limit)
    {
        _inner = inner ?? throw new ArgumentNullException(nameof(inner));
        _limit = limit;
    }

    /// <summary>The first byte read, or -1 when nothing was recorded.</summary>
    public int FirstByte => _recorded.Length > 0 ? _recorded.GetBuffer()[0] : -1;

    /// <summary>A stream that replays everything read so far, then continues with the rest; false when more than the limit was read.</summary>
    public bool TryReplay(out Stream replay)
    {
        if (_overflowed)
        {
            replay = Null;
            return false;
        }

        replay = new PrefixedReadStream(_recorded.GetBuffer(), (int)_recorded.Length, _inner);
        return true;
    }

    public override int Read(byte[] buffer, int offset, int count)
    {
        var read = _inner.Read(buffer, offset, count);
        if (read > 0 && !_overflowed)
        {
            if (_recorded.Length + read > _limit)
            {
                _overflowed = true;
            }
            else
            {
                _recorded.Write(buffer, offset, read);
            }
        }

        Delivered += read;
        return read;
    }
}
