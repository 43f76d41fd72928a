using System;
using System.Collections.Generic;

namespace ModelGuard.Engine.Formats.Pickle;

/// <summary>
/// Runs one pickle stream (up to its STOP) on a symbolic stack with CPython's C-unpickler rules: a separate
/// mark stack with its fence, the memo, MEMOIZE numbering, protocol-dependent name resolution. It records every
/// import and how it is used, and throws <see cref="PickleFormatException"/> where the real unpickler would fail.
/// </summary>
internal sealed class PickleSimulator
{
    /// <summary>Most values on the stack; real models stay in the hundreds.</summary>
    public const int MaxStackDepth = 1_000_000;

    /// <summary>Most open marks.</summary>
    public const int MaxMarks = 100_000;

    /// <summary>Most memo entries.</summary>
    public const int MaxMemoEntries = 50_000_000;

    /// <summary>Most pickles nested inside each other (joblib object arrays carry a pickle of their own, which can carry another).</summary>
    public const int MaxNestedPickles = 32;

    /// <summary>Opcodes run between two checks of the scan's time budget.</summary>
    private const int DeadlineCheckMask = 4096 - 1;

    // The stack and the mark stack are plain arrays: values are pushed and popped per opcode, and the items above a mark
    // are read in place instead of being copied into a list.
    private Slot[] _stack = new Slot[64];
    private int _count;
    private int[] _marks = new int[16];
    private int _markCount;
    private readonly PickleMemo _memo = new();
    private readonly ExtensionRegistry _extensions;
    private readonly List<PickleImport> _imports = new();
    private List<SteeredCall>? _steeredCalls;
    private List<NestedLoad>? _nestedLoads;
    private int _protocol;
    private PickleDisassembler? _disassembler;
    private readonly int _nesting;
    private int _executed;

    public PickleSimulator(ExtensionRegistry extensions)
        : this(extensions, nesting: 0)
    {
    }

    private PickleSimulator(ExtensionRegistry extensions, int nesting)
    {
        _extensions = extensions;
        _nesting = nesting;
    }

    /// <summary>The value STOP returned (what pickle.load hands the caller), once Run returned true.</summary>
    public PickleValue? Result { get; private set; }

    /// <summary>Imports in the order the unpickler performs them.</summary>
    public IReadOnlyList<PickleImport> Imports => _imports;

    /// <summary>Calls of allowed helpers whose arguments steer them into code (see <see cref="Policy.HelperArgumentChecks"/>).</summary>
    public IReadOnlyList<SteeredCall> SteeredCalls => (IReadOnlyList<SteeredCall>?)_steeredCalls ?? Array.Empty<SteeredCall>();

    /// <summary>Nested loads of bytes present in the stream, to be scanned as content of their own.</summary>
    public IReadOnlyList<NestedLoad> NestedLoads => (IReadOnlyList<NestedLoad>?)_nestedLoads ?? Array.Empty<NestedLoad>();

    /// <summary>Decodes and simulates until STOP; returns false when the data ended before the first opcode.</summary>
    public bool Run(PickleDisassembler disassembler)
    {
        _disassembler = disassembler;
        var first = true;
        while (true)
        {
            if (!disassembler.TryRead(out var instruction))
            {
                if (first)
                {
                    return false;
                }

                // At the end of the data the position is where the next opcode would have been.
                throw new PickleFormatException(disassembler.Position, "the data ends before STOP (pickle data was truncated)");
            }

            first = false;
            if ((++_executed & DeadlineCheckMask) == 0)
            {
                Limits.ScanDeadline.Check();
            }

            if (Execute(instruction))
            {
                return true;
            }
        }
    }

    private int Fence => _markCount == 0 ? 0 : _marks[_markCount - 1];

    private bool Execute(in PickleInstruction ins)
    {
        switch (ins.Opcode)
        {
            case PickleOpcode.Stop:
                Result = Pop(ins);
                return true;
            case PickleOpcode.Proto:
                _protocol = (int)ins.Integer;
                break;
            case PickleOpcode.Frame:
                break;

            case PickleOpcode.Mark:
                if (_markCount >= MaxMarks)
                {
                    throw new PickleFormatException(ins.Offset, $"more than {MaxMarks} open MARKs; the stream was not analysed further");
                }

                if (_markCount == _marks.Length)
                {
                    Array.Resize(ref _marks, _marks.Length * 2);
                }

                _marks[_markCount++] = _count;
                break;
            case PickleOpcode.Pop:
                if (_markCount > 0 && _marks[_markCount - 1] == _count)
                {
                    _markCount--;
                }
                else
                {
                    Pop(ins);
                }

                break;
            case PickleOpcode.PopMark:
                Truncate(PopToMark(ins));
                break;
            case PickleOpcode.Dup:
                Push(ins, Peek(ins));
                break;

            case PickleOpcode.None:
                Push(ins, OpaqueValue.None);
                break;
            case PickleOpcode.NewTrue:
            case PickleOpcode.NewFalse:
                Push(ins, OpaqueValue.Bool);
                break;
            case PickleOpcode.Int:
            case PickleOpcode.BinInt:
            case PickleOpcode.BinInt1:
            case PickleOpcode.BinInt2:
            case PickleOpcode.Long:
            case PickleOpcode.Long1:
            case PickleOpcode.Long4:
                Push(ins, ins.IntegerOverflow ? OpaqueValue.Number : IntValue.Of(ins.Integer));
                break;
            case PickleOpcode.Float:
            case PickleOpcode.BinFloat:
                Push(ins, OpaqueValue.Number);
                break;

            case PickleOpcode.String:
            case PickleOpcode.BinString:
            case PickleOpcode.ShortBinString:
            case PickleOpcode.Unicode:
            case PickleOpcode.BinUnicode:
            case PickleOpcode.ShortBinUnicode:
            case PickleOpcode.BinUnicode8:
                {
                    var captured = ins.Text is null ? _disassembler!.TakeCapturedBytes() : null;
                    Push(ins, ins.Text is not null ? new TextValue(ins.Text) : captured is not null ? new PayloadValue(captured, ins.Offset, isText: true) : OpaqueValue.LongString);
                    break;
                }
            case PickleOpcode.BinBytes:
            case PickleOpcode.ShortBinBytes:
            case PickleOpcode.BinBytes8:
            case PickleOpcode.ByteArray8:
                {
                    var captured = _disassembler!.TakeCapturedBytes();
                    Push(ins, captured is null ? OpaqueValue.Bytes : new PayloadValue(captured, ins.Offset, isText: false));
                    break;
                }
            case PickleOpcode.NextBuffer:
                throw new PickleFormatException(ins.Offset, "NEXT_BUFFER refers to out-of-band data, which a model loader never supplies");
            case PickleOpcode.ReadOnlyBuffer:
                Peek(ins);
                break;

            case PickleOpcode.EmptyTuple:
                Push(ins, TupleValue.Empty);
                break;
            case PickleOpcode.Tuple:
                {
                    var mark = PopToMark(ins);
                    var items = ToArray(Items(mark));
                    Truncate(mark);
                    Push(ins, new TupleValue(items));
                    break;
                }

            case PickleOpcode.Tuple1:
            case PickleOpcode.Tuple2:
            case PickleOpcode.Tuple3:
                Push(ins, PopSmallTuple(ins, ins.Opcode - PickleOpcode.Tuple1 + 1));
                break;
            case PickleOpcode.EmptyList:
                Push(ins, OpaqueValue.List);
                break;
            case PickleOpcode.List:
                Truncate(PopToMark(ins));
                Push(ins, OpaqueValue.List);
                break;
            case PickleOpcode.EmptyDict:
                Push(ins, new DictValue());
                break;
            case PickleOpcode.Dict:
                {
                    var mark = PopToMark(ins);
                    var items = Items(mark);
                    if (items.Length % 2 != 0)
                    {
                        throw new PickleFormatException(ins.Offset, "odd number of items for DICT");
                    }

                    var dict = new DictValue();
                    for (var i = 0; i < items.Length; i += 2)
                    {
                        dict.Set(items[i].Value, items[i + 1].Value);
                    }

                    UseAsArguments(items);
                    Truncate(mark);
                    Push(ins, dict);
                    break;
                }
            case PickleOpcode.EmptySet:
                Push(ins, OpaqueValue.Set);
                break;
            case PickleOpcode.FrozenSet:
                Truncate(PopToMark(ins));
                Push(ins, OpaqueValue.Set);
                break;

            case PickleOpcode.Append:
                {
                    var value = Pop(ins);
                    UseAsArgument(value);
                    UseAsReceiver(Peek(ins), ins);
                    break;
                }

            case PickleOpcode.Appends:
            case PickleOpcode.AddItems:
                ApplyToReceiverBelowMark(ins, pairs: false);
                break;
            case PickleOpcode.SetItem:
                {
                    var value = Pop(ins);
                    var key = Pop(ins);
                    UseAsArgument(value);
                    UseAsArgument(key);
                    var target = Peek(ins);
                    (target as DictValue)?.Set(key, value);
                    UseAsReceiver(target, ins);
                    break;
                }

            case PickleOpcode.SetItems:
                ApplyToReceiverBelowMark(ins, pairs: true);
                break;

            case PickleOpcode.Put:
            case PickleOpcode.BinPut:
            case PickleOpcode.LongBinPut:
                MemoPut(ins, ins.Integer);
                break;
            case PickleOpcode.Memoize:
                MemoPut(ins, _memo.Count);
                break;
            case PickleOpcode.Get:
            case PickleOpcode.BinGet:
            case PickleOpcode.LongBinGet:
                if (ins.IntegerOverflow || !_memo.TryGetValue(ins.Integer, out var remembered))
                {
                    throw new PickleFormatException(ins.Offset, $"memo value not found at index {(ins.IntegerOverflow ? "(too large)" : ins.Integer.ToString(System.Globalization.CultureInfo.InvariantCulture))}");
                }

                Push(ins, remembered);
                break;

            case PickleOpcode.Global:
                Push(ins, new GlobalValue(Import(ins.Text!, ins.Text2!, ins)));
                break;
            case PickleOpcode.StackGlobal:
                {
                    var name = Pop(ins);
                    var module = Pop(ins);
                    Push(ins, new GlobalValue(StackGlobal(module, name, ins)));
                    break;
                }

            case PickleOpcode.Inst:
                {
                    var mark = PopToMark(ins);
                    var import = Import(ins.Text!, ins.Text2!, ins);
                    import.MarkCalled(ins.Opcode, ins.Offset);
                    UseAsArguments(Items(mark));
                    Truncate(mark);
                    Push(ins, new CallResultValue(import));
                    break;
                }

            case PickleOpcode.Ext1:
            case PickleOpcode.Ext2:
            case PickleOpcode.Ext4:
                {
                    if (!_extensions.TryResolve(ins.Integer, out var target))
                    {
                        throw new PickleFormatException(ins.Offset, $"unregistered extension code {ins.Integer}: the unpickler fails here unless the loading process registered it, and what it would import cannot be determined");
                    }

                    Push(ins, new GlobalValue(Import(target.Module, target.Name, ins)));
                    break;
                }

            case PickleOpcode.Reduce:
                {
                    var args = Pop(ins);
                    var callable = Pop(ins);
                    Push(ins, Call(callable, args, ins));
                    break;
                }

            case PickleOpcode.NewObj:
                {
                    var args = Pop(ins);
                    var cls = Pop(ins);
                    RequireTupleIfKnown(args, ins, "NEWOBJ expected an arg tuple");
                    Push(ins, Call(cls, args, ins));
                    break;
                }

            case PickleOpcode.NewObjEx:
                {
                    var kwargs = Pop(ins);
                    var args = Pop(ins);
                    var cls = Pop(ins);
                    RequireTupleIfKnown(args, ins, "NEWOBJ_EX args argument must be a tuple");
                    UseAsArgument(kwargs);
                    Push(ins, Call(cls, args, ins));
                    break;
                }

            case PickleOpcode.Obj:
                {
                    var mark = PopToMark(ins);
                    var items = Items(mark);
                    if (items.Length < 1)
                    {
                        throw new PickleFormatException(ins.Offset, "unpickling stack underflow: OBJ needs a class after the MARK");
                    }

                    var cls = items[0].Value;
                    var args = ToArray(items.Slice(1));
                    Truncate(mark);
                    Push(ins, Call(cls, new TupleValue(args), ins));
                    break;
                }

            case PickleOpcode.Build:
                {
                    var state = Pop(ins);
                    UseAsArgument(state);
                    var target = Peek(ins);
                    UseAsReceiver(target, ins);
                    if (state is TupleValue { Count: 2 } pair && pair[1] is DictValue { DunderKey: { } slot })
                    {
                        // BUILD's slot state is applied with setattr: a dunder name (__class__) rewires the object instead of filling it.
                        Steer(ins.Offset, $"BUILD sets the attribute {slot} of {target.Describe()} with setattr, which rewires the object (its class, its methods) instead of restoring its data");
                    }

                    if (target is CallResultValue instance)
                    {
                        instance.State = state;
                        if (instance.IsCallOf("joblib.numpy_pickle", "NumpyArrayWrapper"))
                        {
                            JoblibArrays.SkipArrayData(state, ins, _disassembler!, this);
                        }
                    }

                    break;
                }

            case PickleOpcode.PersId:
                Push(ins, OpaqueValue.Persistent);
                break;
            case PickleOpcode.BinPersId:
                UseAsArgument(Pop(ins));
                Push(ins, OpaqueValue.Persistent);
                break;

            default:
                throw new PickleFormatException(ins.Offset, $"invalid load key 0x{(byte)ins.Opcode:x2}");
        }

        return false;
    }

    private PickleImport Import(string module, string name, in PickleInstruction ins)
    {
        string? writtenAs = null;
        if (_protocol < 3)
        {
            var mapped = PythonNameCompatibility.Map(module, name);
            if (mapped.Module != module || mapped.Name != name)
            {
                writtenAs = module + "." + name;
                (module, name) = mapped;
            }
        }

        // Below protocol 4 the unpickler looks the name up as one attribute, so "a.b" cannot resolve through
        // attributes; the import then fails. It is still reported as written (fail closed).
        var import = new PickleImport(module, name, ins.Opcode, ins.Offset, writtenAs);
        _imports.Add(import);
        if (NestedLoadFollower.IsFollowedLoader(module, name))
        {
            // The loader's bytes argument comes after its import: from here on payloads are kept (up to the budget) so that
            // a call with literal bytes can be scanned as nested content instead of being reported as opaque.
            _disassembler!.EnableCapture(NestedLoadFollower.MaxCapturedBytes);
        }

        return import;
    }

    private PickleImport StackGlobal(PickleValue module, PickleValue name, in PickleInstruction ins)
    {
        if (module is TextValue m && name is TextValue n)
        {
            return Import(m.Text, n.Text, ins);
        }

        if (IsKnownNonString(module) || IsKnownNonString(name))
        {
            throw new PickleFormatException(ins.Offset, $"STACK_GLOBAL requires str operands but got {module.Describe()} and {name.Describe()}");
        }

        var import = new PickleImport(
            (module as TextValue)?.Text,
            (name as TextValue)?.Text,
            ins.Opcode,
            ins.Offset,
            unresolvedReason: $"STACK_GLOBAL takes its module from {module.Describe()} and its name from {name.Describe()}, which cannot be resolved statically");
        _imports.Add(import);
        return import;
    }

    private static bool IsKnownNonString(PickleValue value)
        => value is IntValue or TupleValue || (value is OpaqueValue o && !o.IsString);

    private PickleValue Call(PickleValue callable, PickleValue args, in PickleInstruction ins)
    {
        UseAsArgument(args);
        var origin = Origin(callable);

        // Calls of an imported function by REDUCE or OBJ are followed where their effect can be worked out from literal
        // arguments; NEWOBJ calls cls.__new__, which these functions do not have.
        if (callable is GlobalValue { Import: { IsResolved: true } callee } && ins.Opcode is PickleOpcode.Reduce or PickleOpcode.Obj)
        {
            if (AttributeLookup.TryResolve(callee, args, ins.Offset, out var attribute))
            {
                callee.MarkFollowedCall();
                _imports.Add(attribute);
                return new CallResultValue(attribute, args);
            }

            if (NestedLoadFollower.TryFollow(callee, args, ins.Offset, out var load))
            {
                callee.MarkFollowedCall();
                (_nestedLoads ??= new List<NestedLoad>()).Add(load);

                // What the nested file loads is judged by its own scan, not by the loader's name wherever it goes next.
                return new CallResultValue(null, args);
            }

            if (NestedLoadFollower.TryEncodeLiteral(callee, args, out var encoded))
            {
                origin!.MarkCalled(ins.Opcode, ins.Offset);
                return new PayloadValue(encoded, ins.Offset, isText: false);
            }

            if (Policy.HelperArgumentChecks.Check(callee.Module!, callee.Name!, args) is { } steering)
            {
                Steer(ins.Offset, steering);
            }
        }

        origin?.MarkCalled(ins.Opcode, ins.Offset);
        if (origin is { IsResolved: true, Module: "copyreg", Name: "add_extension" } && args is TupleValue { Items.Count: 3 } t
            && t.Items[0] is TextValue module && t.Items[1] is TextValue name && t.Items[2] is IntValue code)
        {
            _extensions.Register(code.Value, module.Text, name.Text);
        }

        return new CallResultValue(origin, args);
    }

    /// <summary>Runs a pickle embedded in this one (joblib writes object arrays as a nested pickle) and keeps its imports.</summary>
    internal void RunNested(PickleDisassembler disassembler, long offset)
    {
        if (_nesting >= MaxNestedPickles)
        {
            throw new PickleFormatException(offset, $"joblib object arrays nest more than {MaxNestedPickles} pickles deep; the stream was not analysed further");
        }

        var nested = new PickleSimulator(_extensions, _nesting + 1);
        if (!nested.Run(disassembler))
        {
            throw new PickleFormatException(offset, "the data ends where joblib expects a nested pickle with an object array");
        }

        _imports.AddRange(nested.Imports);
        if (nested._steeredCalls is not null)
        {
            (_steeredCalls ??= new List<SteeredCall>()).AddRange(nested._steeredCalls);
        }

        if (nested._nestedLoads is not null)
        {
            (_nestedLoads ??= new List<NestedLoad>()).AddRange(nested._nestedLoads);
        }

        _disassembler = disassembler;
    }

    private void Steer(long offset, string message) => (_steeredCalls ??= new List<SteeredCall>()).Add(new SteeredCall(offset, message));

    private static PickleImport? Origin(PickleValue value) => value switch
    {
        GlobalValue g => g.Import,
        CallResultValue c => c.Origin,
        _ => null,
    };

    private static void UseAsReceiver(PickleValue target, in PickleInstruction ins) => Origin(target)?.MarkCalled(ins.Opcode, ins.Offset);

    private static void UseAsArgument(PickleValue value)
    {
        if (value is TupleValue t)
        {
            MarkTupleArguments(t);
        }
        else
        {
            MarkImportAsArgument(value);
        }
    }

    /// <summary>Marks the import a value comes from (a global, or what a call of one returned) as passed to a call.</summary>
    private static void MarkImportAsArgument(PickleValue value) => Origin(value)?.MarkArgument();

    /// <summary>
    /// Marks every import inside a tuple as an argument. Tuples nest without bound (TUPLE1 repeated a million times) and share
    /// items (DUP, memo GET: a chain of 64 such tuples holds 2^64 paths), so they are walked with an explicit stack and each
    /// tuple only once per file: tuples never change and marking is idempotent.
    /// </summary>
    private static void MarkTupleArguments(TupleValue root)
    {
        if (root.ArgumentsMarked || root.Count == 0)
        {
            return;
        }

        root.ArgumentsMarked = true;
        Stack<TupleValue>? pending = null;
        var current = root;
        while (true)
        {
            // Count and the indexer of the sealed TupleValue, not its IReadOnlyList view: no interface call per item.
            for (var i = 0; i < current.Count; i++)
            {
                var item = current[i];
                if (item is TupleValue inner)
                {
                    if (!inner.ArgumentsMarked && inner.Count > 0)
                    {
                        inner.ArgumentsMarked = true;
                        (pending ??= new Stack<TupleValue>()).Push(inner);
                    }
                }
                else
                {
                    MarkImportAsArgument(item);
                }
            }

            if (pending is null || pending.Count == 0)
            {
                return;
            }

            current = pending.Pop();
        }
    }

    private static void UseAsArguments(ReadOnlySpan<Slot> values)
    {
        for (var i = 0; i < values.Length; i++)
        {
            var value = values[i].Value;

            // Plain data (ints, str, opaque values, dicts) is what most argument lists hold; only imports and tuples matter.
            if (value is GlobalValue or CallResultValue or TupleValue)
            {
                UseAsArgument(value);
            }
        }
    }

    private void ApplyToReceiverBelowMark(in PickleInstruction ins, bool pairs)
    {
        var mark = PopToMark(ins);
        var items = Items(mark);
        if (pairs && items.Length % 2 != 0)
        {
            throw new PickleFormatException(ins.Offset, $"odd number of items for {PickleOpcodeNames.Of(ins.Opcode)}");
        }

        UseAsArguments(items);

        // The receiver sits below the mark, so reading it does not disturb the items still in place above it.
        var target = PeekBelow(ins, mark);
        if (pairs && target is DictValue dict)
        {
            for (var i = 0; i < items.Length; i += 2)
            {
                dict.Set(items[i].Value, items[i + 1].Value);
            }
        }

        Truncate(mark);
        UseAsReceiver(target, ins);
    }

    private static void RequireTupleIfKnown(PickleValue args, in PickleInstruction ins, string message)
    {
        if (args is IntValue || args is OpaqueValue)
        {
            throw new PickleFormatException(ins.Offset, message);
        }
    }

    private void MemoPut(in PickleInstruction ins, long index)
    {
        var value = Peek(ins);
        if (!_memo.TrySet(index, value, MaxMemoEntries))
        {
            throw new PickleFormatException(ins.Offset, $"more than {MaxMemoEntries} memo entries; the stream was not analysed further");
        }
    }

    private void Push(in PickleInstruction ins, PickleValue value)
    {
        if (_count >= MaxStackDepth)
        {
            throw new PickleFormatException(ins.Offset, $"the stack grows beyond {MaxStackDepth} values; the stream was not analysed further");
        }

        if (_count == _stack.Length)
        {
            Array.Resize(ref _stack, Math.Min(_stack.Length * 2, MaxStackDepth));
        }

        _stack[_count++].Value = value;
    }

    private PickleValue Peek(in PickleInstruction ins)
    {
        if (_count <= Fence)
        {
            throw Underflow(ins);
        }

        return _stack[_count - 1].Value;
    }

    /// <summary>The top of the stack once the items from <paramref name="mark"/> up are popped (what Peek would return then).</summary>
    private PickleValue PeekBelow(in PickleInstruction ins, int mark)
    {
        if (mark <= Fence)
        {
            throw Underflow(ins);
        }

        return _stack[mark - 1].Value;
    }

    private PickleValue Pop(in PickleInstruction ins)
    {
        var value = Peek(ins);
        _stack[--_count].Value = null!;
        return value;
    }

    /// <summary>Pops the top <paramref name="count"/> (1 to 3) values into a tuple (TUPLE1-3).</summary>
    private TupleValue PopSmallTuple(in PickleInstruction ins, int count)
    {
        if (_count - Fence < count)
        {
            throw Underflow(ins);
        }

        var start = _count - count;
        var tuple = new TupleValue(count, _stack[start].Value, count > 1 ? _stack[start + 1].Value : null, count > 2 ? _stack[start + 2].Value : null);
        Truncate(start);
        return tuple;
    }

    /// <summary>Pops the top mark and returns it: the items above it stay readable with <see cref="Items"/> until <see cref="Truncate"/>.</summary>
    private int PopToMark(in PickleInstruction ins)
    {
        if (_markCount == 0)
        {
            throw new PickleFormatException(ins.Offset, $"{PickleOpcodeNames.Of(ins.Opcode)} could not find MARK");
        }

        return _marks[--_markCount];
    }

    /// <summary>The values from <paramref name="mark"/> to the top of the stack.</summary>
    private ReadOnlySpan<Slot> Items(int mark) => new(_stack, mark, _count - mark);

    private static PickleValue[] ToArray(ReadOnlySpan<Slot> slots)
    {
        if (slots.Length == 0)
        {
            return Array.Empty<PickleValue>();
        }

        var array = new PickleValue[slots.Length];
        for (var i = 0; i < slots.Length; i++)
        {
            array[i] = slots[i].Value;
        }

        return array;
    }

    /// <summary>Pops every value from <paramref name="mark"/> up (references cleared, so popped values can be collected).</summary>
    private void Truncate(int mark)
    {
        Array.Clear(_stack, mark, _count - mark);
        _count = mark;
    }

    /// <summary>A stack entry. A struct array element is stored without the covariance check every store into a PickleValue[] pays.</summary>
    private struct Slot
    {
        public PickleValue Value;
    }

    private static PickleFormatException Underflow(in PickleInstruction ins)
        => new(ins.Offset, $"unpickling stack underflow at {PickleOpcodeNames.Of(ins.Opcode)}");
}
