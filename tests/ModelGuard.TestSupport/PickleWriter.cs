using System;
using System.Buffers.Binary;
using System.IO;
using System.Text;

namespace ModelGuard.TestSupport;

/// <summary>
/// Emits pickle opcodes one by one, the way CPython's pickler lays them out, so tests can build exact byte
/// sequences (including hostile ones a real pickler would never write).
/// </summary>
public sealed class PickleWriter
{
    private readonly Stream _buffer;

    /// <summary>Writes into memory; <see cref="ToArray"/> returns the bytes.</summary>
    public PickleWriter()
        : this(new MemoryStream())
    {
    }

    /// <summary>Writes straight into <paramref name="output"/> (large generated inputs); <see cref="ToArray"/> then needs a <see cref="MemoryStream"/>.</summary>
    public PickleWriter(Stream output) => _buffer = output ?? throw new ArgumentNullException(nameof(output));

    /// <summary>The stream written to (a caller may seek it forward to leave a payload as a sparse hole).</summary>
    public Stream Output => _buffer;

    public PickleWriter Op(byte opcode)
    {
        _buffer.WriteByte(opcode);
        return this;
    }

    public PickleWriter Raw(ReadOnlySpan<byte> bytes)
    {
        _buffer.Write(bytes);
        return this;
    }

    public PickleWriter Raw(string latin1) => Raw(Encoding.Latin1.GetBytes(latin1));

    public PickleWriter Proto(byte version) => Op(0x80).Op(version);

    /// <summary>FRAME with an explicit length (protocol 4+); use <see cref="ToArray"/> and count yourself or pass any length to test differentials.</summary>
    public PickleWriter Frame(ulong length) => Op(0x95).UInt64(length);

    public PickleWriter Global(string module, string name) => Op((byte)'c').Raw(module + "\n" + name + "\n");

    public PickleWriter Inst(string module, string name) => Op((byte)'i').Raw(module + "\n" + name + "\n");

    public PickleWriter StackGlobal() => Op(0x93);

    public PickleWriter ShortBinUnicode(string value)
    {
        var bytes = Encoding.UTF8.GetBytes(value);
        return Op(0x8c).Op(checked((byte)bytes.Length)).Raw(bytes);
    }

    public PickleWriter BinUnicode(string value)
    {
        var bytes = Encoding.UTF8.GetBytes(value);
        return Op((byte)'X').UInt32((uint)bytes.Length).Raw(bytes);
    }

    public PickleWriter Unicode(string value) => Op((byte)'V').Raw(value + "\n");

    public PickleWriter String(string value) => Op((byte)'S').Raw("'" + value + "'\n");

    public PickleWriter ShortBinString(string value) => Op((byte)'U').Op(checked((byte)value.Length)).Raw(value);

    public PickleWriter BinBytes(ReadOnlySpan<byte> value) => Op((byte)'B').UInt32((uint)value.Length).Raw(value);

    public PickleWriter BinInt1(byte value) => Op((byte)'K').Op(value);

    public PickleWriter BinInt2(ushort value)
    {
        Span<byte> b = stackalloc byte[2];
        BinaryPrimitives.WriteUInt16LittleEndian(b, value);
        return Op((byte)'M').Raw(b);
    }

    public PickleWriter BinFloat(double value)
    {
        Span<byte> b = stackalloc byte[8];
        BinaryPrimitives.WriteDoubleBigEndian(b, value);
        return Op((byte)'G').Raw(b);
    }

    /// <summary>BINBYTES with its 4-byte length but without the payload: the caller writes (or seeks over) the <paramref name="length"/> bytes.</summary>
    public PickleWriter BinBytesHeader(uint length) => Op((byte)'B').UInt32(length);

    /// <summary>BINBYTES8 with its 8-byte length but without the payload: the caller writes (or seeks over) the <paramref name="length"/> bytes.</summary>
    public PickleWriter BinBytes8Header(ulong length) => Op(0x8e).UInt64(length);

    public PickleWriter BinInt(int value)
    {
        Span<byte> b = stackalloc byte[4];
        BinaryPrimitives.WriteInt32LittleEndian(b, value);
        return Op((byte)'J').Raw(b);
    }

    public PickleWriter Mark() => Op((byte)'(');

    public PickleWriter Tuple() => Op((byte)'t');

    public PickleWriter Tuple1() => Op(0x85);

    public PickleWriter Tuple2() => Op(0x86);

    public PickleWriter Tuple3() => Op(0x87);

    public PickleWriter Appends() => Op((byte)'e');

    public PickleWriter EmptyTuple() => Op((byte)')');

    public PickleWriter EmptyDict() => Op((byte)'}');

    public PickleWriter EmptyList() => Op((byte)']');

    public PickleWriter Reduce() => Op((byte)'R');

    public PickleWriter Build() => Op((byte)'b');

    public PickleWriter NewObj() => Op(0x81);

    public PickleWriter SetItem() => Op((byte)'s');

    public PickleWriter SetItems() => Op((byte)'u');

    public PickleWriter Append() => Op((byte)'a');

    public PickleWriter None() => Op((byte)'N');

    public PickleWriter NewTrue() => Op(0x88);

    public PickleWriter NewFalse() => Op(0x89);

    public PickleWriter BinPut(byte index) => Op((byte)'q').Op(index);

    public PickleWriter BinGet(byte index) => Op((byte)'h').Op(index);

    public PickleWriter LongBinPut(uint index) => Op((byte)'r').UInt32(index);

    public PickleWriter LongBinGet(uint index) => Op((byte)'j').UInt32(index);

    public PickleWriter Put(long index) => Op((byte)'p').Raw(index.ToString(System.Globalization.CultureInfo.InvariantCulture) + "\n");

    public PickleWriter Get(long index) => Op((byte)'g').Raw(index.ToString(System.Globalization.CultureInfo.InvariantCulture) + "\n");

    public PickleWriter Memoize() => Op(0x94);

    public PickleWriter BinPersId() => Op((byte)'Q');

    public PickleWriter Pop() => Op((byte)'0');

    public PickleWriter Dup() => Op((byte)'2');

    public PickleWriter Stop() => Op((byte)'.');

    public PickleWriter UInt32(uint value)
    {
        Span<byte> b = stackalloc byte[4];
        BinaryPrimitives.WriteUInt32LittleEndian(b, value);
        return Raw(b);
    }

    public PickleWriter UInt64(ulong value)
    {
        Span<byte> b = stackalloc byte[8];
        BinaryPrimitives.WriteUInt64LittleEndian(b, value);
        return Raw(b);
    }

    /// <summary>Calls <paramref name="module"/>.<paramref name="name"/>(<paramref name="argument"/>) with protocol-2 opcodes, as <c>__reduce__</c> would.</summary>
    public PickleWriter CallWithString(string module, string name, string argument)
        => Global(module, name).BinUnicode(argument).Tuple1().Reduce();

    public byte[] ToArray() => _buffer is MemoryStream memory
        ? memory.ToArray()
        : throw new InvalidOperationException("This writer writes to a stream, not to memory.");
}
