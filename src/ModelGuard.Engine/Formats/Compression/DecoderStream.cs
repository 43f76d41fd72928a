using System;
using System.IO;
using ModelGuard.Engine.IO;

namespace ModelGuard.Engine.Formats.Compression;

/// <summary>
/// Base of the decompressing streams: read-only, forward-only, and refusing to produce more than a set number of
/// bytes. A subclass returns 0 from <see cref="ReadCore"/> only once the whole input was decoded and verified, so a
/// reader that reaches the end has seen every check pass. After the first failure every further read fails again
/// with the same kind of exception.
/// </summary>
internal abstract class DecoderStream : ForwardReadStream
{
    private readonly Stream _compressed;
    private readonly bool _leaveOpen;
    private readonly long _maxOutputBytes;
    private bool _finished;
    private bool _disposed;
    private Exception? _failure;
    private byte[]? _single;

    protected DecoderStream(Stream compressed, long maxOutputBytes, bool leaveOpen)
    {
        if (compressed is null)
        {
            throw new ArgumentNullException(nameof(compressed));
        }

        if (!compressed.CanRead)
        {
            throw new ArgumentException("The compressed stream must be readable.", nameof(compressed));
        }

        if (maxOutputBytes < 0)
        {
            throw new ArgumentOutOfRangeException(nameof(maxOutputBytes), "The output limit cannot be negative.");
        }

        _compressed = compressed;
        _maxOutputBytes = maxOutputBytes;
        _leaveOpen = leaveOpen;
    }

    public override bool CanRead => !_disposed;

    /// <summary>The output limit given at construction.</summary>
    public long MaxOutputBytes => _maxOutputBytes;

    /// <summary>Name of the format, used in messages.</summary>
    protected abstract string FormatName { get; }

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

        if (_disposed)
        {
            throw new ObjectDisposedException(GetType().Name);
        }

        if (_failure is not null)
        {
            throw RepeatFailure(_failure);
        }

        if (count == 0 || _finished)
        {
            return 0;
        }

        // Ask for one byte more than the limit allows, so output that reaches past it is seen rather than cut off.
        var allowed = _maxOutputBytes - Delivered;
        var request = allowed >= count ? count : (int)allowed + 1;
        int read;
        try
        {
            read = ReadCore(buffer.AsSpan(offset, request));
            if (read > allowed)
            {
                throw CompressedFormatException.LimitExceeded(FormatName, _maxOutputBytes);
            }
        }
        catch (Exception ex)
        {
            // The decoders are not transactional: after a failure the stream stays failed.
            _failure = ex;
            throw;
        }

        if (read == 0)
        {
            _finished = true;
        }

        Delivered += read;
        return read;
    }

    public override int ReadByte()
    {
        _single ??= new byte[1];
        return Read(_single, 0, 1) == 1 ? _single[0] : -1;
    }

    /// <summary>
    /// Decodes into <paramref name="destination"/> (never empty) and returns how many bytes were written: at least one,
    /// or 0 only at the verified end of the input. Malformed input throws <see cref="CompressedFormatException"/>.
    /// </summary>
    protected abstract int ReadCore(Span<byte> destination);

    /// <summary>Releases pooled buffers; called once, on dispose.</summary>
    protected virtual void ReleaseResources()
    {
    }

    private static Exception RepeatFailure(Exception first) => first switch
    {
        CompressedFormatException malformed => CompressedFormatException.Repeat(malformed),
        NotSupportedException unsupported => new NotSupportedException(unsupported.Message, unsupported),
        _ => new IOException($"An earlier read of the compressed data failed: {first.Message}", first),
    };

    protected override void Dispose(bool disposing)
    {
        if (!_disposed)
        {
            _disposed = true;
            if (disposing)
            {
                ReleaseResources();
                if (!_leaveOpen)
                {
                    _compressed.Dispose();
                }
            }
        }

        base.Dispose(disposing);
    }
}
