using System;
using System.IO;
using System.IO.Compression;

namespace ModelGuard.Engine.Formats.Zip;

/// <summary>
/// Inflates a deflate member from a window over the archive, stopping with a <see cref="ZipFormatException"/> once
/// the output would pass the cap (a zip bomb) and turning corrupt deflate data into a <see cref="ZipFormatException"/>.
/// Forward-only; disposing it disposes the window but not the archive.
/// </summary>
internal sealed class ZipInflateStream : Stream
{
    private readonly DeflateStream _inflater;
    private readonly ZipEntry _entry;
    private readonly long _maxBytes;
    private long _produced;
    private bool _disposed;
    private byte[]? _single;

    public ZipInflateStream(Stream compressed, ZipEntry entry, long maxBytes)
    {
        _inflater = new DeflateStream(compressed, CompressionMode.Decompress, leaveOpen: false);
        _entry = entry;
        _maxBytes = maxBytes;
    }

    public override bool CanRead => !_disposed;

    public override bool CanSeek => false;

    public override bool CanWrite => false;

    public override long Length => throw new NotSupportedException("The inflated length of a deflate member is only known after reading it.");

    /// <summary>Bytes produced so far.</summary>
    public override long Position
    {
        get => _produced;
        set => throw new NotSupportedException("Deflate member streams are forward-only.");
    }

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
        var allowed = _maxBytes - _produced;
        var request = allowed >= count ? count : (int)allowed + 1;
        int read;
        try
        {
            read = _inflater.Read(buffer, offset, request);
        }
        catch (InvalidDataException ex)
        {
            throw new ZipFormatException(
                $"Entry {ZipNameDecoder.ForMessage(_entry.Name)}: the deflate data at offset {_entry.DataOffset} is corrupt after {_produced} inflated bytes ({ex.Message}).",
                ex);
        }

        if (read > allowed)
        {
            throw new ZipFormatException(
                $"Entry {ZipNameDecoder.ForMessage(_entry.Name)} inflates past the limit of {_maxBytes} bytes ({_entry.CompressedSize} compressed bytes, declared uncompressed size {_entry.UncompressedSize}); decompression stopped as a likely zip bomb.");
        }

        _produced += read;
        return read;
    }

    public override int ReadByte()
    {
        _single ??= new byte[1];
        return Read(_single, 0, 1) == 1 ? _single[0] : -1;
    }

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException("Deflate member streams are forward-only.");

    public override void Flush()
    {
    }

    public override void SetLength(long value) => throw new NotSupportedException("Zip member streams are read-only.");

    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException("Zip member streams are read-only.");

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
