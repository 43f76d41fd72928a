using System;
using System.IO;
using ModelGuard.Engine.IO;

namespace ModelGuard.Engine.Formats.Compression;

/// <summary>
/// The decoders' view of their compressed input: the engine's <see cref="BufferedByteReader"/>, with the end of the input
/// turned into a <see cref="CompressedFormatException"/> that names the format, the structure being read and the offset,
/// wherever a decoder still needs bytes.
/// </summary>
internal sealed class CompressedInput : IDisposable
{
    private readonly BufferedByteReader _reader;
    private readonly string _format;

    public CompressedInput(Stream stream, string format)
    {
        _reader = new BufferedByteReader(stream);
        _format = format;
    }

    /// <summary>Offset of the next byte from the start of the compressed input.</summary>
    public long Position => _reader.Consumed;

    /// <summary>True when no byte is left.</summary>
    public bool AtEnd => _reader.PeekByte() < 0;

    /// <summary>The next byte, or -1 at the end of the input.</summary>
    public int TryReadByte() => _reader.ReadByte();

    /// <summary>The next byte without consuming it, or -1 at the end of the input.</summary>
    public int PeekByte() => _reader.PeekByte();

    /// <summary>The next byte; the end of the input is reported as truncation inside <paramref name="what"/>.</summary>
    public byte ReadByte(string what)
    {
        var value = _reader.ReadByte();
        return value >= 0 ? (byte)value : throw CompressedFormatException.Truncated(_format, what, Position);
    }

    /// <summary>Fills <paramref name="destination"/>; the end of the input first is reported as truncation.</summary>
    public void ReadExact(Span<byte> destination, string what)
    {
        if (!_reader.TryReadExact(destination))
        {
            throw CompressedFormatException.Truncated(_format, what, Position);
        }
    }

    public void Dispose() => _reader.Dispose();
}
