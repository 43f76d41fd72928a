using System.Collections.Generic;

namespace ModelGuard.Engine.Formats.Gguf;

/// <summary>What the header reader learnt from a GGUF file: never tensor data, only the header and tensor infos.</summary>
internal sealed class GgufHeader
{
    /// <summary>The format version (1-3).</summary>
    public uint Version { get; set; }

    /// <summary>The declared tensor count.</summary>
    public ulong TensorCount { get; set; }

    /// <summary>The declared metadata key-value count.</summary>
    public ulong KeyValueCount { get; set; }

    /// <summary>The well-known keys that were present, with their types and the values the checks need.</summary>
    public Dictionary<string, GgufKeyValue> WellKnown { get; } = new(System.StringComparer.Ordinal);

    /// <summary>The chat templates (<c>tokenizer.chat_template</c> and named ones) that were small enough to keep.</summary>
    public List<GgufKeyValue> ChatTemplates { get; } = new();

    /// <summary>The tensor infos read.</summary>
    public List<GgufTensorInfo> Tensors { get; } = new();

    /// <summary>True when every key-value pair and tensor info was read (no structural failure stopped the reader).</summary>
    public bool Complete { get; set; }

    /// <summary>Offset of the first byte after the tensor infos.</summary>
    public long InfosEnd { get; set; }
}

/// <summary>A metadata entry the checks look at.</summary>
internal sealed class GgufKeyValue
{
    public GgufKeyValue(string key, long offset, GgufValueType type)
    {
        Key = key;
        Offset = offset;
        Type = type;
    }

    public string Key { get; }

    /// <summary>Where the entry's key starts.</summary>
    public long Offset { get; }

    public GgufValueType Type { get; }

    /// <summary>For arrays, the element type.</summary>
    public GgufValueType ElementType { get; set; }

    /// <summary>For arrays, the element count.</summary>
    public ulong ArrayLength { get; set; }

    /// <summary>For integer scalars, the value (zero-extended bits).</summary>
    public ulong Scalar { get; set; }

    /// <summary>For strings that are kept (chat templates, names), the text; null when too long to keep.</summary>
    public string? Text { get; set; }

    /// <summary>For strings, the declared length in bytes.</summary>
    public ulong TextLength { get; set; }

    /// <summary>Where the string value's bytes start.</summary>
    public long ValueOffset { get; set; }

    /// <summary>The type as gguf.cpp names it, e.g. <c>arr[str]</c>.</summary>
    public string TypeName => Type == GgufValueType.Array ? $"arr[{GgufValueTypes.Name(ElementType)}]" : GgufValueTypes.Name(Type);
}

/// <summary>One tensor info (name, shape, ggml type, offset in the data section).</summary>
internal sealed class GgufTensorInfo
{
    public GgufTensorInfo(string name, long offset)
    {
        Name = name;
        Offset = offset;
    }

    /// <summary>The name, one char per byte (display with <see cref="GgufText.Quote"/>).</summary>
    public string Name { get; }

    /// <summary>Where the tensor info starts in the file.</summary>
    public long Offset { get; }

    /// <summary>The dimensions, ne[0] first (at most 4 are kept; more are reported).</summary>
    public long[] Dimensions { get; set; } = System.Array.Empty<long>();

    public uint TypeId { get; set; }

    /// <summary>The ggml type, null when ggml defines none with <see cref="TypeId"/>.</summary>
    public GgmlType? Type { get; set; }

    /// <summary>The data offset relative to the data section.</summary>
    public ulong DataOffset { get; set; }

    /// <summary>Bytes of tensor data (ggml_nbytes), null when the shape or type is invalid so it cannot be computed.</summary>
    public ulong? ByteSize { get; set; }
}
