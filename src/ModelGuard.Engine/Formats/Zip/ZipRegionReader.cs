using System;
using System.Buffers;
using System.IO;

namespace ModelGuard.Engine.Formats.Zip;

/// <summary>
/// Reads a region of the archive (the central directory) sequentially through one pooled buffer, so walking
/// many small records costs few stream reads and memory stays bounded by the largest record.
/// </summary>
internal sealed class ZipRegionReader : IDisposable
{
    private const int MinimumBufferSize = 64 * 1024;

    private readonly Stream _stream;
    private readonly long _end;
    private byte[] _buffer;
    private int _offset;
    private int _available;
    private long _position;

    public ZipRegionReader(Stream stream, long start, long end)
    {
        _stream = stream;
        _position = start;
        _end = end;
        _buffer = ArrayPool<byte>.Shared.Rent(MinimumBufferSize);
    }

    /// <summary>Absolute stream position of the next unread byte.</summary>
    public long Position => _position;

    /// <summary>Bytes left in the region.</summary>
    public long Remaining => _end - _position;

    /// <summary>The buffer holding the bytes made available by <see cref="TryEnsure"/>, starting at <see cref="BufferOffset"/>.</summary>
    public byte[] Buffer => _buffer;

    public int BufferOffset => _offset;

    /// <summary>The next <paramref name="count"/> bytes, which <see cref="TryEnsure"/> must have made available.</summary>
    public ReadOnlySpan<byte> Peek(int count) => new(_buffer, _offset, count);

    /// <summary>Makes the next <paramref name="count"/> bytes available; false when the region holds fewer.</summary>
    public bool TryEnsure(int count)
    {
        if (count <= _available)
        {
            return true;
        }

        if (count > Remaining)
        {
            return false;
        }

        if (count > _buffer.Length)
        {
            var larger = ArrayPool<byte>.Shared.Rent(count);
            System.Buffer.BlockCopy(_buffer, _offset, larger, 0, _available);
            ArrayPool<byte>.Shared.Return(_buffer);
            _buffer = larger;
        }
        else if (_offset > 0)
        {
            System.Buffer.BlockCopy(_buffer, _offset, _buffer, 0, _available);
        }

        _offset = 0;

        // Fill as much of the buffer as the region allows, but at least up to count.
        var target = (int)Math.Min(_buffer.Length, Remaining);
        _stream.Position = _position + _available;
        while (_available < target)
        {
            var n = _stream.Read(_buffer, _available, target - _available);
            if (n <= 0)
            {
                if (_available >= count)
                {
                    break;
                }

                throw new ZipFormatException(
                    $"The archive ended at offset {_position + _available}, inside the central directory that should run to offset {_end}.");
            }

            _available += n;
        }

        return true;
    }

    /// <summary>Moves past <paramref name="count"/> bytes that <see cref="TryEnsure"/> made available.</summary>
    public void Advance(int count)
    {
        if (count < 0 || count > _available)
        {
            throw new ArgumentOutOfRangeException(nameof(count));
        }

        _offset += count;
        _available -= count;
        _position += count;
    }

    public void Dispose()
    {
        var buffer = _buffer;
        _buffer = Array.Empty<byte>();
        _available = 0;
        if (buffer.Length > 0)
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }
}
