using System;

namespace ModelGuard.Engine.Formats.Compression;

/// <summary>
/// The LZMA sliding dictionary. It starts small and doubles as output arrives, up to the dictionary size, and only
/// then wraps around; so memory is bounded by the dictionary size and by about twice the output since the last reset.
/// </summary>
internal sealed class LzmaWindow
{
    private const int InitialCapacity = 64 * 1024;

    private byte[] _buffer = Array.Empty<byte>();
    private int _dictionarySize;
    private int _position;
    private bool _full;

    /// <summary>Bytes written since the last <see cref="Reset"/>, which position-dependent contexts use.</summary>
    public long TotalPosition { get; private set; }

    /// <summary>True when nothing was written since the last reset.</summary>
    public bool IsEmpty => _position == 0 && !_full;

    /// <summary>How far back a match may reach: the bytes written since the reset, at most the dictionary size.</summary>
    public int Available => _full ? _dictionarySize : _position;

    /// <summary>The byte before the next one, or 0 when the window is empty (the literal context at the start).</summary>
    public byte PreviousByte => IsEmpty ? (byte)0 : GetByte(1);

    /// <summary>Empties the window and sets the dictionary size (validated by the caller), keeping the buffer when it fits.</summary>
    public void Reset(int dictionarySize)
    {
        if (_buffer.Length > dictionarySize)
        {
            _buffer = Array.Empty<byte>();
        }

        _dictionarySize = dictionarySize;
        _position = 0;
        _full = false;
        TotalPosition = 0;
    }

    /// <summary>The byte <paramref name="distance"/> positions back (1 is the last byte); the caller checked <see cref="Available"/>.</summary>
    public byte GetByte(int distance)
    {
        var index = _position - distance;
        if (index < 0)
        {
            index += _buffer.Length;
        }

        return _buffer[index];
    }

    public void PutByte(byte value)
    {
        if (_position == _buffer.Length)
        {
            MakeRoom(1);
        }

        _buffer[_position++] = value;
        TotalPosition++;
    }

    /// <summary>Appends <paramref name="data"/> (an uncompressed chunk).</summary>
    public void PutBytes(ReadOnlySpan<byte> data)
    {
        while (!data.IsEmpty)
        {
            if (_position == _buffer.Length)
            {
                MakeRoom(data.Length);
            }

            var n = Math.Min(data.Length, _buffer.Length - _position);
            data.Slice(0, n).CopyTo(_buffer.AsSpan(_position));
            _position += n;
            TotalPosition += n;
            data = data.Slice(n);
        }
    }

    /// <summary>Repeats bytes from <paramref name="distance"/> back, filling <paramref name="destination"/> and the window alike.</summary>
    public void CopyMatch(int distance, Span<byte> destination)
    {
        var done = 0;
        while (done < destination.Length)
        {
            if (_position == _buffer.Length)
            {
                MakeRoom(destination.Length - done);
            }

            var source = _position - distance;
            if (source < 0)
            {
                source += _buffer.Length;
            }

            // One contiguous piece: up to the end of the buffer on either side, and at most the distance, so that an
            // overlapping match repeats what this loop already wrote (memmove keeps the rest correct when wrapped).
            var n = Math.Min(destination.Length - done, _buffer.Length - _position);
            n = Math.Min(n, Math.Min(_buffer.Length - source, distance));
            var piece = _buffer.AsSpan(_position, n);
            _buffer.AsSpan(source, n).CopyTo(piece);
            piece.CopyTo(destination.Slice(done));
            _position += n;
            done += n;
        }

        TotalPosition += destination.Length;
    }

    private void MakeRoom(int wanted)
    {
        if (_buffer.Length < _dictionarySize)
        {
            // Still linear: grow (at least doubling) towards the dictionary size.
            var target = Math.Max((long)_buffer.Length * 2, (long)_position + wanted);
            target = Math.Max(target, Math.Min(InitialCapacity, _dictionarySize));
            var grown = new byte[(int)Math.Min(target, _dictionarySize)];
            _buffer.AsSpan(0, _position).CopyTo(grown);
            _buffer = grown;
            return;
        }

        // Full size: wrap around.
        _position = 0;
        _full = true;
    }
}
