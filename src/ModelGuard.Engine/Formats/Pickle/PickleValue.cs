using System.Collections.Generic;

namespace ModelGuard.Engine.Formats.Pickle;

/// <summary>
/// A symbolic stack value. Only what decides imports and calls is tracked (strings, ints, globals, call results,
/// tuples); everything else collapses into shared opaque instances so the simulation does not copy payloads.
/// </summary>
internal abstract class PickleValue
{
    /// <summary>A short description for messages ("str", "a call result", ...).</summary>
    public abstract string Describe();
}

/// <summary>A value whose content never matters to the analysis (numbers, bytes, containers, None, ...).</summary>
internal sealed class OpaqueValue : PickleValue
{
    public static readonly OpaqueValue None = new("None");
    public static readonly OpaqueValue Bool = new("bool");
    public static readonly OpaqueValue Number = new("a number");
    public static readonly OpaqueValue Bytes = new("bytes");
    public static readonly OpaqueValue List = new("a list");
    public static readonly OpaqueValue Set = new("a set");
    public static readonly OpaqueValue Persistent = new("a persistent object");
    public static readonly OpaqueValue Buffer = new("a buffer");

    /// <summary>A str too long to be a name; its text was skipped, not read.</summary>
    public static readonly OpaqueValue LongString = new("a long str");

    private readonly string _description;

    private OpaqueValue(string description) => _description = description;

    public bool IsString => ReferenceEquals(this, LongString);

    public override string Describe() => _description;
}

/// <summary>A str whose text was read (short enough to be a module or attribute name).</summary>
internal sealed class TextValue : PickleValue
{
    public TextValue(string text) => Text = text;

    public string Text { get; }

    public override string Describe() => "str";
}

/// <summary>
/// A payload kept because a nested loader may read it (see <see cref="PickleDisassembler.CaptureBudget"/>): bytes, or a str too
/// long to be a name, kept as its UTF-8 bytes (protocol 2 writes bytes as <c>_codecs.encode(str, "latin1")</c>).
/// </summary>
internal sealed class PayloadValue : PickleValue
{
    public PayloadValue(byte[] data, long offset, bool isText)
    {
        Data = data;
        Offset = offset;
        IsText = isText;
    }

    public byte[] Data { get; }

    /// <summary>Offset of the opcode that pushed the payload (or of the call that made it).</summary>
    public long Offset { get; }

    /// <summary>A str's UTF-8 bytes rather than bytes.</summary>
    public bool IsText { get; }

    public override string Describe() => IsText ? "a long str" : "bytes";
}

/// <summary>An int small enough to matter (extension codes).</summary>
internal sealed class IntValue : PickleValue
{
    private const int CacheLow = -256;
    private const int CacheHigh = 4096;

    // Ints are immutable and never compared by reference, so the common small ones are shared instead of allocated per opcode.
    private static readonly IntValue[] Cache = BuildCache();

    public IntValue(long value) => Value = value;

    public long Value { get; }

    /// <summary>The value as a shared instance when it is small, a new one otherwise.</summary>
    public static IntValue Of(long value) => value >= CacheLow && value < CacheHigh ? Cache[value - CacheLow] : new IntValue(value);

    public override string Describe() => "int";

    private static IntValue[] BuildCache()
    {
        var cache = new IntValue[CacheHigh - CacheLow];
        for (var i = 0; i < cache.Length; i++)
        {
            cache[i] = new IntValue(i + CacheLow);
        }

        return cache;
    }
}

/// <summary>The object an import produced.</summary>
internal sealed class GlobalValue : PickleValue
{
    public GlobalValue(PickleImport import) => Import = import;

    public PickleImport Import { get; }

    public override string Describe() => Import.Display;
}

/// <summary>Whatever a call returned; <see cref="Origin"/> is the import whose call produced it, if known.</summary>
internal sealed class CallResultValue : PickleValue
{
    public CallResultValue(PickleImport? origin, PickleValue? arguments = null)
    {
        Origin = origin;
        Arguments = arguments;
    }

    public PickleImport? Origin { get; }

    /// <summary>The argument tuple of the call (joblib reads array sizes from a numpy.dtype call's arguments).</summary>
    public PickleValue? Arguments { get; }

    /// <summary>The state BUILD applied to the result, if any.</summary>
    public PickleValue? State { get; set; }

    public bool IsCallOf(string module, string name) => Origin is { IsResolved: true } o && o.Module == module && o.Name == name;

    public override string Describe() => Origin is null ? "a call result" : "the result of " + Origin.Display;
}

/// <summary>A tuple with its items (arguments of calls are tuples).</summary>
internal sealed class TupleValue : PickleValue, IReadOnlyList<PickleValue>
{
    public static readonly TupleValue Empty = new(System.Array.Empty<PickleValue>());

    // Tuples of up to three items (TUPLE1-3, most argument and shape tuples) keep them in fields: one object per tuple, not two.
    private readonly PickleValue[]? _many;
    private readonly PickleValue? _first;
    private readonly PickleValue? _second;
    private readonly PickleValue? _third;
    private readonly int _count;

    /// <summary>Takes <paramref name="items"/> as the tuple's items (the array is not copied and must not change afterwards).</summary>
    public TupleValue(PickleValue[] items)
    {
        _count = items.Length;
        switch (items.Length)
        {
            case 0:
                break;
            case 1:
                _first = items[0];
                break;
            case 2:
                _first = items[0];
                _second = items[1];
                break;
            case 3:
                _first = items[0];
                _second = items[1];
                _third = items[2];
                break;
            default:
                _many = items;
                break;
        }
    }

    /// <summary>A tuple of one to three items.</summary>
    public TupleValue(int count, PickleValue first, PickleValue? second, PickleValue? third)
    {
        if (count is < 1 or > 3)
        {
            throw new System.ArgumentOutOfRangeException(nameof(count));
        }

        _count = count;
        _first = first;
        _second = count > 1 ? second : null;
        _third = count > 2 ? third : null;
    }

    public IReadOnlyList<PickleValue> Items => this;

    public int Count => _count;

    public PickleValue this[int index]
    {
        get
        {
            if ((uint)index >= (uint)_count)
            {
                throw new System.ArgumentOutOfRangeException(nameof(index));
            }

            return _many is not null ? _many[index] : index switch
            {
                0 => _first!,
                1 => _second!,
                _ => _third!,
            };
        }
    }

    public IEnumerator<PickleValue> GetEnumerator()
    {
        for (var i = 0; i < _count; i++)
        {
            yield return this[i];
        }
    }

    System.Collections.IEnumerator System.Collections.IEnumerable.GetEnumerator() => GetEnumerator();

    /// <summary>Set once the imports inside were marked as call arguments (the walk visits each tuple once; see PickleSimulator).</summary>
    public bool ArgumentsMarked { get; set; }

    public override string Describe() => "a tuple";
}

/// <summary>
/// A dict, with its str-keyed items while it stays small (joblib's array wrapper states are read from them).
/// Larger dicts keep only that they are dicts. Only the entries of the keys the analysis reads back
/// (<see cref="ReadBackKeys"/>) are stored; the others are counted, so a dict stops being tracked exactly when it would
/// have with every entry stored, and <see cref="Get"/> answers as if every entry were kept.
/// </summary>
internal sealed class DictValue : PickleValue
{
    public const int MaxTrackedItems = 64;

    // Declared before ReadBackKeys: static fields are initialised in textual order.
    private static readonly string[] Keys = { "dtype", "shape", "numpy_array_alignment_bytes" };

    /// <summary>The keys <see cref="Get"/> may be asked for.</summary>
    public static readonly IReadOnlyList<string> ReadBackKeys = Keys;

    private KeyValuePair<string, PickleValue>[]? _kept;
    private string? _dunderKey;
    private int _keptCount;
    private int _setCount;
    private bool _untracked;

    /// <summary>The first str key that is a dunder name (<c>__class__</c>): setattr with it rewires the object, not its data.</summary>
    public string? DunderKey => _dunderKey;

    public void Set(PickleValue key, PickleValue value)
    {
        if (_dunderKey is null && key is TextValue named && PythonNames.IsDunder(named.Text))
        {
            _dunderKey = named.Text;
        }

        if (_untracked)
        {
            return;
        }

        if (key is not TextValue text || _setCount >= MaxTrackedItems)
        {
            _untracked = true;
            _kept = null;
            _keptCount = 0;
            return;
        }

        _setCount++;
        if (!IsReadBack(text.Text))
        {
            return;
        }

        if (_kept is null)
        {
            _kept = new KeyValuePair<string, PickleValue>[4];
        }
        else if (_keptCount == _kept.Length)
        {
            System.Array.Resize(ref _kept, _kept.Length * 2);
        }

        _kept[_keptCount++] = new KeyValuePair<string, PickleValue>(text.Text, value);
    }

    /// <summary>The value last set for <paramref name="key"/> (one of <see cref="ReadBackKeys"/>), null when absent or untracked.</summary>
    public PickleValue? Get(string key)
    {
        if (!IsReadBack(key))
        {
            throw new System.ArgumentException($"'{key}' is not one of the keys DictValue keeps; add it to ReadBackKeys.", nameof(key));
        }

        if (_untracked || _kept is null)
        {
            return null;
        }

        for (var i = _keptCount - 1; i >= 0; i--)
        {
            if (_kept[i].Key == key)
            {
                return _kept[i].Value;
            }
        }

        return null;
    }

    public override string Describe() => "a dict";

    private static bool IsReadBack(string key)
    {
        // Called for every str key of every dict: a plain loop over the array (no enumerator), lengths compared first.
        for (var i = 0; i < Keys.Length; i++)
        {
            if (string.Equals(Keys[i], key, System.StringComparison.Ordinal))
            {
                return true;
            }
        }

        return false;
    }
}
