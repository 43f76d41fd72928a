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

/// <summary>An int small enough to matter (extension codes).</summary>
internal sealed class IntValue : PickleValue
{
    public IntValue(long value) => Value = value;

    public long Value { get; }

    public override string Describe() => "int";
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
internal sealed class TupleValue : PickleValue
{
    public static readonly TupleValue Empty = new(new List<PickleValue>(0));

    public TupleValue(IReadOnlyList<PickleValue> items) => Items = items;

    public IReadOnlyList<PickleValue> Items { get; }

    public override string Describe() => "a tuple";
}

/// <summary>
/// A dict, with its str-keyed items while it stays small (joblib's array wrapper states are read from them).
/// Larger dicts keep only that they are dicts.
/// </summary>
internal sealed class DictValue : PickleValue
{
    public const int MaxTrackedItems = 64;

    private List<KeyValuePair<string, PickleValue>>? _items = new();

    public void Set(PickleValue key, PickleValue value)
    {
        if (_items is null)
        {
            return;
        }

        if (key is not TextValue text || _items.Count >= MaxTrackedItems)
        {
            _items = null;
            return;
        }

        _items.Add(new KeyValuePair<string, PickleValue>(text.Text, value));
    }

    public PickleValue? Get(string key)
    {
        if (_items is null)
        {
            return null;
        }

        for (var i = _items.Count - 1; i >= 0; i--)
        {
            if (_items[i].Key == key)
            {
                return _items[i].Value;
            }
        }

        return null;
    }

    public override string Describe() => "a dict";
}
