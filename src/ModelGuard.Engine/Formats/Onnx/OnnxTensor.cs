using System.Collections.Generic;

namespace ModelGuard.Engine.Formats.Onnx;

/// <summary>A TensorProto: name, type, dims, how many values each data field holds (never the values) and its external data entries.</summary>
internal sealed class OnnxTensor
{
    public OnnxTensor(long offset, string role)
    {
        Offset = offset;
        Role = role;
    }

    public long Offset { get; }

    /// <summary>"initializer", "tensor attribute of node 'n'", "values of sparse initializer 's'", ...</summary>
    public string Role { get; }

    public string Name { get; set; } = string.Empty;

    public List<long> Dims { get; } = new();

    public long? DataType { get; set; }

    /// <summary>The raw_data length, or -1 when the field is absent.</summary>
    public long RawDataLength { get; set; } = -1;

    /// <summary>Values per typed data field number (4 float_data, 5 int32_data, 6 string_data, 7 int64_data, 10 double_data, 11 uint64_data).</summary>
    public Dictionary<int, long> TypedCounts { get; } = new();

    public long? DataLocation { get; set; }

    public List<OnnxEntry> ExternalData { get; } = new();

    public bool HasSegment { get; set; }

    /// <summary>
    /// The values of a sparse tensor's indices when they are stored inline (int64_data, int32_data or raw_data of at most
    /// <see cref="OnnxLimits.MaxKeptIndexValues"/> values): runtimes write the dense tensor at these positions.
    /// </summary>
    public List<long>? IndexValues { get; set; }

    /// <summary>The raw_data of a sparse tensor's indices, when small enough to check (see <see cref="IndexValues"/>).</summary>
    public byte[]? RawIndexBytes { get; set; }

    /// <summary>How messages name the tensor.</summary>
    public string Describe() => Name.Length > 0 ? $"{Role} '{Name}'" : $"the unnamed {Role} at offset {Offset}";
}
