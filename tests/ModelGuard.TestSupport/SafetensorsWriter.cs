using System;
using System.Buffers.Binary;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Text;

namespace ModelGuard.TestSupport;

/// <summary>
/// Writes safetensors files the way the reference writer does (tensors sorted by dtype alignment, largest first, then
/// by name; data laid out in that order from offset 0; <c>__metadata__</c> first; the JSON padded with spaces to a
/// multiple of 8), and lets a test override any part: offsets, raw JSON members, key order, padding, leading
/// whitespace, the length field, the whole header, the data size and trailing bytes.
/// </summary>
public sealed class SafetensorsWriter
{
    /// <summary>Every dtype in the reference's declaration order (increasing alignment) with its bits per element.</summary>
    public static readonly IReadOnlyList<(string Name, int Bits)> Dtypes = new[]
    {
        ("BOOL", 8), ("F4", 4), ("F6_E2M3", 6), ("F6_E3M2", 6), ("U8", 8), ("I8", 8), ("F8_E5M2", 8), ("F8_E4M3", 8), ("F8_E8M0", 8),
        ("F8_E4M3FNUZ", 8), ("F8_E5M2FNUZ", 8), ("I16", 16), ("U16", 16), ("F16", 16), ("BF16", 16), ("I32", 32), ("U32", 32), ("F32", 32),
        ("C64", 64), ("F64", 64), ("I64", 64), ("U64", 64),
    };

    private readonly List<TensorSpec> _tensors = new();
    private readonly List<(string Name, string Json)> _rawMembers = new();
    private List<KeyValuePair<string, string>>? _metadata;
    private string? _rawMetadata;
    private string[]? _keyOrder;
    private string? _headerJson;
    private byte[]? _headerBytes;
    private ulong? _declaredLength;
    private string _leading = string.Empty;
    private byte _padByte = (byte)' ';
    private int _alignment = 8;
    private long? _dataLength;
    private byte[] _trailing = Array.Empty<byte>();

    /// <summary>Bits per element of a dtype name.</summary>
    public static int BitSize(string dtype) => Dtypes.First(d => d.Name == dtype).Bits;

    /// <summary>A tensor with zero data; its size is elements x bits / 8 (rounded down).</summary>
    public SafetensorsWriter Tensor(string name, string dtype, params long[] shape) => Tensor(name, dtype, shape, null);

    /// <summary>A tensor with the given data bytes (their length is what the offsets span).</summary>
    public SafetensorsWriter Tensor(string name, string dtype, long[] shape, byte[]? data)
    {
        _tensors.Add(new TensorSpec(name, dtype, shape, data));
        return this;
    }

    /// <summary>Writes this tensor's data_offsets as given instead of computing them (the data layout is unchanged).</summary>
    public SafetensorsWriter Offsets(string name, ulong begin, ulong end)
    {
        var tensor = _tensors.Last(t => t.Name == name);
        tensor.OffsetsOverride = $"[{begin},{end}]";
        return this;
    }

    /// <summary>Writes this tensor's data_offsets as raw JSON text (for <c>[0,16.0]</c>, <c>[0,1e1]</c>, ...).</summary>
    public SafetensorsWriter RawOffsets(string name, string json)
    {
        _tensors.Last(t => t.Name == name).OffsetsOverride = json;
        return this;
    }

    /// <summary>Writes this tensor's shape as raw JSON text.</summary>
    public SafetensorsWriter RawShape(string name, string json)
    {
        _tensors.Last(t => t.Name == name).ShapeOverride = json;
        return this;
    }

    /// <summary>Writes this tensor's dtype as raw JSON text.</summary>
    public SafetensorsWriter RawDtype(string name, string json)
    {
        _tensors.Last(t => t.Name == name).DtypeOverride = json;
        return this;
    }

    /// <summary>Writes this tensor's whole value as raw JSON text.</summary>
    public SafetensorsWriter RawValue(string name, string json)
    {
        _tensors.Last(t => t.Name == name).ValueOverride = json;
        return this;
    }

    /// <summary>Adds a member written verbatim after the tensors (its key is escaped, its value is raw JSON).</summary>
    public SafetensorsWriter RawMember(string name, string json)
    {
        _rawMembers.Add((name, json));
        return this;
    }

    /// <summary>Adds a <c>__metadata__</c> entry.</summary>
    public SafetensorsWriter Metadata(string key, string value)
    {
        (_metadata ??= new List<KeyValuePair<string, string>>()).Add(new KeyValuePair<string, string>(key, value));
        return this;
    }

    /// <summary>Writes <c>"__metadata__":</c> followed by this raw JSON (for example <c>null</c>).</summary>
    public SafetensorsWriter RawMetadata(string json)
    {
        _rawMetadata = json;
        return this;
    }

    /// <summary>Writes the JSON members in this order (names of tensors, raw members and <c>__metadata__</c>); data layout stays sorted.</summary>
    public SafetensorsWriter KeyOrder(params string[] names)
    {
        _keyOrder = names;
        return this;
    }

    /// <summary>Replaces the whole JSON text (padding still applies).</summary>
    public SafetensorsWriter Header(string json)
    {
        _headerJson = json;
        return this;
    }

    /// <summary>Replaces the whole header with these exact bytes (no padding is added).</summary>
    public SafetensorsWriter HeaderBytes(byte[] bytes)
    {
        _headerBytes = bytes;
        return this;
    }

    /// <summary>Writes this value in the length field instead of the header's size.</summary>
    public SafetensorsWriter DeclaredLength(ulong n)
    {
        _declaredLength = n;
        return this;
    }

    /// <summary>Whitespace written before the JSON object.</summary>
    public SafetensorsWriter Leading(string whitespace)
    {
        _leading = whitespace;
        return this;
    }

    /// <summary>Pads the header with <paramref name="pad"/> to a multiple of <paramref name="alignment"/> (1 for no padding).</summary>
    public SafetensorsWriter Padding(byte pad, int alignment = 8)
    {
        _padByte = pad;
        _alignment = alignment;
        return this;
    }

    /// <summary>Cuts or extends (with zeros) the data buffer to this many bytes.</summary>
    public SafetensorsWriter DataLength(long length)
    {
        _dataLength = length;
        return this;
    }

    /// <summary>Bytes appended after the data buffer.</summary>
    public SafetensorsWriter Trailing(byte[] bytes)
    {
        _trailing = bytes;
        return this;
    }

    /// <summary>The JSON text, before padding.</summary>
    public string HeaderJson()
    {
        if (_headerJson is not null)
        {
            return _headerJson;
        }

        var members = new List<(string Name, string Json)>();
        if (_rawMetadata is not null)
        {
            members.Add(("__metadata__", _rawMetadata));
        }
        else if (_metadata is not null)
        {
            members.Add(("__metadata__", "{" + string.Join(",", _metadata.Select(p => Quote(p.Key) + ":" + Quote(p.Value))) + "}"));
        }

        ulong offset = 0;
        foreach (var tensor in Layout())
        {
            var size = (ulong)tensor.Size;
            var json = tensor.ValueOverride
                ?? "{\"dtype\":" + (tensor.DtypeOverride ?? Quote(tensor.Dtype))
                + ",\"shape\":" + (tensor.ShapeOverride ?? "[" + string.Join(",", tensor.Shape.Select(d => d.ToString(CultureInfo.InvariantCulture))) + "]")
                + ",\"data_offsets\":" + (tensor.OffsetsOverride ?? $"[{offset},{offset + size}]") + "}";
            members.Add((tensor.Name, json));
            offset += size;
        }

        members.AddRange(_rawMembers);
        if (_keyOrder is not null)
        {
            members = _keyOrder.Select(name => members.First(m => m.Name == name)).Concat(members.Where(m => !_keyOrder.Contains(m.Name))).ToList();
        }

        return _leading + "{" + string.Join(",", members.Select(m => Quote(m.Name) + ":" + m.Json)) + "}";
    }

    /// <summary>The header bytes as written after the length field (padding included).</summary>
    public byte[] HeaderBytes()
    {
        if (_headerBytes is not null)
        {
            return _headerBytes;
        }

        var json = Encoding.UTF8.GetBytes(HeaderJson());
        var padded = _alignment <= 1 ? json.Length : (json.Length + _alignment - 1) / _alignment * _alignment;
        var header = new byte[padded];
        json.CopyTo(header, 0);
        header.AsSpan(json.Length).Fill(_padByte);
        return header;
    }

    /// <summary>The length field and the header.</summary>
    public byte[] Prefix()
    {
        var header = HeaderBytes();
        var prefix = new byte[8 + header.Length];
        BinaryPrimitives.WriteUInt64LittleEndian(prefix, _declaredLength ?? (ulong)header.Length);
        header.CopyTo(prefix, 8);
        return prefix;
    }

    /// <summary>Size of the data buffer as written.</summary>
    public long DataSize() => _dataLength ?? _tensors.Sum(t => t.Size);

    /// <summary>The whole file.</summary>
    public byte[] ToArray()
    {
        using var output = new MemoryStream();
        output.Write(Prefix());
        var data = new MemoryStream();
        foreach (var tensor in Layout())
        {
            data.Write(tensor.Data ?? new byte[tensor.Size]);
        }

        var bytes = data.ToArray();
        var length = _dataLength ?? bytes.Length;
        var buffer = new byte[length];
        Array.Copy(bytes, buffer, Math.Min(bytes.Length, length));
        output.Write(buffer);
        output.Write(_trailing);
        return output.ToArray();
    }

    /// <summary>The file as a sparse stream: the prefix, then the data buffer as fabricated zeros (nothing allocated).</summary>
    public SparseStream ToSparseStream() => new(Prefix(), DataSize(), _trailing);

    /// <summary>A JSON string literal, escaped as serde_json writes it.</summary>
    public static string Quote(string value) => ModelGuard.Engine.Formats.Json.JsonText.AppendQuoted(new StringBuilder(), value).ToString();

    private IEnumerable<TensorSpec> Layout()
        => _tensors
            .Select((t, i) => (t, i))
            .OrderByDescending(x => Dtypes.ToList().FindIndex(d => d.Name == x.t.Dtype))
            .ThenBy(x => x.t.Name, StringComparer.Ordinal)
            .ThenBy(x => x.i)
            .Select(x => x.t);

    private sealed class TensorSpec
    {
        public TensorSpec(string name, string dtype, long[] shape, byte[]? data)
        {
            Name = name;
            Dtype = dtype;
            Shape = shape;
            Data = data;
        }

        public string Name { get; }

        public string Dtype { get; }

        public long[] Shape { get; }

        public byte[]? Data { get; }

        public string? OffsetsOverride { get; set; }

        public string? ShapeOverride { get; set; }

        public string? DtypeOverride { get; set; }

        public string? ValueOverride { get; set; }

        public long Size
        {
            get
            {
                if (Data is not null)
                {
                    return Data.Length;
                }

                var bits = Dtypes.Any(d => d.Name == Dtype) ? BitSize(Dtype) : 8;
                return Shape.Aggregate(1L, (a, b) => a * b) * bits / 8;
            }
        }
    }
}
