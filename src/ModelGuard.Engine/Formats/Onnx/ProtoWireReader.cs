using System;
using System.IO;
using System.Text;
using ModelGuard.Engine.IO;
using ModelGuard.Engine.Rules;

namespace ModelGuard.Engine.Formats.Onnx;

/// <summary>
/// Reads the protobuf wire format field by field from a stream, checking every declared length against the enclosing message and
/// the bytes present before it is used, and skipping payloads with a seek.
/// </summary>
/// <remarks>
/// Why not classes generated with Google.Protobuf: a generated ModelProto.Parser materializes every field, so a model with
/// inline weights is read into memory in full (raw_data as ByteStrings), the parser stops at 2 GiB, allocates what a length
/// prefix declares before it can tell the bytes are missing, and throws one exception type for every problem. Its low-level
/// CodedInputStream also reads skipped bytes instead of seeking past them. ONNX files are hostile input of up to many gigabytes
/// whose payloads ModelGuard never needs, so a reader that keeps only names, dims and lengths is both bounded and exact about
/// where a file goes wrong.
/// </remarks>
internal sealed class ProtoWireReader : IDisposable
{
    public const int Varint = 0;
    public const int Fixed64 = 1;
    public const int LengthDelimited = 2;
    public const int Fixed32 = 5;

    private static readonly UTF8Encoding StrictUtf8 = new(false, true);

    private readonly BufferedByteReader _reader;
    private byte[] _stringBuffer = new byte[256];

    /// <param name="stream">The content, at the start of the ModelProto.</param>
    /// <param name="length">Its length when known; a forward-only stream learns where it ends when it ends.</param>
    public ProtoWireReader(Stream stream, long? length)
    {
        _reader = new BufferedByteReader(stream);
        End = length ?? long.MaxValue;
    }

    /// <summary>Where the outermost message ends (the content length, or <see cref="long.MaxValue"/> when unknown).</summary>
    public long End { get; }

    /// <summary>Offset of the next byte.</summary>
    public long Position => _reader.Position;

    /// <summary>
    /// Reads the next tag of a message that ends at <paramref name="end"/>; false at the end of the message (or of an outermost
    /// message of unknown length).
    /// </summary>
    public bool TryReadTag(long end, out int field, out int wireType)
    {
        field = 0;
        wireType = 0;
        if (Position >= end || (end == long.MaxValue && _reader.PeekByte() < 0))
        {
            return false;
        }

        var at = Position;
        var tag = ReadVarint(end, "a field tag");
        wireType = (int)(tag & 7);
        var number = tag >> 3;
        if (number == 0 || number > 0x1FFFFFFF)
        {
            throw Malformed(at, $"field tag 0x{tag:X} has field number {number}, which protobuf does not allow");
        }

        if (wireType is 3 or 4 or 6 or 7)
        {
            throw Malformed(at, $"field {number} has wire type {wireType} ({(wireType is 3 or 4 ? "a group, which ONNX never uses" : "not a protobuf wire type")})");
        }

        field = (int)number;
        return true;
    }

    /// <summary>Reads a varint that must end before <paramref name="end"/>.</summary>
    public ulong ReadVarint(long end, string what)
    {
        var at = Position;
        ulong value = 0;
        for (var shift = 0; shift < 70; shift += 7)
        {
            if (Position >= end)
            {
                throw Malformed(at, $"{what} is cut off by the end of its message at offset {end}");
            }

            var b = _reader.ReadByte();
            if (b < 0)
            {
                throw Truncated(at, what);
            }

            if (shift == 63 && b > 1)
            {
                throw Malformed(at, $"{what} is a varint that overflows 64 bits");
            }

            value |= (ulong)(b & 0x7F) << shift;
            if ((b & 0x80) == 0)
            {
                return value;
            }
        }

        throw Malformed(at, $"{what} is a varint longer than 10 bytes");
    }

    /// <summary>Reads the length prefix of a length-delimited field and checks it against the message end and the content.</summary>
    /// <returns>The offset where the field's payload ends.</returns>
    public long ReadLength(long end, string what)
    {
        var at = Position;
        var length = ReadVarint(end, "the length of " + what);
        var left = end - Position;
        if (length > (ulong)left)
        {
            throw Malformed(at, end == long.MaxValue ? $"{what} declares {length} bytes, more than any file holds" : $"{what} declares {length} bytes but only {left} bytes of its message remain");
        }

        return Position + (long)length;
    }

    /// <summary>Skips to <paramref name="target"/>; a forward-only stream that ends first is truncated.</summary>
    public void SkipTo(long target, string what)
    {
        var at = Position;
        var count = target - at;
        var skipped = _reader.Skip(count);
        if (skipped < count)
        {
            throw Truncated(at, what);
        }
    }

    /// <summary>Skips the value of a field whose tag was just read.</summary>
    public void SkipValue(int wireType, long end, string what)
    {
        switch (wireType)
        {
            case Varint:
                ReadVarint(end, what);
                break;
            case Fixed64:
                SkipFixed(8, end, what);
                break;
            case Fixed32:
                SkipFixed(4, end, what);
                break;
            default:
                SkipTo(ReadLength(end, what), what);
                break;
        }
    }

    /// <summary>Reads a string field's payload (its length already read up to <paramref name="payloadEnd"/>), at most <paramref name="maxBytes"/> long.</summary>
    public string ReadString(long payloadEnd, int maxBytes, string what)
    {
        var at = Position;
        var length = payloadEnd - at;
        if (length > maxBytes)
        {
            throw new OnnxFormatException(RuleCatalog.OnnxStructureLimitExceeded, at, $"{what} is {length} bytes long, more than the {maxBytes} bytes ModelGuard reads for one name; the rest of the model was not verified");
        }

        if (_stringBuffer.Length < length)
        {
            _stringBuffer = new byte[Math.Max(length, _stringBuffer.Length * 2)];
        }

        var bytes = new Span<byte>(_stringBuffer, 0, (int)length);
        if (!_reader.TryReadExact(bytes))
        {
            throw Truncated(at, what);
        }

        try
        {
            return StrictUtf8.GetString(_stringBuffer, 0, (int)length);
        }
        catch (DecoderFallbackException)
        {
            // proto2 parsers (C++, which ONNX Runtime uses) accept any bytes in a string: keep them distinct, one char per byte.
            var text = new StringBuilder("\uFFFD[bytes:");
            for (var i = 0; i < length; i++)
            {
                text.Append(_stringBuffer[i].ToString("X2", System.Globalization.CultureInfo.InvariantCulture));
            }

            return text.Append(']').ToString();
        }
    }

    /// <summary>Reads a bytes field's payload (its length, already checked against the content, read up to <paramref name="payloadEnd"/>).</summary>
    public byte[] ReadBytes(long payloadEnd, string what)
    {
        // In chunks: a forward-only stream's declared length is not known to be present until it has been read.
        var at = Position;
        using var copy = new MemoryStream();
        var chunk = new byte[(int)Math.Min(64 * 1024, payloadEnd - at)];
        while (Position < payloadEnd)
        {
            var span = new Span<byte>(chunk, 0, (int)Math.Min(chunk.Length, payloadEnd - Position));
            if (!_reader.TryReadExact(span))
            {
                throw Truncated(at, what);
            }

            copy.Write(chunk, 0, span.Length);
        }

        return copy.ToArray();
    }

    /// <summary>Counts the varints in a packed field whose payload ends at <paramref name="payloadEnd"/> (reads the payload).</summary>
    public long CountPackedVarints(long payloadEnd, string what)
    {
        long count = 0;
        var last = -1;
        while (Position < payloadEnd)
        {
            var b = _reader.ReadByte();
            if (b < 0)
            {
                throw Truncated(Position, what);
            }

            if ((b & 0x80) == 0)
            {
                count++;
            }

            last = b;
        }

        if (last >= 0 && (last & 0x80) != 0)
        {
            throw Malformed(payloadEnd, $"{what} ends inside a varint");
        }

        return count;
    }

    /// <summary>MG5020 at <paramref name="offset"/>.</summary>
    public static OnnxFormatException Malformed(long offset, string message) => new(RuleCatalog.OnnxMalformedProtobuf, offset, message);

    public void Dispose() => _reader.Dispose();

    private void SkipFixed(int size, long end, string what)
    {
        if (end - Position < size)
        {
            throw Malformed(Position, $"{what} needs {size} bytes but only {end - Position} bytes of its message remain");
        }

        SkipTo(Position + size, what);
    }

    private static OnnxFormatException Truncated(long offset, string what) => Malformed(offset, $"the content ends inside {what}: the file is truncated");
}
