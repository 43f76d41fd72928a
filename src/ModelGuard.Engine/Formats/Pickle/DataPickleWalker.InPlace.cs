using System;
using System.Buffers.Binary;
using System.Runtime.CompilerServices;

namespace ModelGuard.Engine.Formats.Pickle;

/// <summary>The walk's inner loop: the common data opcodes over the buffered bytes, with no call in the loop.</summary>
internal sealed partial class DataPickleWalker
{
    // Per opcode byte: the case of the walk's switch. A dense numbering makes the switch one jump table, one indirect branch
    // that the processor predicts from the opcodes before it; and each case advances by a constant, so a correct prediction
    // also tells the processor where the next opcode is (a size looked up in a table made every opcode wait for the loads of
    // the one before: 312 against 235 ms for the dense benchmark pickle).
    private static readonly byte[] Kinds = BuildKinds();

    private enum Kind : byte
    {
        NeedsCall,
        PushOne,
        BinInt1,
        BinInt2,
        BinInt,
        BinFloat,
        ReplaceTop,
        Tuple2,
        Tuple3,
        Append,
        SetItem,
        Dup,
        Stop,
        Mark,
        ShortText,
        BinUnicode,
        Memoize,
        BinPut,
        LongBinPut,
        BinGet,
        LongBinGet,
        Collect,
        Dict,
        PopMark,
        AddToContainer,
        SetItems,
        Pop,
    }

    private enum Outcome
    {
        /// <summary>The walk reached the point where the buffer must be refilled.</summary>
        Refill,

        /// <summary>Past a STOP that loads: the stream is plain data.</summary>
        Stop,

        /// <summary>An opcode the walk cannot vouch for.</summary>
        Undecided,

        /// <summary>The opcode at the position needs <see cref="TakeStepWithCalls"/>.</summary>
        NeedsCall,
    }

    /// <summary>The walk's state between <see cref="WalkInPlace"/> and the steps with calls.</summary>
    private struct WalkState
    {
        public int Pos;
        public int End;
        public int Depth;
        public int Fence;
        public int MarkCount;
        public int MemoCount;

        /// <summary>
        /// While true the memo's set indices are exactly 0 to MemoCount - 1, as picklers number them: the bitmap is not kept,
        /// MEMOIZE only counts and BINGET compares with the count. An index set out of order fills in the bitmap and ends that.
        /// </summary>
        public bool MemoDense;

        /// <summary>Whether the bitmap has memo indices 0 to 255 all set, so that every BINGET finds its entry.</summary>
        public bool FirstEntriesSet;
    }

    /// <summary>
    /// Walks the opcodes that start before <paramref name="walkTo"/>, each of them wholly in the buffer or found cut short.
    /// The caller made sure that the stack and the memo cannot reach their limits within the buffered bytes.
    /// </summary>
    private Outcome WalkInPlace(ref WalkState state, byte[] buffer, int walkTo)
    {
        // Only what every opcode uses is copied into locals: with more, the JIT kept some of them on the stack and stored them
        // back on every BINGET. The memo's state stays in the fields and the state struct; it is read, not written, per opcode.
        var marks = _marks;
        var pos = state.Pos;
        var end = state.End;
        var depth = state.Depth;
        var fence = state.Fence;
        var markCount = state.MarkCount;
        var memoCount = state.MemoCount;
        Outcome outcome;
        while (true)
        {
            if (pos >= walkTo)
            {
                outcome = Outcome.Refill;
                break;
            }

            // Each case checks that its argument is buffered (it can be cut short only at the end of the stream) and what it
            // pops, then moves on; "break" pushes one value, "continue" pushes nothing.
            var code = buffer[pos];
            switch ((Kind)Kinds[code])
            {
                case Kind.PushOne:
                    pos++;
                    break;

                case Kind.BinInt1:
                    if (end - pos < 2)
                    {
                        goto Undecided;
                    }

                    pos += 2;
                    break;

                case Kind.BinInt2:
                    if (end - pos < 3)
                    {
                        goto Undecided;
                    }

                    pos += 3;
                    break;

                case Kind.BinInt:
                    if (end - pos < 5)
                    {
                        goto Undecided;
                    }

                    pos += 5;
                    break;

                case Kind.BinFloat:
                    if (end - pos < 9)
                    {
                        goto Undecided;
                    }

                    pos += 9;
                    break;

                case Kind.ReplaceTop:
                    // TUPLE1 and READONLY_BUFFER.
                    if (depth <= fence)
                    {
                        goto Undecided;
                    }

                    pos++;
                    continue;

                case Kind.Tuple2:
                    if (depth - fence < 2)
                    {
                        goto Undecided;
                    }

                    depth--;
                    pos++;
                    continue;

                case Kind.Tuple3:
                    if (depth - fence < 3)
                    {
                        goto Undecided;
                    }

                    depth -= 2;
                    pos++;
                    continue;

                case Kind.Append:
                    // The list stays.
                    if (depth - fence < 2)
                    {
                        goto Undecided;
                    }

                    depth--;
                    pos++;
                    continue;

                case Kind.SetItem:
                    // The dict stays.
                    if (depth - fence < 3)
                    {
                        goto Undecided;
                    }

                    depth -= 2;
                    pos++;
                    continue;

                case Kind.Dup:
                    if (depth <= fence)
                    {
                        goto Undecided;
                    }

                    pos++;
                    break;

                case Kind.Stop:
                    if (depth <= fence)
                    {
                        goto Undecided;
                    }

                    outcome = Outcome.Stop;
                    pos++;
                    goto Done;

                case Kind.Mark:
                    if (markCount >= PickleSimulator.MaxMarks)
                    {
                        goto Undecided;
                    }

                    if (markCount == marks.Length)
                    {
                        goto NeedsCall;
                    }

                    marks[markCount++] = depth;
                    fence = depth;
                    pos++;
                    continue;

                case Kind.ShortText:
                case Kind.BinUnicode:
                    {
                        // SHORT_BINUNICODE, SHORT_BINSTRING, SHORT_BINBYTES and BINUNICODE: Latin-1 and bytes are always valid;
                        // a str must be the UTF-8 the unpickler accepts, which the call checks unless it is ASCII.
                        var header = TextHeaderSize(code);
                        if (end - pos < header)
                        {
                            goto Undecided;
                        }

                        var length = TextLength(buffer, pos, header);
                        if (length > PickleDisassembler.MaxTextBytes || length > end - pos - header
                            || (code is (byte)PickleOpcode.ShortBinUnicode or (byte)PickleOpcode.BinUnicode && !IsAscii(buffer, pos + header, (int)length, end)))
                        {
                            // A long payload (the disassembler skips it unread), one not wholly buffered, or UTF-8 to validate.
                            goto NeedsCall;
                        }

                        pos += header + (int)length;
                        break;
                    }

                case Kind.Memoize when state.MemoDense:
                    if (depth <= fence)
                    {
                        goto Undecided;
                    }

                    // The caller keeps the count under its limit within the buffer: each opcode adds at most one entry.
                    memoCount++;
                    pos++;
                    continue;

                case Kind.Memoize:
                case Kind.BinPut:
                case Kind.LongBinPut:
                    {
                        // MEMOIZE numbers entries 0, 1, 2, ... (the count of distinct indices).
                        var size = MemoPutSize(code);
                        if (end - pos < size || depth <= fence)
                        {
                            goto Undecided;
                        }

                        var index = MemoPutIndex(buffer, pos, size, memoCount);
                        if (state.MemoDense && index <= memoCount)
                        {
                            // Protocols 1 to 3 number their PUTs in order too: the next index is counted, an earlier one is set again.
                            memoCount += index == memoCount ? 1 : 0;
                        }
                        else if (!state.MemoDense && (index >> 6) < _memoWordsUsed)
                        {
                            // A word already in use. A new index is counted, an index set again is not.
                            var bit = 1UL << (int)index;
                            if ((_memoSet[index >> 6] & bit) == 0)
                            {
                                _memoSet[index >> 6] |= bit;
                                memoCount++;
                            }
                        }
                        else
                        {
                            goto NeedsCall;
                        }

                        pos += size;
                        continue;
                    }

                case Kind.BinGet:
                    {
                        if (end - pos < 2)
                        {
                            goto Undecided;
                        }

                        // A dense memo holds every index below the count. Otherwise the bitmap says, until indices 0 to 255 are
                        // all set: memo entries are never removed, so from then on every BINGET finds its entry.
                        if ((buffer[pos + 1] >= memoCount || !state.MemoDense) && !state.FirstEntriesSet)
                        {
                            if (!IsMemoSet(buffer[pos + 1], ref state, memoCount))
                            {
                                goto Undecided;
                            }

                            state.FirstEntriesSet = !state.MemoDense && _memoWordsUsed >= 4 && (_memoSet[0] & _memoSet[1] & _memoSet[2] & _memoSet[3]) == ulong.MaxValue;
                        }

                        pos += 2;
                        break;
                    }

                case Kind.LongBinGet:
                    {
                        if (end - pos < 5)
                        {
                            goto Undecided;
                        }

                        if (!IsMemoSet(BinaryPrimitives.ReadUInt32LittleEndian(new ReadOnlySpan<byte>(buffer, pos + 1, 4)), ref state, memoCount))
                        {
                            goto Undecided;
                        }

                        pos += 5;
                        break;
                    }

                case Kind.Collect:
                case Kind.Dict:
                    {
                        // TUPLE, LIST, FROZENSET and DICT: the items above the mark become one value.
                        if (markCount == 0)
                        {
                            goto Undecided;
                        }

                        var mark = marks[--markCount];
                        if (code == (byte)PickleOpcode.Dict && ((depth - mark) & 1) != 0)
                        {
                            goto Undecided;
                        }

                        depth = mark;
                        fence = markCount == 0 ? 0 : marks[markCount - 1];
                        pos++;
                        break;
                    }

                case Kind.PopMark:
                    if (markCount == 0)
                    {
                        goto Undecided;
                    }

                    depth = marks[--markCount];
                    fence = markCount == 0 ? 0 : marks[markCount - 1];
                    pos++;
                    continue;

                case Kind.AddToContainer:
                case Kind.SetItems:
                    {
                        // APPENDS, ADDITEMS and SETITEMS: the items above the mark go into the container below it.
                        if (markCount == 0)
                        {
                            goto Undecided;
                        }

                        var mark = marks[--markCount];
                        fence = markCount == 0 ? 0 : marks[markCount - 1];
                        if ((code == (byte)PickleOpcode.SetItems && ((depth - mark) & 1) != 0) || mark <= fence)
                        {
                            goto Undecided;
                        }

                        depth = mark;
                        pos++;
                        continue;
                    }

                case Kind.Pop:
                    if (markCount > 0 && fence == depth)
                    {
                        markCount--;
                        fence = markCount == 0 ? 0 : marks[markCount - 1];
                    }
                    else if (depth > fence)
                    {
                        depth--;
                    }
                    else
                    {
                        goto Undecided;
                    }

                    pos++;
                    continue;

                default:
                    goto NeedsCall;
            }

            // The opcode pushed one value. The caller made sure that the stack limit is out of reach in this buffer.
            depth++;
        }

    Done:
        state.Pos = pos;
        state.Depth = depth;
        state.Fence = fence;
        state.MarkCount = markCount;
        state.MemoCount = memoCount;
        return outcome;

    NeedsCall:
        outcome = Outcome.NeedsCall;
        goto Done;

    Undecided:
        outcome = Outcome.Undecided;
        goto Done;
    }

    /// <summary>Bytes before the text of SHORT_BINUNICODE, SHORT_BINSTRING, SHORT_BINBYTES (a 1-byte length) or BINUNICODE (4 bytes).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static int TextHeaderSize(byte code) => code == (byte)PickleOpcode.BinUnicode ? 5 : 2;

    /// <summary>The length argument of the text opcode at <paramref name="pos"/>, whose header is wholly buffered.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static long TextLength(byte[] buffer, int pos, int header)
        => header == 2 ? buffer[pos + 1] : BinaryPrimitives.ReadUInt32LittleEndian(new ReadOnlySpan<byte>(buffer, pos + 1, 4));

    /// <summary>Bytes of MEMOIZE, BINPUT or LONG_BINPUT with its argument.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static int MemoPutSize(byte code) => code == (byte)PickleOpcode.Memoize ? 1 : code == (byte)PickleOpcode.BinPut ? 2 : 5;

    /// <summary>The memo index a put of <paramref name="size"/> bytes sets: MEMOIZE numbers by the count of entries.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static long MemoPutIndex(byte[] buffer, int pos, int size, int memoCount)
        => size == 1 ? memoCount : size == 2 ? buffer[pos + 1] : BinaryPrimitives.ReadUInt32LittleEndian(new ReadOnlySpan<byte>(buffer, pos + 1, 4));

    /// <summary>Whether the bytes are ASCII; a short run is tested eight bytes at a time, the bytes past it masked off.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static bool IsAscii(byte[] buffer, int start, int length, int end)
    {
        const ulong HighBits = 0x8080808080808080;
        if (length <= 16 && end - start >= 16)
        {
            var low = BinaryPrimitives.ReadUInt64LittleEndian(new ReadOnlySpan<byte>(buffer, start, 8));
            var high = BinaryPrimitives.ReadUInt64LittleEndian(new ReadOnlySpan<byte>(buffer, start + 8, 8));
            var lowMask = length >= 8 ? ulong.MaxValue : (1UL << (length * 8)) - 1;
            var highMask = length >= 16 ? ulong.MaxValue : length <= 8 ? 0 : (1UL << ((length - 8) * 8)) - 1;
            return (((low & lowMask) | (high & highMask)) & HighBits) == 0;
        }

        for (var i = start; i < start + length; i++)
        {
            if (buffer[i] >= 0x80)
            {
                return false;
            }
        }

        return true;
    }

    private static byte[] BuildKinds()
    {
        var kinds = new byte[256];
        void Set(Kind kind, params PickleOpcode[] opcodes)
        {
            foreach (var op in opcodes)
            {
                kinds[(byte)op] = (byte)kind;
            }
        }

        Set(Kind.PushOne, PickleOpcode.None, PickleOpcode.NewTrue, PickleOpcode.NewFalse, PickleOpcode.EmptyTuple, PickleOpcode.EmptyList, PickleOpcode.EmptyDict, PickleOpcode.EmptySet);
        Set(Kind.BinInt1, PickleOpcode.BinInt1);
        Set(Kind.BinInt2, PickleOpcode.BinInt2);
        Set(Kind.BinInt, PickleOpcode.BinInt);
        Set(Kind.BinFloat, PickleOpcode.BinFloat);
        Set(Kind.ReplaceTop, PickleOpcode.Tuple1, PickleOpcode.ReadOnlyBuffer);
        Set(Kind.Tuple2, PickleOpcode.Tuple2);
        Set(Kind.Tuple3, PickleOpcode.Tuple3);
        Set(Kind.Append, PickleOpcode.Append);
        Set(Kind.SetItem, PickleOpcode.SetItem);
        Set(Kind.Dup, PickleOpcode.Dup);
        Set(Kind.Stop, PickleOpcode.Stop);
        Set(Kind.Mark, PickleOpcode.Mark);
        Set(Kind.ShortText, PickleOpcode.ShortBinUnicode, PickleOpcode.ShortBinString, PickleOpcode.ShortBinBytes);
        Set(Kind.BinUnicode, PickleOpcode.BinUnicode);
        Set(Kind.Memoize, PickleOpcode.Memoize);
        Set(Kind.BinPut, PickleOpcode.BinPut);
        Set(Kind.LongBinPut, PickleOpcode.LongBinPut);
        Set(Kind.BinGet, PickleOpcode.BinGet);
        Set(Kind.LongBinGet, PickleOpcode.LongBinGet);
        Set(Kind.Collect, PickleOpcode.Tuple, PickleOpcode.List, PickleOpcode.FrozenSet);
        Set(Kind.Dict, PickleOpcode.Dict);
        Set(Kind.PopMark, PickleOpcode.PopMark);
        Set(Kind.AddToContainer, PickleOpcode.Appends, PickleOpcode.AddItems);
        Set(Kind.SetItems, PickleOpcode.SetItems);
        Set(Kind.Pop, PickleOpcode.Pop);
        return kinds;
    }
}
