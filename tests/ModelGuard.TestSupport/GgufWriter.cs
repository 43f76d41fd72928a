using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Text;

namespace ModelGuard.TestSupport;

/// <summary>An array value for <see cref="GgufWriter"/>: the element type (GGUF type ID) and the elements.</summary>
public sealed record GgufArray(uint ElementType, IReadOnlyList<object> Items);

/// <summary>A raw metadata value: the type ID written as is, then the payload bytes (for unknown or malformed types).</summary>
public sealed record GgufRawValue(uint Type, byte[] Payload);

/// <summary>
/// Writes GGUF files as the specification (ggml <c>docs/gguf.md</c>) lays them out and gguf-py writes them: header, key-value
/// pairs, tensor infos, zero padding to the alignment, tensor data in info order, each padded to the alignment. A test can
/// override any part: version (1 writes 32-bit counts and lengths), counts, value types, tensor types, dimensions, offsets,
/// padding, trailing bytes and truncation. Values map from CLR types: string (str), byte (u8), sbyte (i8), ushort (u16),
/// short (i16), uint (u32), int (i32), float (f32), bool, ulong (u64), long (i64), double (f64), <see cref="GgufArray"/>.
/// </summary>
public sealed class GgufWriter
{
    /// <summary>ggml types the writer knows the block layout of: ID, elements per block, bytes per block (ggml type_traits).</summary>
    public static readonly IReadOnlyDictionary<uint, (string Name, int Block, int Bytes)> Types = new Dictionary<uint, (string, int, int)>
    {
        [0] = ("F32", 1, 4), [1] = ("F16", 1, 2), [2] = ("Q4_0", 32, 18), [3] = ("Q4_1", 32, 20), [8] = ("Q8_0", 32, 34),
        [12] = ("Q4_K", 256, 144), [14] = ("Q6_K", 256, 210), [24] = ("I8", 1, 1), [26] = ("I32", 1, 4), [30] = ("BF16", 1, 2),
    };

    private readonly List<(byte[] Key, object Value)> _entries = new();
    private readonly List<Tensor> _tensors = new();

    public uint Version { get; set; } = 3;

    /// <summary>The alignment used for the layout; written as general.alignment only when <see cref="WriteAlignmentKey"/> is set.</summary>
    public uint Alignment { get; set; } = 32;

    public bool WriteAlignmentKey { get; set; }

    public byte[] Magic { get; set; } = Encoding.ASCII.GetBytes("GGUF");

    public ulong? TensorCountOverride { get; set; }

    public ulong? KeyValueCountOverride { get; set; }

    /// <summary>Bytes appended after the data section.</summary>
    public byte[] Trailing { get; set; } = Array.Empty<byte>();

    /// <summary>Whether the last tensor's data is padded to the alignment (gguf-py pads it).</summary>
    public bool PadLastTensor { get; set; } = true;

    /// <summary>A typical small llama-style model: architecture, name, a tokenizer and a chat template, two tensors.</summary>
    public static GgufWriter Typical(string? chatTemplate = "{% for message in messages %}{{ '<|' + message['role'] + '|>' + message['content'] }}{% endfor %}")
    {
        var writer = new GgufWriter();
        writer.Add("general.architecture", "llama");
        writer.Add("general.name", "tiny");
        writer.Add("llama.context_length", 128u);
        writer.Add("tokenizer.ggml.model", "llama");
        writer.Add("tokenizer.ggml.tokens", new GgufArray(8, new object[] { "<unk>", "<s>", "</s>", "a", "b" }));
        writer.Add("tokenizer.ggml.scores", new GgufArray(6, new object[] { 0f, 0f, 0f, -1f, -2f }));
        writer.Add("tokenizer.ggml.token_type", new GgufArray(5, new object[] { 2, 3, 3, 1, 1 }));
        writer.Add("tokenizer.ggml.bos_token_id", 1u);
        writer.Add("tokenizer.ggml.eos_token_id", 2u);
        if (chatTemplate is not null)
        {
            writer.Add("tokenizer.chat_template", chatTemplate);
        }

        writer.AddTensor("token_embd.weight", 0, 8, 5);
        writer.AddTensor("blk.0.attn_q.weight", 8, 64, 2);
        return writer;
    }

    public GgufWriter Add(string key, object value) => AddRawKey(Encoding.UTF8.GetBytes(key), value);

    public GgufWriter AddRawKey(byte[] key, object value)
    {
        _entries.Add((key, value));
        return this;
    }

    /// <summary>Replaces the value of every entry with this key.</summary>
    public GgufWriter Set(string key, object value)
    {
        var bytes = Encoding.UTF8.GetBytes(key);
        var index = _entries.FindIndex(e => e.Key.SequenceEqual(bytes));
        if (index < 0)
        {
            return Add(key, value);
        }

        _entries[index] = (bytes, value);
        return this;
    }

    public GgufWriter Remove(string key)
    {
        var bytes = Encoding.UTF8.GetBytes(key);
        _entries.RemoveAll(e => e.Key.SequenceEqual(bytes));
        return this;
    }

    /// <summary>Adds a tensor of ggml type <paramref name="type"/> with dimensions ne[0], ne[1], ...; its data is zeros.</summary>
    public Tensor AddTensor(string name, uint type, params ulong[] dimensions)
    {
        var tensor = new Tensor(Encoding.UTF8.GetBytes(name), type, dimensions);
        _tensors.Add(tensor);
        return tensor;
    }

    public Tensor AddTensor(string name, uint type, params int[] dimensions) => AddTensor(name, type, dimensions.Select(d => (ulong)d).ToArray());

    public IReadOnlyList<Tensor> Tensors => _tensors;

    public byte[] ToArray()
    {
        using var stream = new MemoryStream();
        stream.Write(Prefix());
        for (var i = 0; i < _tensors.Count; i++)
        {
            var tensor = _tensors[i];
            stream.Write(new byte[tensor.DataLength], 0, (int)tensor.DataLength);
            if (PadLastTensor || i < _tensors.Count - 1)
            {
                PadStream(stream, Alignment);
            }
        }

        stream.Write(Trailing, 0, Trailing.Length);
        return stream.ToArray();
    }

    /// <summary>Everything before the tensor data: header, key-value pairs, tensor infos and the padding to the data section.</summary>
    public byte[] Prefix()
    {
        var entries = new List<(byte[] Key, object Value)>(_entries);
        if (WriteAlignmentKey)
        {
            entries.Insert(0, (Encoding.UTF8.GetBytes("general.alignment"), Alignment));
        }

        using var stream = new MemoryStream();
        var w = new BinaryWriter(stream);
        w.Write(Magic);
        w.Write(Version);
        WriteLength(w, TensorCountOverride ?? (ulong)_tensors.Count);
        WriteLength(w, KeyValueCountOverride ?? (ulong)entries.Count);
        foreach (var (key, value) in entries)
        {
            WriteBytes(w, key);
            WriteValue(w, value, withType: true);
        }

        ulong next = 0;
        foreach (var tensor in _tensors)
        {
            WriteBytes(w, tensor.Name);
            w.Write(tensor.DimensionCountOverride ?? (uint)tensor.Dimensions.Length);
            foreach (var d in tensor.Dimensions)
            {
                WriteLength(w, d);
            }

            w.Write(tensor.Type);
            tensor.LayoutOffset = next;
            w.Write(tensor.OffsetOverride ?? next);
            next = Pad(next + (ulong)tensor.DataLength, Alignment);
        }

        if (_tensors.Count > 0)
        {
            PadStream(stream, Alignment);
        }

        return stream.ToArray();
    }

    /// <summary>Bytes of the data section as <see cref="ToArray"/> lays it out (each tensor padded to the alignment).</summary>
    public long DataSize() => _tensors.Sum(t => (long)Pad((ulong)t.DataLength, Alignment));

    /// <summary>Where the data section starts in <see cref="ToArray"/>'s output (after the infos and their padding).</summary>
    public static ulong Pad(ulong value, uint alignment) => (value + alignment - 1) / alignment * alignment;

    private void WriteValue(BinaryWriter w, object value, bool withType)
    {
        switch (value)
        {
            case GgufRawValue raw:
                if (withType)
                {
                    w.Write(raw.Type);
                }

                w.Write(raw.Payload);
                break;
            case GgufArray array:
                if (withType)
                {
                    w.Write(9u);
                }

                w.Write(array.ElementType);
                WriteLength(w, (ulong)array.Items.Count);
                foreach (var item in array.Items)
                {
                    WriteValue(w, item, withType: false);
                }

                break;
            default:
                if (withType)
                {
                    w.Write(TypeOf(value));
                }

                WriteScalar(w, value);
                break;
        }
    }

    private void WriteScalar(BinaryWriter w, object value)
    {
        switch (value)
        {
            case string s: WriteBytes(w, Encoding.UTF8.GetBytes(s)); break;
            case byte[] b: WriteBytes(w, b); break;
            case byte v: w.Write(v); break;
            case sbyte v: w.Write(v); break;
            case ushort v: w.Write(v); break;
            case short v: w.Write(v); break;
            case uint v: w.Write(v); break;
            case int v: w.Write(v); break;
            case float v: w.Write(v); break;
            case bool v: w.Write((byte)(v ? 1 : 0)); break;
            case ulong v: w.Write(v); break;
            case long v: w.Write(v); break;
            case double v: w.Write(v); break;
            default: throw new ArgumentException($"no GGUF type for {value.GetType()}");
        }
    }

    private static uint TypeOf(object value) => value switch
    {
        byte => 0, sbyte => 1, ushort => 2, short => 3, uint => 4, int => 5, float => 6, bool => 7, string or byte[] => 8,
        GgufArray => 9, ulong => 10, long => 11, double => 12,
        _ => throw new ArgumentException($"no GGUF type for {value.GetType()}"),
    };

    private void WriteBytes(BinaryWriter w, byte[] bytes)
    {
        WriteLength(w, (ulong)bytes.Length);
        w.Write(bytes);
    }

    private void WriteLength(BinaryWriter w, ulong value)
    {
        if (Version == 1)
        {
            w.Write((uint)value);
        }
        else
        {
            w.Write(value);
        }
    }

    private static void PadStream(Stream stream, uint alignment)
    {
        var padding = (int)(Pad((ulong)stream.Length, alignment) - (ulong)stream.Length);
        stream.Write(new byte[padding], 0, padding);
    }

    /// <summary>One tensor info and its data.</summary>
    public sealed class Tensor
    {
        internal Tensor(byte[] name, uint type, ulong[] dimensions)
        {
            Name = name;
            Type = type;
            Dimensions = dimensions;
            if (Types.TryGetValue(type, out var layout))
            {
                try
                {
                    var elements = dimensions.Aggregate(1UL, (a, d) => checked(a * d));
                    DataLength = checked((long)(elements / (ulong)layout.Block * (ulong)layout.Bytes));
                }
                catch (OverflowException)
                {
                    DataLength = 0;
                }
            }
        }

        public byte[] Name { get; set; }

        public uint Type { get; set; }

        public ulong[] Dimensions { get; set; }

        /// <summary>The dimension count written, when it should differ from <see cref="Dimensions"/>' length.</summary>
        public uint? DimensionCountOverride { get; set; }

        /// <summary>The data offset written instead of the computed one.</summary>
        public ulong? OffsetOverride { get; set; }

        /// <summary>The bytes of data written (computed from type and shape; settable for unknown types or truncation).</summary>
        public long DataLength { get; set; }

        /// <summary>The offset the layout gave the tensor (before <see cref="OffsetOverride"/>).</summary>
        public ulong LayoutOffset { get; internal set; }
    }
}
