using System.Collections.Generic;
using System.Linq;

namespace ModelGuard.Engine.Formats.Pickle;

/// <summary>The opcode names pickletools prints, for messages users can compare with a disassembly.</summary>
internal static class PickleOpcodeNames
{
    private static readonly Dictionary<PickleOpcode, string> Names = new()
    {
        [PickleOpcode.Mark] = "MARK", [PickleOpcode.Stop] = "STOP", [PickleOpcode.Pop] = "POP", [PickleOpcode.PopMark] = "POP_MARK",
        [PickleOpcode.Dup] = "DUP", [PickleOpcode.Float] = "FLOAT", [PickleOpcode.Int] = "INT", [PickleOpcode.BinInt] = "BININT",
        [PickleOpcode.BinInt1] = "BININT1", [PickleOpcode.Long] = "LONG", [PickleOpcode.BinInt2] = "BININT2", [PickleOpcode.None] = "NONE",
        [PickleOpcode.PersId] = "PERSID", [PickleOpcode.BinPersId] = "BINPERSID", [PickleOpcode.Reduce] = "REDUCE", [PickleOpcode.String] = "STRING",
        [PickleOpcode.BinString] = "BINSTRING", [PickleOpcode.ShortBinString] = "SHORT_BINSTRING", [PickleOpcode.Unicode] = "UNICODE",
        [PickleOpcode.BinUnicode] = "BINUNICODE", [PickleOpcode.Append] = "APPEND", [PickleOpcode.Build] = "BUILD", [PickleOpcode.Global] = "GLOBAL",
        [PickleOpcode.Dict] = "DICT", [PickleOpcode.EmptyDict] = "EMPTY_DICT", [PickleOpcode.Appends] = "APPENDS", [PickleOpcode.Get] = "GET",
        [PickleOpcode.BinGet] = "BINGET", [PickleOpcode.Inst] = "INST", [PickleOpcode.LongBinGet] = "LONG_BINGET", [PickleOpcode.List] = "LIST",
        [PickleOpcode.EmptyList] = "EMPTY_LIST", [PickleOpcode.Obj] = "OBJ", [PickleOpcode.Put] = "PUT", [PickleOpcode.BinPut] = "BINPUT",
        [PickleOpcode.LongBinPut] = "LONG_BINPUT", [PickleOpcode.SetItem] = "SETITEM", [PickleOpcode.Tuple] = "TUPLE",
        [PickleOpcode.EmptyTuple] = "EMPTY_TUPLE", [PickleOpcode.SetItems] = "SETITEMS", [PickleOpcode.BinFloat] = "BINFLOAT",
        [PickleOpcode.Proto] = "PROTO", [PickleOpcode.NewObj] = "NEWOBJ", [PickleOpcode.Ext1] = "EXT1", [PickleOpcode.Ext2] = "EXT2",
        [PickleOpcode.Ext4] = "EXT4", [PickleOpcode.Tuple1] = "TUPLE1", [PickleOpcode.Tuple2] = "TUPLE2", [PickleOpcode.Tuple3] = "TUPLE3",
        [PickleOpcode.NewTrue] = "NEWTRUE", [PickleOpcode.NewFalse] = "NEWFALSE", [PickleOpcode.Long1] = "LONG1", [PickleOpcode.Long4] = "LONG4",
        [PickleOpcode.BinBytes] = "BINBYTES", [PickleOpcode.ShortBinBytes] = "SHORT_BINBYTES", [PickleOpcode.ShortBinUnicode] = "SHORT_BINUNICODE",
        [PickleOpcode.BinUnicode8] = "BINUNICODE8", [PickleOpcode.BinBytes8] = "BINBYTES8", [PickleOpcode.EmptySet] = "EMPTY_SET",
        [PickleOpcode.AddItems] = "ADDITEMS", [PickleOpcode.FrozenSet] = "FROZENSET", [PickleOpcode.NewObjEx] = "NEWOBJ_EX",
        [PickleOpcode.StackGlobal] = "STACK_GLOBAL", [PickleOpcode.Memoize] = "MEMOIZE", [PickleOpcode.Frame] = "FRAME",
        [PickleOpcode.ByteArray8] = "BYTEARRAY8", [PickleOpcode.NextBuffer] = "NEXT_BUFFER", [PickleOpcode.ReadOnlyBuffer] = "READONLY_BUFFER",
    };

    /// <summary>Every defined opcode.</summary>
    public static IReadOnlyCollection<PickleOpcode> All => Names.Keys;

    public static bool IsDefined(byte code) => Names.ContainsKey((PickleOpcode)code);

    public static string Of(PickleOpcode op) => Names.TryGetValue(op, out var name) ? name : $"0x{(byte)op:x2}";
}
