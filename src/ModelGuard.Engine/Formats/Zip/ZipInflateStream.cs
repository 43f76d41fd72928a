using System;
using System.IO;
using System.IO.Compression;
using ModelGuard.Engine.IO;

namespace ModelGuard.Engine.Formats.Zip;

/// <summary>
/// Inflates a deflate member from a window over the archive, stopping with a <see cref="ZipFormatException"/> once
/// the output would pass the cap (a zip bomb) and turning corrupt deflate data into a <see cref="ZipFormatException"/>.
/// Forward-only; disposing it disposes the window but not the archive.
/// </summary>
internal sealed class ZipInflateStream : ForwardReadStream
{
    private readonly DeflateStream _inflater;
    private readonly ZipEntry _entry;
    private readonly long _maxBytes;
    private bool _disposed;
    private byte[]? _single;

    public ZipInflateStream(Stream compressed, ZipEntry entry, long maxBytes)
    {
        _inflater = new DeflateStream(compressed, CompressionMode.Decompress, leaveOpen: false);
        _entry = entry;
        _maxBytes = maxBytes;
    }

    public override bool CanRead => !_disposed;

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
            throw new ObjectDisposedException(nameof(ZipInflateStream));
        }

        if (count == 0)
        {
            return 0;
        }

        // Ask for one byte more than the cap allows, so output that reaches past the cap is seen rather than cut off.
        var allowed = _maxBytes - Delivered;
        var request = allowed >= count ? count : (int)allowed + 1;
        int read;
        try
        {
            read = _inflater.Read(buffer, offset, request);
        }
        catch (InvalidDataException ex)
        {
            throw new ZipFormatException(
                $"Entry {ZipNameDecoder.ForMessage(_entry.Name)}: the deflate data at offset {_entry.DataOffset} is corrupt after {Delivered} inflated bytes ({ex.Message}).",
                ex);
        }

        if (read > allowed)
        {
            // A limit, not a format error: the scanner reports it as such (MG3020).
            throw new ModelGuard.Engine.IO.DecompressionLimitExceededException(_maxBytes);
        }

        Delivered += read;
        return read;
    }

    public override int ReadByte()
    {
        _single ??= new byte[1];
        return Read(_single, 0, 1) == 1 ? _single[0] : -1;
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing && !_disposed)
        {
            _inflater.Dispose();
        }

        _disposed = true;
        base.Dispose(disposing);
    }
}
