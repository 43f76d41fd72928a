using System;
using System.Runtime.CompilerServices;

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
/// <remarks>
/// The work is split in two: <see cref="WalkInPlace"/> runs the common opcodes over the buffered bytes and calls nothing,
/// so the JIT keeps its state in registers (with calls in the loop it kept the stack depth and the memo count in memory:
/// 400 against 312 ms for the dense benchmark pickle), and returns here for everything that needs a call: more bytes, a larger array, a non-ASCII str,
/// an out-of-order memo index or an opcode the disassembler decodes.
/// </remarks>
internal sealed partial class DataPickleWalker
{
    // Buffered bytes the walk asks for before each opcode: enough for any fixed-width opcode with its argument (FRAME and
    // BINFLOAT take 9), so only the last opcodes of the data can find their argument cut short.
    private const int Slack = 16;

    // Memo indices beyond this distance from the entries set so far are left to the simulator (it keeps them sparse).
    private const int MemoGrowthAllowance = 64 * 1024;

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
        var state = new WalkState { Pos = reader.BufferStart, End = reader.BufferEnd, MemoDense = true };
        while (true)
        {
            if (state.End - state.Pos < Slack)
            {
                // Once per buffer: at most 64 Ki opcodes, each of bounded cost, run between two checks of the time budget.
                Limits.ScanDeadline.Check();
                reader.BufferStart = state.Pos;
                reader.EnsureBuffered(Slack);
                state.Pos = reader.BufferStart;
                state.End = reader.BufferEnd;
                if (state.Pos == state.End || !LimitsAreFar(ref state))
                {
                    // No opcode left (the simulator tells an empty stream from a truncated one), or a limit is within reach.
                    return false;
                }
            }

            // Up to Slack bytes before the end of the buffer, or to its end when the stream has no more.
            var walkTo = state.End - state.Pos >= Slack ? state.End - Slack + 1 : state.End;
            switch (WalkInPlace(ref state, reader.Buffer, walkTo))
            {
                case Outcome.Stop:
                    reader.BufferStart = state.Pos;
                    return true;
                case Outcome.Undecided:
                    return false;
                case Outcome.NeedsCall:
                    if (!TakeStepWithCalls(ref state, disassembler))
                    {
                        return false;
                    }

                    break;
            }
        }
    }

    /// <summary>
    /// Takes the opcode at <see cref="WalkState.Pos"/> that <see cref="WalkInPlace"/> left because it needs a call; false when
    /// the walk cannot decide.
    /// </summary>
    private bool TakeStepWithCalls(ref WalkState state, PickleDisassembler disassembler)
    {
        var reader = disassembler.Reader;
        var buffer = reader.Buffer;
        var pos = state.Pos;
        switch ((PickleOpcode)buffer[pos])
        {
            case PickleOpcode.Mark:
                if (state.MarkCount == _marks.Length)
                {
                    Array.Resize(ref _marks, _marks.Length * 2);
                }

                // The walk in place pushes it now.
                return true;

            case PickleOpcode.ShortBinUnicode:
            case PickleOpcode.ShortBinString:
            case PickleOpcode.ShortBinBytes:
            case PickleOpcode.BinUnicode when state.End - pos >= 5 && TextLength(buffer, pos, header: 5) <= PickleDisassembler.MaxTextBytes:
                {
                    // A text or bytes argument not wholly buffered, or a str that is not ASCII.
                    var header = TextHeaderSize(buffer[pos]);
                    if (state.End - pos < header)
                    {
                        return false;
                    }

                    var length = (int)TextLength(buffer, pos, header);
                    var size = header + length;
                    if (state.End - pos < size)
                    {
                        reader.BufferStart = pos;
                        if (!reader.EnsureBuffered(size))
                        {
                            return false;
                        }

                        buffer = reader.Buffer;
                        pos = state.Pos = reader.BufferStart;
                        state.End = reader.BufferEnd;
                        if (!LimitsAreFar(ref state))
                        {
                            return false;
                        }
                    }

                    // Latin-1 and bytes are always valid; a str must be the UTF-8 the unpickler accepts.
                    if (buffer[pos] is (byte)PickleOpcode.ShortBinUnicode or (byte)PickleOpcode.BinUnicode
                        && !PythonLiterals.IsUtf8SurrogatePass(new ReadOnlySpan<byte>(buffer, pos + header, length)))
                    {
                        return false;
                    }

                    state.Pos = pos + size;
                    state.Depth++;
                    return true;
                }

            case PickleOpcode.Memoize:
            case PickleOpcode.BinPut:
            case PickleOpcode.LongBinPut:
                {
                    // An index out of order or past the bitmap: the walk in place checked the argument and the stack.
                    var size = MemoPutSize(buffer[pos]);
                    var index = MemoPutIndex(buffer, pos, size, state.MemoCount);
                    if (!TrySetMemo(index, ref state))
                    {
                        return false;
                    }

                    state.Pos = pos + size;
                    return true;
                }

            default:
                {
                    // Everything else is rare in data (framing, long payloads, protocol 0 text): the disassembler decodes it,
                    // with every check it makes. Imports, calls and persistent ids end the walk.
                    if (!IsDelegatedData(buffer[pos]))
                    {
                        return false;
                    }

                    reader.BufferStart = pos;
                    var effect = DecodeDelegated(disassembler, ref state);
                    if (effect < 0)
                    {
                        return false;
                    }

                    state.Pos = reader.BufferStart;
                    state.End = reader.BufferEnd;
                    state.Depth += effect;
                    return LimitsAreFar(ref state);
                }
        }
    }

    /// <summary>
    /// Whether neither the stack nor the memo can reach the simulator's limit while the walk reads the buffered bytes in place:
    /// every opcode takes at least one byte, pushes at most one value and adds at most one memo entry, so both are checked
    /// once per buffer, not per opcode. Close to a limit the walk gives up and the simulator finds where exactly it is crossed.
    /// </summary>
    private static bool LimitsAreFar(ref WalkState state)
    {
        var buffered = (long)state.End - state.Pos;
        return state.Depth + buffered < PickleSimulator.MaxStackDepth && state.MemoCount + buffered < PickleSimulator.MaxMemoEntries;
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
    private int DecodeDelegated(PickleDisassembler disassembler, ref WalkState state)
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
                return !ins.IntegerOverflow && IsMemoSet(ins.Integer, ref state, state.MemoCount) ? 1 : -1;
            case PickleOpcode.Put:
                return !ins.IntegerOverflow && state.Depth > state.Fence && TrySetMemo(ins.Integer, ref state) ? 0 : -1;
            default:
                return 1;
        }
    }

    /// <summary>Whether a memo index is set; <paramref name="memoCount"/> is the count of entries (the walk in place keeps it in a local).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private bool IsMemoSet(long index, ref WalkState state, int memoCount)
        => index >= 0 && (state.MemoDense ? index < memoCount : (index >> 6) < _memoWordsUsed && (_memoSet[index >> 6] & (1UL << (int)(index & 63))) != 0);

    /// <summary>
    /// Marks an index as set, counting it if it is new (what MEMOIZE numbers with); false past the memo limit or for a far-off
    /// index. An index out of order ends the dense memo: the bitmap is filled in and MEMOIZE goes back to the switch.
    /// </summary>
    private bool TrySetMemo(long index, ref WalkState state)
    {
        if (state.MemoDense)
        {
            if (index >= 0 && index < state.MemoCount)
            {
                return true;
            }

            if (index < 0 || index >= (2L * state.MemoCount) + MemoGrowthAllowance)
            {
                return false;
            }

            if (index > state.MemoCount)
            {
                FillBitmap(state.MemoCount);
                state.MemoDense = false;
            }
        }

        var word = index >> 6;
        if (!state.MemoDense && word >= _memoWordsUsed)
        {
            if (index < 0 || index >= (2L * state.MemoCount) + MemoGrowthAllowance)
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
        if (state.MemoDense || (_memoSet[word] & bit) == 0)
        {
            if (state.MemoCount >= PickleSimulator.MaxMemoEntries)
            {
                return false;
            }

            if (!state.MemoDense)
            {
                _memoSet[word] |= bit;
            }

            state.MemoCount++;
        }

        return true;
    }

    /// <summary>Sets the bits of indices 0 to <paramref name="count"/> - 1 in the (cleared) bitmap.</summary>
    private void FillBitmap(int count)
    {
        var words = (count + 63) >> 6;
        if (words > _memoSet.Length)
        {
            _memoSet = new ulong[Math.Max(_memoSet.Length * 2, words)];
        }

        _memoSet.AsSpan(0, count >> 6).Fill(ulong.MaxValue);
        if ((count & 63) != 0)
        {
            _memoSet[count >> 6] = (1UL << (count & 63)) - 1;
        }

        _memoWordsUsed = words;
    }
}
