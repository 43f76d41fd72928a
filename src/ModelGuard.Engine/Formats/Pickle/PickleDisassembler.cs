using System;
using System.Buffers.Binary;
using System.Globalization;
using ModelGuard.Engine.IO;

namespace ModelGuard.Engine.Formats.Pickle;

/// <summary>
/// Streaming decoder of pickle opcodes (protocols 0 to 5), reading arguments exactly as CPython's C unpickler
/// does and failing where it fails. String and bytes payloads longer than <see cref="MaxTextBytes"/> are
/// skipped with a seek; nothing is executed or materialised.
/// </summary>
internal sealed class PickleDisassembler
{
    /// <summary>The longest string whose text is kept (module and attribute names are far shorter).</summary>
    public const int MaxTextBytes = 4096;

    private const int HighestProtocol = 5;

    private readonly BufferedByteReader _reader;
    // Allocated on first use: most pickles never need them (arguments are read in place from the reader's buffer, and
    // protocol 2+ pickles rarely have line arguments), and a build scans thousands of small ones.
    private byte[]? _lineBuffer;
    private byte[]? _scratchBuffer;
    private long _frameEnd = -1;
    private byte[]? _captured;
    private bool _captureEnabled;

    public PickleDisassembler(BufferedByteReader reader) => _reader = reader;

    private byte[] Line => _lineBuffer ??= new byte[MaxTextBytes];

    private byte[] Scratch => _scratchBuffer ??= new byte[MaxTextBytes];

    /// <summary>Offset of the next opcode.</summary>
    public long Position => _reader.Position;

    /// <summary>The reader the opcodes come from (<see cref="DataPickleWalker"/> walks its buffer in place).</summary>
    internal BufferedByteReader Reader => _reader;

    /// <summary>Whether <see cref="Restore"/> can go back to a <see cref="Save"/>d point: the data can be read again.</summary>
    public bool CanRestore => _reader.CanRewind;

    /// <summary>Where decoding stands (position and open FRAME), to decode the same opcodes again later with <see cref="Restore"/>.</summary>
    public Checkpoint Save() => new(_reader.Consumed, _frameEnd);

    public void Restore(Checkpoint checkpoint)
    {
        _reader.Rewind(checkpoint.Consumed);
        _frameEnd = checkpoint.FrameEnd;
    }

    /// <summary>How many bytes of bytes (and long str) payloads may still be kept in memory for <see cref="TakeCapturedBytes"/>.</summary>
    public long CaptureBudget { get; private set; }

    /// <summary>
    /// Starts keeping payloads, <paramref name="budget"/> bytes in all for the whole content: the simulator calls it once a
    /// stream imports a loader whose bytes argument is scanned as nested content. Later calls change nothing, so stacked
    /// streams share one budget.
    /// </summary>
    public void EnableCapture(long budget)
    {
        if (!_captureEnabled)
        {
            _captureEnabled = true;
            CaptureBudget = budget;
        }
    }

    /// <summary>The payload of the bytes opcode just read when it was captured (see <see cref="CaptureBudget"/>), else null; taking it clears it.</summary>
    public byte[]? TakeCapturedBytes()
    {
        var captured = _captured;
        _captured = null;
        return captured;
    }

    /// <summary>Reads one byte that is data, not an opcode (joblib writes raw array bytes between opcodes); -1 at the end.</summary>
    public int ReadRawByte() => _reader.ReadByte();

    /// <summary>Fills <paramref name="destination"/> with raw data; false when the data ends first.</summary>
    public bool TryReadRaw(Span<byte> destination) => _reader.TryReadExact(destination);

    /// <summary>Skips raw data (with a seek when possible); returns how many bytes were there.</summary>
    public long SkipRaw(long count) => _reader.Skip(count);

    /// <summary>Reads the next instruction; false at the end of the data (the caller decides whether that is a truncation).</summary>
    public bool TryRead(out PickleInstruction instruction)
    {
        var offset = _reader.Position;
        var code = _reader.ReadByte();
        if (code < 0)
        {
            if (_frameEnd > offset)
            {
                throw new PickleFormatException(offset, $"the data ends inside a FRAME that declared {_frameEnd - offset} more bytes");
            }

            instruction = default;
            return false;
        }

        // The common fixed-width opcodes are decoded here from the buffer when their argument is already in it; everything
        // else (and an argument that straddles a refill or is cut short) goes through Decode, which reports truncation.
        var op = (PickleOpcode)code;
        switch (Shapes[code])
        {
            case ShapeNoArgument:
                instruction = new PickleInstruction(op, offset);
                return true;
            case ShapeUInt8 when _reader.TryTakeBuffered(1, out var one):
                instruction = new PickleInstruction(op, offset, one[0]);
                return true;
            case ShapeUInt16 when _reader.TryTakeBuffered(2, out var two):
                instruction = new PickleInstruction(op, offset, BinaryPrimitives.ReadUInt16LittleEndian(two));
                return true;
            case ShapeInt32 when _reader.TryTakeBuffered(4, out var four):
                instruction = new PickleInstruction(op, offset, BinaryPrimitives.ReadInt32LittleEndian(four));
                return true;
            case ShapeUInt32 when _reader.TryTakeBuffered(4, out var unsigned):
                instruction = new PickleInstruction(op, offset, BinaryPrimitives.ReadUInt32LittleEndian(unsigned));
                return true;
            case ShapeFloat when _reader.TryTakeBuffered(8, out _):
                instruction = new PickleInstruction(op, offset);
                return true;
        }

        instruction = Decode(op, offset);
        return true;
    }

    private const byte ShapeDecode = 0;
    private const byte ShapeNoArgument = 1;
    private const byte ShapeUInt8 = 2;
    private const byte ShapeUInt16 = 3;
    private const byte ShapeInt32 = 4;
    private const byte ShapeUInt32 = 5;
    private const byte ShapeFloat = 6;

    /// <summary>For each opcode byte, how <see cref="TryRead"/> decodes it without <see cref="Decode"/> (exactly as Decode would).</summary>
    private static readonly byte[] Shapes = BuildShapes();

    private static byte[] BuildShapes()
    {
        var shapes = new byte[256];
        foreach (var op in new[]
        {
            PickleOpcode.Mark, PickleOpcode.Stop, PickleOpcode.Pop, PickleOpcode.PopMark, PickleOpcode.Dup, PickleOpcode.None,
            PickleOpcode.BinPersId, PickleOpcode.Reduce, PickleOpcode.Append, PickleOpcode.Build, PickleOpcode.Dict, PickleOpcode.EmptyDict,
            PickleOpcode.Appends, PickleOpcode.List, PickleOpcode.EmptyList, PickleOpcode.Obj, PickleOpcode.SetItem, PickleOpcode.Tuple,
            PickleOpcode.EmptyTuple, PickleOpcode.SetItems, PickleOpcode.NewObj, PickleOpcode.Tuple1, PickleOpcode.Tuple2, PickleOpcode.Tuple3,
            PickleOpcode.NewTrue, PickleOpcode.NewFalse, PickleOpcode.EmptySet, PickleOpcode.AddItems, PickleOpcode.FrozenSet,
            PickleOpcode.NewObjEx, PickleOpcode.StackGlobal, PickleOpcode.Memoize, PickleOpcode.NextBuffer, PickleOpcode.ReadOnlyBuffer,
        })
        {
            shapes[(byte)op] = ShapeNoArgument;
        }

        shapes[(byte)PickleOpcode.BinInt1] = ShapeUInt8;
        shapes[(byte)PickleOpcode.BinGet] = ShapeUInt8;
        shapes[(byte)PickleOpcode.BinPut] = ShapeUInt8;
        shapes[(byte)PickleOpcode.BinInt2] = ShapeUInt16;
        shapes[(byte)PickleOpcode.BinInt] = ShapeInt32;
        shapes[(byte)PickleOpcode.LongBinGet] = ShapeUInt32;
        shapes[(byte)PickleOpcode.LongBinPut] = ShapeUInt32;
        shapes[(byte)PickleOpcode.BinFloat] = ShapeFloat;
        return shapes;
    }

    private PickleInstruction Decode(PickleOpcode op, long offset)
    {
        switch (op)
        {
            case PickleOpcode.Mark:
            case PickleOpcode.Stop:
            case PickleOpcode.Pop:
            case PickleOpcode.PopMark:
            case PickleOpcode.Dup:
            case PickleOpcode.None:
            case PickleOpcode.BinPersId:
            case PickleOpcode.Reduce:
            case PickleOpcode.Append:
            case PickleOpcode.Build:
            case PickleOpcode.Dict:
            case PickleOpcode.EmptyDict:
            case PickleOpcode.Appends:
            case PickleOpcode.List:
            case PickleOpcode.EmptyList:
            case PickleOpcode.Obj:
            case PickleOpcode.SetItem:
            case PickleOpcode.Tuple:
            case PickleOpcode.EmptyTuple:
            case PickleOpcode.SetItems:
            case PickleOpcode.NewObj:
            case PickleOpcode.Tuple1:
            case PickleOpcode.Tuple2:
            case PickleOpcode.Tuple3:
            case PickleOpcode.NewTrue:
            case PickleOpcode.NewFalse:
            case PickleOpcode.EmptySet:
            case PickleOpcode.AddItems:
            case PickleOpcode.FrozenSet:
            case PickleOpcode.NewObjEx:
            case PickleOpcode.StackGlobal:
            case PickleOpcode.Memoize:
            case PickleOpcode.NextBuffer:
            case PickleOpcode.ReadOnlyBuffer:
                return new PickleInstruction(op, offset);

            case PickleOpcode.Int:
                return DecodeIntLine(op, offset);
            case PickleOpcode.Long:
                return DecodeLongLine(offset);
            case PickleOpcode.Float:
                {
                    var text = ReadAsciiLine(op, offset);
                    if (!PythonLiterals.IsFloatLiteral(text))
                    {
                        throw new PickleFormatException(offset, $"FLOAT argument '{Shorten(text)}' is not a number");
                    }

                    return new PickleInstruction(op, offset);
                }

            case PickleOpcode.BinFloat:
                ReadFixed(8, op, offset);
                return new PickleInstruction(op, offset);
            case PickleOpcode.BinInt:
                return new PickleInstruction(op, offset, BinaryPrimitives.ReadInt32LittleEndian(ReadFixed(4, op, offset)));
            case PickleOpcode.BinInt1:
                return new PickleInstruction(op, offset, ReadFixed(1, op, offset)[0]);
            case PickleOpcode.BinInt2:
                return new PickleInstruction(op, offset, BinaryPrimitives.ReadUInt16LittleEndian(ReadFixed(2, op, offset)));
            case PickleOpcode.Long1:
                return DecodeBinaryLong(op, offset, ReadFixed(1, op, offset)[0]);
            case PickleOpcode.Long4:
                {
                    var n = BinaryPrimitives.ReadInt32LittleEndian(ReadFixed(4, op, offset));
                    if (n < 0)
                    {
                        throw new PickleFormatException(offset, "LONG4 has a negative byte count");
                    }

                    return DecodeBinaryLong(op, offset, n);
                }

            case PickleOpcode.String:
                {
                    var length = ReadLine(op, offset, out var kept);
                    if (length > MaxTextBytes)
                    {
                        return new PickleInstruction(op, offset, payloadLength: length);
                    }

                    if (!PythonLiterals.TryDecodeQuotedString(Line.AsSpan(0, kept), out var text))
                    {
                        throw new PickleFormatException(offset, "STRING argument is not a correctly quoted string");
                    }

                    return new PickleInstruction(op, offset, text: text, payloadLength: length);
                }

            case PickleOpcode.Unicode:
                {
                    var length = ReadLine(op, offset, out var kept);
                    if (length > MaxTextBytes)
                    {
                        return new PickleInstruction(op, offset, payloadLength: length);
                    }

                    if (!PythonLiterals.TryDecodeRawUnicodeEscape(Line.AsSpan(0, kept), out var text))
                    {
                        throw new PickleFormatException(offset, "UNICODE argument has a malformed \\u or \\U escape");
                    }

                    return new PickleInstruction(op, offset, text: text, payloadLength: length);
                }

            case PickleOpcode.BinString:
                {
                    var n = BinaryPrimitives.ReadInt32LittleEndian(ReadFixed(4, op, offset));
                    if (n < 0)
                    {
                        throw new PickleFormatException(offset, "BINSTRING has a negative byte count");
                    }

                    return ReadPayload(op, offset, n, PayloadText.Latin1);
                }

            case PickleOpcode.ShortBinString:
                return ReadPayload(op, offset, ReadFixed(1, op, offset)[0], PayloadText.Latin1);
            case PickleOpcode.BinUnicode:
                return ReadPayload(op, offset, BinaryPrimitives.ReadUInt32LittleEndian(ReadFixed(4, op, offset)), PayloadText.Utf8);
            case PickleOpcode.ShortBinUnicode:
                return ReadPayload(op, offset, ReadFixed(1, op, offset)[0], PayloadText.Utf8);
            case PickleOpcode.BinUnicode8:
                return ReadPayload(op, offset, ReadSize8(op, offset), PayloadText.Utf8);
            case PickleOpcode.BinBytes:
                return ReadPayload(op, offset, BinaryPrimitives.ReadUInt32LittleEndian(ReadFixed(4, op, offset)), PayloadText.None);
            case PickleOpcode.ShortBinBytes:
                return ReadPayload(op, offset, ReadFixed(1, op, offset)[0], PayloadText.None);
            case PickleOpcode.BinBytes8:
            case PickleOpcode.ByteArray8:
                return ReadPayload(op, offset, ReadSize8(op, offset), PayloadText.None);

            case PickleOpcode.PersId:
                {
                    var length = ReadLine(op, offset, out var kept);
                    for (var i = 0; i < kept; i++)
                    {
                        if (Line[i] >= 0x80)
                        {
                            throw new PickleFormatException(offset, "PERSID argument is not ASCII");
                        }
                    }

                    return new PickleInstruction(op, offset, payloadLength: length);
                }

            case PickleOpcode.Global:
            case PickleOpcode.Inst:
                {
                    var module = ReadName(op, offset, "module");
                    var name = ReadName(op, offset, "name");
                    return new PickleInstruction(op, offset, text: module, text2: name);
                }

            case PickleOpcode.Get:
            case PickleOpcode.Put:
                {
                    var text = ReadAsciiLine(op, offset);
                    if (!PythonLiterals.TryParseInteger(text, allowAnyBase: false, out var index, out var overflow))
                    {
                        throw new PickleFormatException(offset, $"{Name(op)} argument '{Shorten(text)}' is not an integer");
                    }

                    if (op == PickleOpcode.Put && (index < 0 || (overflow && text.TrimStart().StartsWith("-", StringComparison.Ordinal))))
                    {
                        throw new PickleFormatException(offset, "negative PUT argument");
                    }

                    return new PickleInstruction(op, offset, index, integerOverflow: overflow);
                }

            case PickleOpcode.BinGet:
            case PickleOpcode.BinPut:
                return new PickleInstruction(op, offset, ReadFixed(1, op, offset)[0]);
            case PickleOpcode.LongBinGet:
            case PickleOpcode.LongBinPut:
                return new PickleInstruction(op, offset, BinaryPrimitives.ReadUInt32LittleEndian(ReadFixed(4, op, offset)));

            case PickleOpcode.Ext1:
            case PickleOpcode.Ext2:
            case PickleOpcode.Ext4:
                {
                    var width = op == PickleOpcode.Ext1 ? 1 : op == PickleOpcode.Ext2 ? 2 : 4;
                    var bytes = ReadFixed(width, op, offset);
                    long code = width == 1 ? bytes[0] : width == 2 ? BinaryPrimitives.ReadUInt16LittleEndian(bytes) : BinaryPrimitives.ReadInt32LittleEndian(bytes);
                    if (code <= 0)
                    {
                        throw new PickleFormatException(offset, "EXT specifies code <= 0");
                    }

                    return new PickleInstruction(op, offset, code);
                }

            case PickleOpcode.Proto:
                {
                    var version = ReadFixed(1, op, offset)[0];
                    if (version > HighestProtocol)
                    {
                        throw new PickleFormatException(offset, $"unsupported pickle protocol: {version}");
                    }

                    return new PickleInstruction(op, offset, version);
                }

            case PickleOpcode.Frame:
                {
                    var length = ReadSize8(op, offset);
                    var remaining = _reader.Remaining;
                    if (remaining is { } r && length > r)
                    {
                        throw new PickleFormatException(offset, $"FRAME declares {length} bytes but only {r} remain");
                    }

                    _frameEnd = Math.Max(_frameEnd, _reader.Position + length);
                    return new PickleInstruction(op, offset, length);
                }

            default:
                throw new PickleFormatException(offset, $"invalid load key 0x{(byte)op:x2}: not a pickle opcode");
        }
    }

    private enum PayloadText
    {
        None,
        Latin1,
        Utf8,
    }

    private PickleInstruction ReadPayload(PickleOpcode op, long offset, long length, PayloadText kind)
    {
        // A payload kept earlier and never taken (a walked stream, a str) must not be mistaken for this one's.
        _captured = null;
        if ((kind == PayloadText.None || (kind == PayloadText.Utf8 && length > MaxTextBytes)) && length <= CaptureBudget)
        {
            var data = new byte[length];
            if (!_reader.TryReadExact(data))
            {
                throw Truncated(op, offset, $"its {length}-byte payload is cut short");
            }

            CaptureBudget -= length;
            _captured = data;
            return new PickleInstruction(op, offset, payloadLength: length);
        }

        if (kind == PayloadText.None || length > MaxTextBytes)
        {
            var skipped = _reader.Skip(length);
            if (skipped < length)
            {
                throw Truncated(op, offset, $"its {length}-byte payload has only {skipped} bytes");
            }

            return new PickleInstruction(op, offset, payloadLength: length);
        }

        ReadOnlySpan<byte> span;
        if (!_reader.TryTakeBuffered((int)length, out span))
        {
            var copy = Scratch.AsSpan(0, (int)length);
            if (!_reader.TryReadExact(copy))
            {
                throw Truncated(op, offset, $"its {length}-byte payload is cut short");
            }

            span = copy;
        }

        string text;
        if (kind == PayloadText.Latin1)
        {
            text = PythonLiterals.Latin1Decode(span);
        }
        else if (!PythonLiterals.TryDecodeUtf8SurrogatePass(span, out text))
        {
            throw new PickleFormatException(offset, $"{Name(op)} payload is not valid UTF-8");
        }

        return new PickleInstruction(op, offset, text: text, payloadLength: length);
    }

    private PickleInstruction DecodeIntLine(PickleOpcode op, long offset)
    {
        var text = ReadAsciiLine(op, offset);
        if (text is "00" or "01")
        {
            return new PickleInstruction(op, offset, text == "01" ? 1 : 0);
        }

        if (!PythonLiterals.TryParseInteger(text, allowAnyBase: true, out var value, out var overflow))
        {
            throw new PickleFormatException(offset, $"INT argument '{Shorten(text)}' is not an integer");
        }

        return new PickleInstruction(op, offset, value, integerOverflow: overflow);
    }

    private PickleInstruction DecodeLongLine(long offset)
    {
        var text = ReadAsciiLine(PickleOpcode.Long, offset);
        var digits = text.EndsWith("L", StringComparison.Ordinal) ? text.Substring(0, text.Length - 1) : text;
        if (!PythonLiterals.TryParseInteger(digits, allowAnyBase: true, out var value, out var overflow))
        {
            throw new PickleFormatException(offset, $"LONG argument '{Shorten(text)}' is not an integer");
        }

        return new PickleInstruction(PickleOpcode.Long, offset, value, integerOverflow: overflow);
    }

    private PickleInstruction DecodeBinaryLong(PickleOpcode op, long offset, long byteCount)
    {
        if (byteCount > 8)
        {
            var skipped = _reader.Skip(byteCount);
            if (skipped < byteCount)
            {
                throw Truncated(op, offset, $"its {byteCount}-byte value has only {skipped} bytes");
            }

            return new PickleInstruction(op, offset, integerOverflow: true, payloadLength: byteCount);
        }

        var bytes = ReadFixed((int)byteCount, op, offset);
        long value = 0;
        for (var i = bytes.Length - 1; i >= 0; i--)
        {
            value = (value << 8) | bytes[i];
        }

        if (bytes.Length is > 0 and < 8 && (bytes[bytes.Length - 1] & 0x80) != 0)
        {
            value -= 1L << (8 * bytes.Length); // two's complement sign extension
        }

        return new PickleInstruction(op, offset, value, payloadLength: byteCount);
    }

    private long ReadSize8(PickleOpcode op, long offset)
    {
        var size = BinaryPrimitives.ReadUInt64LittleEndian(ReadFixed(8, op, offset));
        if (size > long.MaxValue)
        {
            throw new PickleFormatException(offset, $"{Name(op)} declares {size} bytes, more than any file can hold");
        }

        return (long)size;
    }

    private ReadOnlySpan<byte> ReadFixed(int count, PickleOpcode op, long offset)
    {
        if (_reader.TryTakeBuffered(count, out var buffered))
        {
            return buffered;
        }

        var span = Scratch.AsSpan(0, count);
        if (!_reader.TryReadExact(span))
        {
            throw Truncated(op, offset, $"its {count}-byte argument is cut short");
        }

        return span;
    }

    private long ReadLine(PickleOpcode op, long offset, out int kept)
    {
        var length = _reader.ReadLine(Line, out kept);
        if (length < 0)
        {
            throw Truncated(op, offset, "its argument has no terminating newline");
        }

        return length;
    }

    private string ReadAsciiLine(PickleOpcode op, long offset)
    {
        var length = ReadLine(op, offset, out var kept);
        if (length > MaxTextBytes)
        {
            throw new PickleFormatException(offset, $"{Name(op)} argument is {length} bytes long");
        }

        return PythonLiterals.Latin1Decode(Line.AsSpan(0, kept));
    }

    private string ReadName(PickleOpcode op, long offset, string what)
    {
        var length = ReadLine(op, offset, out var kept);
        if (length == 0)
        {
            throw new PickleFormatException(offset, $"{Name(op)} has an empty {what}");
        }

        if (length > MaxTextBytes)
        {
            throw new PickleFormatException(offset, $"{Name(op)} {what} is {length} bytes long");
        }

        if (!PythonLiterals.TryDecodeUtf8Strict(Line.AsSpan(0, kept), out var text))
        {
            throw new PickleFormatException(offset, $"{Name(op)} {what} is not valid UTF-8");
        }

        return text;
    }

    private static PickleFormatException Truncated(PickleOpcode op, long offset, string detail)
        => new(offset, $"the data ends inside {Name(op)}: {detail}");

    internal static string Name(PickleOpcode op) => op switch
    {
        PickleOpcode.BinPersId => "BINPERSID",
        _ => PickleOpcodeNames.Of(op),
    };

    private static string Shorten(string text) => text.Length <= 40 ? text : text.Substring(0, 40) + "…";

    internal readonly struct Checkpoint
    {
        public Checkpoint(long consumed, long frameEnd)
        {
            Consumed = consumed;
            FrameEnd = frameEnd;
        }

        public long Consumed { get; }

        public long FrameEnd { get; }
    }
}
