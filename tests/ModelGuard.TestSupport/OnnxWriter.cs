using System;
using System.Collections.Generic;
using System.IO;
using System.Text;

namespace ModelGuard.TestSupport;

/// <summary>
/// Writes ONNX protobuf messages field by field, for shapes python3-onnx cannot produce in a test run: models larger than 2 GiB
/// (as a sparse file, the tensor payload a hole), deep nesting, huge counts. <see cref="ProtoMessage"/> collects one message's fields.
/// </summary>
public static class OnnxWriter
{
    /// <summary>A linear model (MatMul + Add, FLOAT[3,4] and FLOAT[4] initializers) like make_onnx.py's, as bytes.</summary>
    public static byte[] Linear()
    {
        var w = new ProtoMessage().Varints(1, 3, 4).Varint(2, 1).String(8, "W").Bytes(9, new byte[48]);
        var b = new ProtoMessage().Varints(1, 4).Varint(2, 1).String(8, "B").Bytes(9, new byte[16]);
        var graph = new ProtoMessage()
            .Nested(1, Node("MatMul", new[] { "X", "W" }, new[] { "XW" }))
            .Nested(1, Node("Add", new[] { "XW", "B" }, new[] { "Y" }))
            .String(2, "linear").Nested(5, w).Nested(5, b)
            .Nested(11, ValueInfo("X")).Nested(12, ValueInfo("Y"));
        return Model(graph).ToArray();
    }

    public static ProtoMessage Model(ProtoMessage graph, long irVersion = 8, long opset = 17)
        => new ProtoMessage().Varint(1, irVersion).String(2, "modelguard-tests").Nested(7, graph).Nested(8, new ProtoMessage().String(1, string.Empty).Varint(2, opset));

    public static ProtoMessage Node(string opType, string[] inputs, string[] outputs, string domain = "")
    {
        var node = new ProtoMessage();
        foreach (var input in inputs)
        {
            node.String(1, input);
        }

        foreach (var output in outputs)
        {
            node.String(2, output);
        }

        node.String(4, opType);
        return domain.Length > 0 ? node.String(7, domain) : node;
    }

    public static ProtoMessage ValueInfo(string name) => new ProtoMessage().String(1, name);

    /// <summary>
    /// Writes a model with <paramref name="tensors"/> UINT8 initializers of <paramref name="bytesEach"/> bytes held inline in
    /// raw_data, as a sparse file: the payloads are holes of zeros, so a multi-gigabyte model costs no disk space.
    /// </summary>
    public static void WriteModelWithInlinePayload(string path, long bytesEach, int tensors = 1)
    {
        // Lengths are computed from the outside in: every tensor, the graph and the model declare the holes' sizes too.
        var heads = new List<byte[]>();
        long graphLength = 0;
        for (var i = 0; i < tensors; i++)
        {
            var tensorHead = Concat(new ProtoMessage().Varints(1, bytesEach).Varint(2, 2).String(8, "big" + i).ToArray(), Tag(9, 2), Varint((ulong)bytesEach));
            var tensorLength = tensorHead.Length + bytesEach;
            var head = Concat(Tag(5, 2), Varint((ulong)tensorLength), tensorHead);
            heads.Add(head);
            graphLength += head.Length + bytesEach;
        }

        var graphTail = new ProtoMessage().Nested(1, Node("Identity", new[] { "big0" }, new[] { "out" })).Nested(12, ValueInfo("out")).ToArray();
        graphLength += graphTail.Length;
        var modelHead = Concat(new ProtoMessage().Varint(1, 8).String(2, "modelguard-tests").ToArray(), Tag(7, 2), Varint((ulong)graphLength));
        var modelTail = new ProtoMessage().Nested(8, new ProtoMessage().String(1, string.Empty).Varint(2, 17)).ToArray();

        using var file = new FileStream(path, FileMode.Create, FileAccess.Write);
        file.Write(modelHead);
        foreach (var head in heads)
        {
            file.Write(head);
            file.Seek(bytesEach, SeekOrigin.Current);
        }

        file.Write(graphTail);
        file.Write(modelTail);
    }

    public static byte[] Tag(int field, int wire) => Varint(((ulong)field << 3) | (uint)wire);

    public static byte[] Varint(ulong value)
    {
        var bytes = new List<byte>();
        do
        {
            var b = (byte)(value & 0x7F);
            value >>= 7;
            bytes.Add(value == 0 ? b : (byte)(b | 0x80));
        }
        while (value != 0);
        return bytes.ToArray();
    }

    private static byte[] Concat(params byte[][] parts)
    {
        using var all = new MemoryStream();
        foreach (var part in parts)
        {
            all.Write(part);
        }

        return all.ToArray();
    }

    /// <summary>One protobuf message under construction.</summary>
    public sealed class ProtoMessage
    {
        private readonly MemoryStream _bytes = new();

        public ProtoMessage Varint(int field, long value) => Raw(Tag(field, 0), OnnxWriter.Varint((ulong)value));

        /// <summary>A packed repeated int64 field.</summary>
        public ProtoMessage Varints(int field, params long[] values)
        {
            using var packed = new MemoryStream();
            foreach (var value in values)
            {
                packed.Write(OnnxWriter.Varint((ulong)value));
            }

            return Bytes(field, packed.ToArray());
        }

        public ProtoMessage String(int field, string value) => Bytes(field, Encoding.UTF8.GetBytes(value));

        public ProtoMessage Bytes(int field, byte[] value) => Raw(Tag(field, 2), OnnxWriter.Varint((ulong)value.Length), value);

        public ProtoMessage Nested(int field, ProtoMessage value) => Bytes(field, value.ToArray());

        /// <summary>Appends bytes as they are (a hand-made tag, a wrong wire type, a truncated field).</summary>
        public ProtoMessage Raw(params byte[][] parts)
        {
            foreach (var part in parts)
            {
                _bytes.Write(part);
            }

            return this;
        }

        public byte[] ToArray() => _bytes.ToArray();
    }
}
