using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using ModelGuard.Engine.Formats.Pickle;
using ModelGuard.Engine.IO;
using ModelGuard.TestSupport;

namespace ModelGuard.Engine.Tests.Formats.Pickle;

/// <summary>Each opcode of protocols 0 to 5 decoded from bytes the test-side writer produces, arguments included.</summary>
public sealed class PickleDisassemblerOpcodeTests
{
    /// <summary>One encoded instruction per opcode, with the integer and text arguments the decoder must return.</summary>
    private static readonly (PickleOpcode Op, byte[] Bytes, long Integer, string? Text)[] Cases =
    {
        (PickleOpcode.Mark, W().Mark().ToArray(), 0, null),
        (PickleOpcode.Stop, W().Stop().ToArray(), 0, null),
        (PickleOpcode.Pop, W().Pop().ToArray(), 0, null),
        (PickleOpcode.PopMark, W().Op((byte)'1').ToArray(), 0, null),
        (PickleOpcode.Dup, W().Dup().ToArray(), 0, null),
        (PickleOpcode.Float, W().Op((byte)'F').Raw("1.25e3\n").ToArray(), 0, null),
        (PickleOpcode.Int, W().Op((byte)'I').Raw("-42\n").ToArray(), -42, null),
        (PickleOpcode.BinInt, W().BinInt(-7).ToArray(), -7, null),
        (PickleOpcode.BinInt1, W().BinInt1(200).ToArray(), 200, null),
        (PickleOpcode.Long, W().Op((byte)'L').Raw("123456789012L\n").ToArray(), 123456789012, null),
        (PickleOpcode.BinInt2, W().Op((byte)'M').Raw(new byte[] { 0x34, 0x12 }).ToArray(), 0x1234, null),
        (PickleOpcode.None, W().None().ToArray(), 0, null),
        (PickleOpcode.PersId, W().Op((byte)'P').Raw("storage0\n").ToArray(), 0, null),
        (PickleOpcode.BinPersId, W().BinPersId().ToArray(), 0, null),
        (PickleOpcode.Reduce, W().Reduce().ToArray(), 0, null),
        (PickleOpcode.String, W().String("a\\x41\\n").ToArray(), 0, "aA\n"),
        (PickleOpcode.BinString, W().Op((byte)'T').UInt32(3).Raw("abc").ToArray(), 0, "abc"),
        (PickleOpcode.ShortBinString, W().ShortBinString("os").ToArray(), 0, "os"),
        (PickleOpcode.Unicode, W().Unicode("sys\\u0074em").ToArray(), 0, "system"),
        (PickleOpcode.BinUnicode, W().BinUnicode("é").ToArray(), 0, "é"),
        (PickleOpcode.Append, W().Append().ToArray(), 0, null),
        (PickleOpcode.Build, W().Build().ToArray(), 0, null),
        (PickleOpcode.Global, W().Global("os", "system").ToArray(), 0, "os"),
        (PickleOpcode.Dict, W().Op((byte)'d').ToArray(), 0, null),
        (PickleOpcode.EmptyDict, W().EmptyDict().ToArray(), 0, null),
        (PickleOpcode.Appends, W().Op((byte)'e').ToArray(), 0, null),
        (PickleOpcode.Get, W().Get(12).ToArray(), 12, null),
        (PickleOpcode.BinGet, W().BinGet(7).ToArray(), 7, null),
        (PickleOpcode.Inst, W().Inst("subprocess", "Popen").ToArray(), 0, "subprocess"),
        (PickleOpcode.LongBinGet, W().LongBinGet(0xFFFFFFFF).ToArray(), 0xFFFFFFFF, null),
        (PickleOpcode.List, W().Op((byte)'l').ToArray(), 0, null),
        (PickleOpcode.EmptyList, W().EmptyList().ToArray(), 0, null),
        (PickleOpcode.Obj, W().Op((byte)'o').ToArray(), 0, null),
        (PickleOpcode.Put, W().Put(3).ToArray(), 3, null),
        (PickleOpcode.BinPut, W().BinPut(9).ToArray(), 9, null),
        (PickleOpcode.LongBinPut, W().LongBinPut(70000).ToArray(), 70000, null),
        (PickleOpcode.SetItem, W().SetItem().ToArray(), 0, null),
        (PickleOpcode.Tuple, W().Tuple().ToArray(), 0, null),
        (PickleOpcode.EmptyTuple, W().EmptyTuple().ToArray(), 0, null),
        (PickleOpcode.SetItems, W().SetItems().ToArray(), 0, null),
        (PickleOpcode.BinFloat, W().Op((byte)'G').UInt64(0).ToArray(), 0, null),
        (PickleOpcode.Proto, W().Proto(4).ToArray(), 4, null),
        (PickleOpcode.NewObj, W().NewObj().ToArray(), 0, null),
        (PickleOpcode.Ext1, W().Op(0x82).Op(5).ToArray(), 5, null),
        (PickleOpcode.Ext2, W().Op(0x83).Raw(new byte[] { 0x00, 0x01 }).ToArray(), 256, null),
        (PickleOpcode.Ext4, W().Op(0x84).UInt32(65536).ToArray(), 65536, null),
        (PickleOpcode.Tuple1, W().Tuple1().ToArray(), 0, null),
        (PickleOpcode.Tuple2, W().Tuple2().ToArray(), 0, null),
        (PickleOpcode.Tuple3, W().Op(0x87).ToArray(), 0, null),
        (PickleOpcode.NewTrue, W().NewTrue().ToArray(), 0, null),
        (PickleOpcode.NewFalse, W().NewFalse().ToArray(), 0, null),
        (PickleOpcode.Long1, W().Op(0x8a).Op(2).Raw(new byte[] { 0x00, 0xFF }).ToArray(), -256, null),
        (PickleOpcode.Long4, W().Op(0x8b).UInt32(1).Op(0x7F).ToArray(), 127, null),
        (PickleOpcode.BinBytes, W().BinBytes(new byte[] { 1, 2, 3 }).ToArray(), 0, null),
        (PickleOpcode.ShortBinBytes, W().Op((byte)'C').Op(1).Op(0).ToArray(), 0, null),
        (PickleOpcode.ShortBinUnicode, W().ShortBinUnicode("posix").ToArray(), 0, "posix"),
        (PickleOpcode.BinUnicode8, W().Op(0x8d).UInt64(2).Raw("nt").ToArray(), 0, "nt"),
        (PickleOpcode.BinBytes8, W().Op(0x8e).UInt64(2).Raw("xy").ToArray(), 0, null),
        (PickleOpcode.EmptySet, W().Op(0x8f).ToArray(), 0, null),
        (PickleOpcode.AddItems, W().Op(0x90).ToArray(), 0, null),
        (PickleOpcode.FrozenSet, W().Op(0x91).ToArray(), 0, null),
        (PickleOpcode.NewObjEx, W().Op(0x92).ToArray(), 0, null),
        (PickleOpcode.StackGlobal, W().StackGlobal().ToArray(), 0, null),
        (PickleOpcode.Memoize, W().Memoize().ToArray(), 0, null),
        (PickleOpcode.Frame, W().Frame(0).ToArray(), 0, null),
        (PickleOpcode.ByteArray8, W().Op(0x96).UInt64(1).Op(0).ToArray(), 0, null),
        (PickleOpcode.NextBuffer, W().Op(0x97).ToArray(), 0, null),
        (PickleOpcode.ReadOnlyBuffer, W().Op(0x98).ToArray(), 0, null),
    };

    public static TheoryData<string> Opcodes()
    {
        var data = new TheoryData<string>();
        foreach (var c in Cases)
        {
            data.Add(c.Op.ToString());
        }

        return data;
    }

    [Fact]
    public void Every_opcode_of_protocols_0_to_5_has_a_case()
    {
        Assert.Equal(68, PickleOpcodeNames.All.Count);
        Assert.Equal(PickleOpcodeNames.All.OrderBy(o => o), Cases.Select(c => c.Op).OrderBy(o => o));
    }

    [Theory]
    [MemberData(nameof(Opcodes))]
    public void Decodes_opcode_and_argument(string name)
    {
        var c = Cases.Single(x => x.Op.ToString() == name);
        var decoded = DecodeAll(c.Bytes);
        var instruction = Assert.Single(decoded);
        Assert.Equal(c.Op, instruction.Opcode);
        Assert.Equal(0, instruction.Offset);
        Assert.Equal(c.Integer, instruction.Integer);
        Assert.Equal(c.Text, instruction.Text);
    }

    [Fact]
    public void Global_keeps_module_and_name()
    {
        var instruction = Assert.Single(DecodeAll(W().Global("torch._utils", "_rebuild_tensor_v2").ToArray()));
        Assert.Equal(("torch._utils", "_rebuild_tensor_v2"), (instruction.Text, instruction.Text2));
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void Long_payloads_are_skipped_not_kept(bool unicode)
    {
        var payload = new string('x', PickleDisassembler.MaxTextBytes + 1);
        var bytes = unicode ? W().BinUnicode(payload).ToArray() : W().BinBytes(System.Text.Encoding.ASCII.GetBytes(payload)).ToArray();
        var instruction = Assert.Single(DecodeAll(bytes));
        Assert.Null(instruction.Text);
        Assert.Equal(payload.Length, instruction.PayloadLength);
    }

    [Fact]
    public void Payload_bytes_are_sought_over_not_read()
    {
        // BINBYTES8 declaring 8 GiB over a stream that fabricates the payload: the decoder must seek, not read it.
        const long payload = 8L << 30;
        var header = W().Proto(4).Op(0x8e).UInt64(payload).ToArray();
        var trailer = W().Stop().ToArray();
        using var stream = new SparseStream(header, payload, trailer);
        using var reader = new BufferedByteReader(stream);
        var disassembler = new PickleDisassembler(reader);
        var ops = new List<PickleOpcode>();
        while (disassembler.TryRead(out var instruction))
        {
            ops.Add(instruction.Opcode);
        }

        Assert.Equal(new[] { PickleOpcode.Proto, PickleOpcode.BinBytes8, PickleOpcode.Stop }, ops);
        Assert.True(stream.BytesRead < 1024 * 1024, $"read {stream.BytesRead} bytes");
    }

    [Theory]
    [InlineData(new byte[] { 0xFF }, "invalid load key")]
    [InlineData(new byte[] { 0x80, 0x06 }, "unsupported pickle protocol")]
    [InlineData(new byte[] { (byte)'X', 0x10, 0, 0, 0, (byte)'a' }, "ends inside BINUNICODE")]
    [InlineData(new byte[] { (byte)'c', (byte)'o', (byte)'s' }, "no terminating newline")]
    [InlineData(new byte[] { (byte)'c', (byte)'o', (byte)'s', (byte)'\n', 0xF8, (byte)'\n' }, "not valid UTF-8")]
    [InlineData(new byte[] { (byte)'I', (byte)'x', (byte)'\n' }, "not an integer")]
    [InlineData(new byte[] { (byte)'p', (byte)'-', (byte)'1', (byte)'\n' }, "negative PUT")]
    [InlineData(new byte[] { (byte)'S', (byte)'a', (byte)'b', (byte)'\n' }, "not a correctly quoted string")]
    [InlineData(new byte[] { (byte)'T', 0xFF, 0xFF, 0xFF, 0xFF }, "negative byte count")]
    [InlineData(new byte[] { 0x82, 0x00 }, "EXT specifies code <= 0")]
    [InlineData(new byte[] { 0x95, 0x00, 0x01, 0, 0, 0, 0, 0, 0 }, "FRAME declares 256 bytes but only 0 remain")]
    [InlineData(new byte[] { 0x8e, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF }, "more than any file can hold")]
    public void Malformed_arguments_fail_like_the_unpickler(byte[] bytes, string reason)
    {
        var ex = Assert.Throws<PickleFormatException>(() => DecodeAll(bytes));
        Assert.Contains(reason, ex.Message, StringComparison.Ordinal);
        Assert.Equal(0, ex.Offset);
    }

    private static PickleWriter W() => new();

    private static List<PickleInstruction> DecodeAll(byte[] bytes)
    {
        using var stream = new MemoryStream(bytes);
        using var reader = new BufferedByteReader(stream);
        var disassembler = new PickleDisassembler(reader);
        var result = new List<PickleInstruction>();
        while (disassembler.TryRead(out var instruction))
        {
            result.Add(instruction);
        }

        return result;
    }
}
