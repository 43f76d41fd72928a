using System.Collections.Generic;

namespace ModelGuard.Engine.Formats.Safetensors;

/// <summary>One tensor entry of a safetensors header, as written (duplicates are separate entries).</summary>
internal sealed class SafetensorsTensorInfo
{
    public SafetensorsTensorInfo(string name, long nameOffset, int entryIndex, SafetensorsDtype dtype, IReadOnlyList<ulong> shape, ulong begin, ulong end)
    {
        Name = name;
        NameOffset = nameOffset;
        EntryIndex = entryIndex;
        Dtype = dtype;
        Shape = shape;
        Begin = begin;
        End = end;
    }

    /// <summary>The name after JSON unescaping.</summary>
    public string Name { get; }

    /// <summary>Offset of the name's opening quote in the file.</summary>
    public long NameOffset { get; }

    /// <summary>Position among the header's tensor entries, in document order.</summary>
    public int EntryIndex { get; }

    /// <summary>The element type.</summary>
    public SafetensorsDtype Dtype { get; }

    /// <summary>The dimensions (empty for a scalar).</summary>
    public IReadOnlyList<ulong> Shape { get; }

    /// <summary><c>data_offsets[0]</c>, relative to the start of the data buffer.</summary>
    public ulong Begin { get; }

    /// <summary><c>data_offsets[1]</c>, relative to the start of the data buffer.</summary>
    public ulong End { get; }

    /// <summary>The entry is a JSON array <c>[dtype, shape, data_offsets]</c>, which only serde's struct-from-sequence path accepts.</summary>
    public bool WrittenAsArray { get; init; }

    /// <summary>The dtype is an object <c>{"F32": null}</c>, which only serde's enum-from-map path accepts.</summary>
    public bool DtypeWrittenAsObject { get; init; }

    /// <summary>The tensor as <c>F32[2, 3]</c>.</summary>
    public string Describe() => SafetensorsText.Tensor(Dtype, Shape);
}
