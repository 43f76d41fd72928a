using System.Collections.Generic;

namespace ModelGuard.Engine.Formats.Onnx;

/// <summary>
/// The fields of the ONNX messages ModelGuard does not keep (types, shapes, annotations, key/value pairs), so that skipping
/// them still walks their nested messages: protobuf parsers fail a whole model on a bad varint, length or group deep inside a
/// TypeProto, and so must ModelGuard. Strings and bytes are skipped by length; unknown fields as any parser skips them.
/// </summary>
internal sealed class ProtoSchema
{
    private readonly Dictionary<int, ProtoSchema?> _messages = new();

    private ProtoSchema(string name) => Name = name;

    public string Name { get; }

    public static ProtoSchema StringStringEntry { get; } = new("StringStringEntryProto");

    public static ProtoSchema TypeProto { get; }

    public static ProtoSchema ValueInfo { get; }

    public static ProtoSchema TensorAnnotation { get; }

    public static ProtoSchema Opaque { get; } = new("an opaque message");

    static ProtoSchema()
    {
        var dimension = new ProtoSchema("TensorShapeProto.Dimension");
        var shape = new ProtoSchema("TensorShapeProto").With(1, dimension);
        var type = new ProtoSchema("TypeProto");
        var tensor = new ProtoSchema("TypeProto.Tensor").With(2, shape);
        var sequence = new ProtoSchema("TypeProto.Sequence").With(1, type);
        var map = new ProtoSchema("TypeProto.Map").With(2, type);
        var optional = new ProtoSchema("TypeProto.Optional").With(1, type);
        var sparse = new ProtoSchema("TypeProto.SparseTensor").With(2, shape);
        type.With(1, tensor).With(4, sequence).With(5, map).With(9, optional).With(8, sparse).With(7, null);
        TypeProto = type;
        ValueInfo = new ProtoSchema("ValueInfoProto").With(2, type).With(4, StringStringEntry);
        TensorAnnotation = new ProtoSchema("TensorAnnotation").With(2, StringStringEntry);
    }

    /// <summary>The schema of the length-delimited field <paramref name="field"/> when it is a message (null: an opaque message); false for strings, bytes and unknown fields.</summary>
    public bool TryGetMessage(int field, out ProtoSchema? schema) => _messages.TryGetValue(field, out schema);

    private ProtoSchema With(int field, ProtoSchema? message)
    {
        _messages[field] = message ?? Opaque;
        return this;
    }
}
