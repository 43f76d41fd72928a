using System;
using System.Buffers.Binary;

namespace ModelGuard.Engine.Formats.Pickle;

/// <summary>
/// A fast first pass over one pickle stream for the common case of plain data: numbers, strings, bytes, containers and
/// memo references. Such a stream imports and calls nothing, so the only question is whether it loads without error,
/// which depends on the stack depth, the marks and which memo indices are set, never on the values. The walker keeps
/// just those and reads the opcodes in place in the reader's buffer, allocating nothing per opcode.
/// It never reports anything: either it reaches STOP, and <see cref="PickleSimulator"/> would have found no import and no
/// failure in the stream, or it stops at the first opcode it cannot vouch for (an import, a call, a persistent id, any
/// error, any unusual encoding) and the caller runs the simulator on the same stream from its start.
/// </summary>
internal sealed class DataPickleWalker
{
    // Buffered bytes the loop asks for before each opcode: enough for any fixed-width opcode with its argument (FRAME and
    // BINFLOAT take 9), so only the last opcodes of the data can find their argument cut short.
    private const int Slack = 16;

    // Memo indices beyond this distance from the entries set so far are left to the simulator (it keeps them sparse).
    private const int MemoGrowthAllowance = 64 * 1024;

    // Per opcode byte: 0 for the opcodes the switch handles, else size | pops << 4 | pushes << 8 (see TryWalk).
    private static readonly ushort[] Shapes = BuildShapes();

    private int[] _marks = new int[16];
    private ulong[] _memoSet = new ulong[64];
    private int _memoWordsUsed;

    /// <summary>
    /// Walks one stream to its STOP. True when it is plain data that loads without error: the reader is then just past STOP.
    /// False when the walk cannot decide; the reader is then anywhere in the stream and the caller must restore it.
    /// </summary>
    public bool TryWalk(PickleDisassembler disassembler)
    {
        Array.Clear(_memoSet, 0, _memoWordsUsed);
        _memoWordsUsed = 0;
        var reader = disassembler.Reader;
        var buffer = reader.Buffer;
        var pos = reader.BufferStart;
        var end = reader.BufferEnd;
        var depth = 0;
        var fence = 0;
        var markCount = 0;
        var memoCount = 0;

        // Copies of the fields for the hot cases; only TrySetMemo and a MARK past the array's end change the fields, and the
        // copies are taken again after those.
        var memoSet = _memoSet;
        var memoWords = 0;
        var firstEntriesSet = false;
        var marks = _marks;
        while (true)
        {
            if (end - pos < Slack)
            {
                // Once per buffer: at most 64 Ki opcodes, each of bounded cost, run between two checks of the time budget.
                Limits.ScanDeadline.Check();
                reader.BufferStart = pos;
                reader.EnsureBuffered(Slack);
                buffer = reader.Buffer;
                pos = reader.BufferStart;
                end = reader.BufferEnd;
                if (pos == end || !StackLimitIsFar(depth, end - pos))
                {
                    // No opcode left (the simulator tells an empty stream from a truncated one), or the stack could reach its limit.
                    return false;
                }
            }

            var available = end - pos;
            var code = buffer[pos];
            var shape = Shapes[code];
            if (shape != 0)
            {
                // A fixed-width opcode that only pops and pushes (numbers, empty containers, TUPLE1-3, APPEND, SETITEM, DUP): one
                // path driven by the table instead of a case each (measured: as fast as the cases).
                var size = shape & 0xF;
                var pops = (shape >> 4) & 0xF;
                if (available < size || depth - fence < pops)
                {
                    return false;
                }

                depth += (shape >> 8) - pops;
                pos += size;
                continue;
            }

            switch ((PickleOpcode)code)
            {
                case PickleOpcode.Stop:
                    if (depth <= fence)
                    {
                        return false;
                    }

                    reader.BufferStart = pos + 1;
                    return true;

                case PickleOpcode.Mark:
                    if (markCount >= PickleSimulator.MaxMarks)
                    {
                        return false;
                    }

                    if (markCount == marks.Length)
                    {
                        Array.Resize(ref _marks, _marks.Length * 2);
                        marks = _marks;
                    }

                    marks[markCount++] = depth;
                    fence = depth;
                    pos++;
                    continue;

                case PickleOpcode.ShortBinUnicode:
                case PickleOpcode.ShortBinString:
                case PickleOpcode.ShortBinBytes:
                case PickleOpcode.BinUnicode:
                    {
                        var header = buffer[pos] == (byte)PickleOpcode.BinUnicode ? 5 : 2;
                        if (available < header)
                        {
                            return false;
                        }

                        long length = header == 2 ? buffer[pos + 1] : BinaryPrimitives.ReadUInt32LittleEndian(new ReadOnlySpan<byte>(buffer, pos + 1, 4));
                        if (length > PickleDisassembler.MaxTextBytes)
                        {
                            // Long strings are skipped unread, as the disassembler does (with a seek when it can).
                            goto default;
                        }

                        var size = header + (int)length;
                        if (available < size)
                        {
                            reader.BufferStart = pos;
                            if (!reader.EnsureBuffered(size))
                            {
                                return false;
                            }

                            buffer = reader.Buffer;
                            pos = reader.BufferStart;
                            end = reader.BufferEnd;
                            if (!StackLimitIsFar(depth, end - pos))
                            {
                                return false;
                            }
                        }

                        // Latin-1 and bytes are always valid; a str must be the UTF-8 the unpickler accepts.
                        if (buffer[pos] is (byte)PickleOpcode.ShortBinUnicode or (byte)PickleOpcode.BinUnicode
                            && !IsUtf8(new ReadOnlySpan<byte>(buffer, pos + header, (int)length)))
                        {
                            return false;
                        }

                        pos += size;
                        break;
                    }

                case PickleOpcode.Memoize:
                case PickleOpcode.BinPut:
                case PickleOpcode.LongBinPut:
                    {
                        // MEMOIZE numbers entries 0, 1, 2, ... (the count of distinct indices); picklers number PUTs the same way.
                        var size = buffer[pos] == (byte)PickleOpcode.Memoize ? 1 : buffer[pos] == (byte)PickleOpcode.BinPut ? 2 : 5;
                        if (available < size || depth <= fence)
                        {
                            return false;
                        }

                        long index = size == 1 ? memoCount : size == 2 ? buffer[pos + 1] : BinaryPrimitives.ReadUInt32LittleEndian(new ReadOnlySpan<byte>(buffer, pos + 1, 4));
                        var word = index >> 6;
                        var bit = 1UL << (int)index;
                        if (word < memoWords)
                        {
                            // The common case: a word already in use. A new index is counted, an index set again is not.
                            if ((memoSet[word] & bit) == 0)
                            {
                                if (memoCount >= PickleSimulator.MaxMemoEntries)
                                {
                                    return false;
                                }

                                memoSet[word] |= bit;
                                memoCount++;
                            }
                        }
                        else
                        {
                            if (!TrySetMemo(index, ref memoCount))
                            {
                                return false;
                            }

                            memoSet = _memoSet;
                            memoWords = _memoWordsUsed;
                        }

                        pos += size;
                        continue;
                    }

                case PickleOpcode.BinGet:
                    {
                        if (available < 2)
                        {
                            return false;
                        }

                        // Memo entries are never removed: once indices 0 to 255 are all set, every BINGET finds its entry.
                        if (!firstEntriesSet)
                        {
                            var index = buffer[pos + 1];
                            if ((index >> 6) >= memoWords || (memoSet[index >> 6] & (1UL << index)) == 0)
                            {
                                return false;
                            }

                            firstEntriesSet = memoWords >= 4 && (memoSet[0] & memoSet[1] & memoSet[2] & memoSet[3]) == ulong.MaxValue;
                        }

                        pos += 2;
                        break;
                    }

                case PickleOpcode.LongBinGet:
                    if (available < 5 || !IsMemoSet(BinaryPrimitives.ReadUInt32LittleEndian(new ReadOnlySpan<byte>(buffer, pos + 1, 4))))
                    {
                        return false;
                    }

                    pos += 5;
                    break;

                case PickleOpcode.Tuple:
                case PickleOpcode.List:
                case PickleOpcode.FrozenSet:
                case PickleOpcode.Dict:
                    {
                        if (markCount == 0)
                        {
                            return false;
                        }

                        var mark = marks[--markCount];
                        if (buffer[pos] == (byte)PickleOpcode.Dict && ((depth - mark) & 1) != 0)
                        {
                            return false;
                        }

                        depth = mark;
                        fence = markCount == 0 ? 0 : marks[markCount - 1];
                        pos++;
                        break;
                    }

                case PickleOpcode.PopMark:
                    if (markCount == 0)
                    {
                        return false;
                    }

                    depth = marks[--markCount];
                    fence = markCount == 0 ? 0 : marks[markCount - 1];
                    pos++;
                    continue;

                case PickleOpcode.Appends:
                case PickleOpcode.AddItems:
                case PickleOpcode.SetItems:
                    {
                        if (markCount == 0)
                        {
                            return false;
                        }

                        var mark = marks[--markCount];
                        fence = markCount == 0 ? 0 : marks[markCount - 1];
                        if ((buffer[pos] == (byte)PickleOpcode.SetItems && ((depth - mark) & 1) != 0) || mark <= fence)
                        {
                            return false;
                        }

                        depth = mark;
                        pos++;
                        continue;
                    }

                case PickleOpcode.Pop:
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
                        return false;
                    }

                    pos++;
                    continue;

                default:
                    {
                        // Everything else is rare in data (framing, long payloads, protocol 0 text): the disassembler decodes it,
                        // with every check it makes. Imports, calls and persistent ids end the walk.
                        if (!IsDelegatedData(buffer[pos]))
                        {
                            return false;
                        }

                        reader.BufferStart = pos;
                        var effect = DecodeDelegated(disassembler, ref memoCount, depth > fence);
                        if (effect < 0)
                        {
                            return false;
                        }

                        buffer = reader.Buffer;
                        pos = reader.BufferStart;
                        end = reader.BufferEnd;
                        memoSet = _memoSet;
                        memoWords = _memoWordsUsed;
                        if (!StackLimitIsFar(depth + effect, end - pos))
                        {
                            return false;
                        }

                        if (effect == 0)
                        {
                            continue;
                        }

                        break;
                    }
            }

            // The opcode pushed one value. StackLimitIsFar made sure that the limit is out of reach in this buffer.
            depth++;
        }
    }

    /// <summary>
    /// Whether the stack cannot reach the simulator's limit while the walk reads <paramref name="buffered"/> more bytes in place:
    /// every opcode takes at least one byte and pushes at most one value, so the depth is checked once per buffer, not per push.
    /// Close to the limit the walk gives up and the simulator finds where exactly it is crossed.
    /// </summary>
    private static bool StackLimitIsFar(int depth, int buffered) => depth + (long)buffered < PickleSimulator.MaxStackDepth;

    private static ushort[] BuildShapes()
    {
        var shapes = new ushort[256];
        void Shape(PickleOpcode op, int size, int pops, int pushes) => shapes[(byte)op] = (ushort)(size | (pops << 4) | (pushes << 8));
        foreach (var op in new[] { PickleOpcode.None, PickleOpcode.NewTrue, PickleOpcode.NewFalse, PickleOpcode.EmptyTuple, PickleOpcode.EmptyList, PickleOpcode.EmptyDict, PickleOpcode.EmptySet })
        {
            Shape(op, 1, 0, 1);
        }

        Shape(PickleOpcode.BinInt1, 2, 0, 1);
        Shape(PickleOpcode.BinInt2, 3, 0, 1);
        Shape(PickleOpcode.BinInt, 5, 0, 1);
        Shape(PickleOpcode.BinFloat, 9, 0, 1);
        Shape(PickleOpcode.Tuple1, 1, 1, 1);
        Shape(PickleOpcode.Tuple2, 1, 2, 1);
        Shape(PickleOpcode.Tuple3, 1, 3, 1);
        Shape(PickleOpcode.Append, 1, 2, 1); // the list stays
        Shape(PickleOpcode.SetItem, 1, 3, 1); // the dict stays
        Shape(PickleOpcode.Dup, 1, 1, 2);
        Shape(PickleOpcode.ReadOnlyBuffer, 1, 1, 1);
        return shapes;
    }

    /// <summary>Opcodes the disassembler decodes for the walk: their values cannot import or call anything.</summary>
    private static bool IsDelegatedData(byte code) => (PickleOpcode)code switch
    {
        PickleOpcode.Proto or PickleOpcode.Frame => true,
        PickleOpcode.Int or PickleOpcode.Long or PickleOpcode.Long1 or PickleOpcode.Long4 or PickleOpcode.Float => true,
        PickleOpcode.String or PickleOpcode.BinString or PickleOpcode.Unicode or PickleOpcode.BinUnicode or PickleOpcode.BinUnicode8 => true,
        PickleOpcode.BinBytes or PickleOpcode.BinBytes8 or PickleOpcode.ByteArray8 => true,
        PickleOpcode.Get or PickleOpcode.Put => true,
        _ => false,
    };

    /// <summary>Decodes one delegated opcode; returns 1 when it pushed a value, 0 when not, -1 when the walk cannot decide.</summary>
    private int DecodeDelegated(PickleDisassembler disassembler, ref int memoCount, bool stackHasTop)
    {
        PickleInstruction ins;
        try
        {
            if (!disassembler.TryRead(out ins))
            {
                return -1;
            }
        }
        catch (PickleFormatException)
        {
            return -1;
        }

        switch (ins.Opcode)
        {
            case PickleOpcode.Proto:
            case PickleOpcode.Frame:
                return 0;
            case PickleOpcode.Get:
                return !ins.IntegerOverflow && IsMemoSet(ins.Integer) ? 1 : -1;
            case PickleOpcode.Put:
                return !ins.IntegerOverflow && stackHasTop && TrySetMemo(ins.Integer, ref memoCount) ? 0 : -1;
            default:
                return 1;
        }
    }

    private bool IsMemoSet(long index)
        => index >= 0 && (index >> 6) < _memoWordsUsed && (_memoSet[index >> 6] & (1UL << (int)(index & 63))) != 0;

    /// <summary>Marks an index as set, counting it if it is new (what MEMOIZE numbers with); false past the memo limit or for a far-off index.</summary>
    private bool TrySetMemo(long index, ref int memoCount)
    {
        var word = index >> 6;
        if (word >= _memoWordsUsed)
        {
            if (index < 0 || index >= (2L * memoCount) + MemoGrowthAllowance)
            {
                return false;
            }

            if (word >= _memoSet.Length)
            {
                Array.Resize(ref _memoSet, (int)Math.Max(_memoSet.Length * 2L, word + 1));
            }

            _memoWordsUsed = (int)word + 1;
        }

        var bit = 1UL << (int)(index & 63);
        if ((_memoSet[word] & bit) == 0)
        {
            if (memoCount >= PickleSimulator.MaxMemoEntries)
            {
                return false;
            }

            _memoSet[word] |= bit;
            memoCount++;
        }

        return true;
    }

    private static bool IsUtf8(ReadOnlySpan<byte> text)
    {
        foreach (var b in text)
        {
            if (b >= 0x80)
            {
                return PythonLiterals.IsUtf8SurrogatePass(text);
            }
        }

        return true;
    }
}
