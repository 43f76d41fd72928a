using System;
using System.Collections.Generic;
using System.IO;
using ModelGuard.Engine.Limits;
using ModelGuard.Engine.Rules;

namespace ModelGuard.Engine.Formats.Onnx;

/// <summary>
/// Reads the structure of an ONNX ModelProto (onnx/onnx.proto) into an <see cref="OnnxModel"/>: graphs, nodes, attributes'
/// subgraphs and tensors, functions and training graphs. Tensor payloads (raw_data, typed data of fixed-size types) are skipped
/// with a seek; only their lengths are kept. Unknown fields are skipped as protobuf parsers skip them.
/// </summary>
internal sealed class OnnxModelReader
{
    private readonly ProtoWireReader _wire;
    private int _nodes;
    private int _tensors;
    private long _nameBytes;
    private int _messageDepth;

    private OnnxModelReader(ProtoWireReader wire) => _wire = wire;

    /// <summary>Reads the model; throws <see cref="OnnxFormatException"/> at the first malformed byte or exceeded limit.</summary>
    public static OnnxModel Read(Stream content, long? length)
    {
        using var wire = new ProtoWireReader(content, length);
        var model = new OnnxModel();
        new OnnxModelReader(wire).ReadModel(model);
        return model;
    }

    private void ReadModel(OnnxModel model)
    {
        var end = _wire.End;
        var seen = 0L;
        while (_wire.TryReadTag(end, out var field, out var wire))
        {
            var at = _wire.Position;
            ScanDeadline.Check();
            switch (field)
            {
                case 1:
                    Once(ref seen, field, at, "ir_version", "ModelProto");
                    model.IrVersionOffset = at;
                    model.IrVersion = (long)ReadVarintField(wire, end, "ir_version", "ModelProto");
                    break;
                case 7:
                    Once(ref seen, field, at, "graph", "ModelProto");
                    model.Graph = ReadGraph(Message(wire, end, "graph", "ModelProto"), "the main graph", 0);
                    break;
                case 8:
                    model.Opsets.Add(ReadOpset(Message(wire, end, "opset_import", "ModelProto")));
                    Count(model.Opsets.Count, "opset_import entries");
                    break;
                case 20:
                    ReadTrainingInfo(Message(wire, end, "training_info", "ModelProto"), model);
                    break;
                case 25:
                    model.Functions.Add(ReadFunction(Message(wire, end, "functions", "ModelProto")));
                    Count(model.Functions.Count, "functions");
                    break;
                case 2 or 3 or 4 or 6 or 14 or 26:
                    SkipMessageOrBytes(wire, end, field, "ModelProto");
                    break;
                default:
                    _wire.SkipValue(wire, end, $"field {field} of the ModelProto");
                    break;
            }
        }
    }

    private OnnxGraph ReadGraph(long end, string role, int subgraphDepth)
    {
        var graph = new OnnxGraph(_wire.Position, role);
        if (subgraphDepth > OnnxLimits.MaxSubgraphDepth)
        {
            throw Limit(graph.Offset, $"subgraphs are nested more than {OnnxLimits.MaxSubgraphDepth} levels deep");
        }

        Enter();
        while (_wire.TryReadTag(end, out var field, out var wire))
        {
            switch (field)
            {
                case 1:
                    graph.Nodes.Add(ReadNode(Message(wire, end, "node", "GraphProto"), subgraphDepth));
                    break;
                case 2:
                    graph.Name = ReadName(wire, end, "name", "GraphProto");
                    break;
                case 5:
                    graph.Initializers.Add(ReadTensor(Message(wire, end, "initializer", "GraphProto"), Scoped("initializer", role)));
                    break;
                case 15:
                    graph.SparseInitializers.Add(ReadSparseTensor(Message(wire, end, "sparse_initializer", "GraphProto"), Scoped("sparse initializer", role)));
                    break;
                case 11:
                    AddValueInfo(graph.Inputs, wire, end, "input");
                    break;
                case 12:
                    AddValueInfo(graph.Outputs, wire, end, "output");
                    break;
                case 10 or 13 or 14 or 16:
                    SkipMessageOrBytes(wire, end, field, "GraphProto");
                    break;
                default:
                    _wire.SkipValue(wire, end, $"field {field} of a GraphProto");
                    break;
            }
        }

        Leave();
        return graph;
    }

    private void AddValueInfo(List<OnnxName> names, int wire, long end, string what)
    {
        var messageEnd = Message(wire, end, what, "GraphProto");
        var at = _wire.Position;
        Enter();
        var name = string.Empty;
        while (_wire.TryReadTag(messageEnd, out var field, out var fieldWire))
        {
            if (field == 1)
            {
                name = ReadName(fieldWire, messageEnd, "name", "ValueInfoProto");
            }
            else
            {
                _wire.SkipValue(fieldWire, messageEnd, $"field {field} of a ValueInfoProto");
            }
        }

        Leave();
        names.Add(new OnnxName(name, at));
        Count(names.Count, "graph " + what + "s");
    }

    private OnnxNode ReadNode(long end, int subgraphDepth)
    {
        var node = new OnnxNode(_wire.Position);
        ScanDeadline.Check();
        if (++_nodes > OnnxLimits.MaxNodes)
        {
            throw Limit(node.Offset, $"the model has more than {OnnxLimits.MaxNodes} nodes");
        }

        Enter();
        var seen = 0L;
        while (_wire.TryReadTag(end, out var field, out var wire))
        {
            var at = _wire.Position;
            switch (field)
            {
                case 1:
                    node.Inputs.Add(ReadName(wire, end, "input", "NodeProto"));
                    Count(node.Inputs.Count, "node inputs");
                    break;
                case 2:
                    node.Outputs.Add(ReadName(wire, end, "output", "NodeProto"));
                    Count(node.Outputs.Count, "node outputs");
                    break;
                case 3:
                    node.Name = ReadName(wire, end, "name", "NodeProto");
                    break;
                case 4:
                    Once(ref seen, field, at, "op_type", "NodeProto");
                    node.OpType = ReadName(wire, end, "op_type", "NodeProto");
                    break;
                case 7:
                    Once(ref seen, field, at, "domain", "NodeProto");
                    node.Domain = ReadName(wire, end, "domain", "NodeProto");
                    break;
                case 5:
                    ReadAttribute(Message(wire, end, "attribute", "NodeProto"), node, subgraphDepth);
                    break;
                default:
                    _wire.SkipValue(wire, end, $"field {field} of a NodeProto");
                    break;
            }
        }

        Leave();
        return node;
    }

    private void ReadAttribute(long end, OnnxNode node, int subgraphDepth)
    {
        Enter();
        var name = string.Empty;
        while (_wire.TryReadTag(end, out var field, out var wire))
        {
            switch (field)
            {
                case 1:
                    name = ReadName(wire, end, "name", "AttributeProto");
                    break;
                case 5 or 10:
                    node.Tensors.Add(ReadTensor(Message(wire, end, field == 5 ? "t" : "tensors", "AttributeProto"), $"tensor of attribute '{name}' of {node.Describe()}"));
                    Count(node.Tensors.Count, "attribute tensors of one node");
                    break;
                case 6 or 11:
                    node.Subgraphs.Add(ReadGraph(Message(wire, end, field == 6 ? "g" : "graphs", "AttributeProto"), $"the '{name}' graph of {node.Describe()}", subgraphDepth + 1));
                    Count(node.Subgraphs.Count, "subgraphs of one node");
                    break;
                case 22 or 23:
                    node.SparseTensors.Add(ReadSparseTensor(Message(wire, end, field == 22 ? "sparse_tensor" : "sparse_tensors", "AttributeProto"), $"sparse tensor of attribute '{name}' of {node.Describe()}"));
                    Count(node.SparseTensors.Count, "sparse tensors of one node");
                    break;
                case 14 or 15:
                    // TypeProto: nested types, skipped whole (its depth is bounded by its length).
                    SkipMessageOrBytes(wire, end, field, "AttributeProto");
                    break;
                default:
                    _wire.SkipValue(wire, end, $"field {field} of an AttributeProto");
                    break;
            }
        }

        Leave();
    }

    private OnnxTensor ReadTensor(long end, string role)
    {
        var tensor = new OnnxTensor(_wire.Position, role);
        ScanDeadline.Check();
        if (++_tensors > OnnxLimits.MaxTensors)
        {
            throw Limit(tensor.Offset, $"the model has more than {OnnxLimits.MaxTensors} tensors");
        }

        Enter();
        var seen = 0L;
        while (_wire.TryReadTag(end, out var field, out var wire))
        {
            var at = _wire.Position;
            switch (field)
            {
                case 1:
                    ReadInt64s(wire, end, tensor.Dims, "dims", "TensorProto");
                    break;
                case 2:
                    Once(ref seen, field, at, "data_type", "TensorProto");
                    tensor.DataType = (long)ReadVarintField(wire, end, "data_type", "TensorProto");
                    break;
                case 3:
                    tensor.HasSegment = true;
                    _wire.SkipTo(Message(wire, end, "segment", "TensorProto"), "segment");
                    break;
                case 4:
                    AddTypedCount(tensor, field, CountFixed(wire, end, 4, "float_data"));
                    break;
                case 10:
                    AddTypedCount(tensor, field, CountFixed(wire, end, 8, "double_data"));
                    break;
                case 5 or 7 or 11:
                    AddTypedCount(tensor, field, CountVarints(wire, end, TypedFieldName(field)));
                    break;
                case 6:
                    _wire.SkipTo(Bytes(wire, end, "string_data", "TensorProto"), "string_data");
                    AddTypedCount(tensor, field, 1);
                    break;
                case 8:
                    tensor.Name = ReadName(wire, end, "name", "TensorProto");
                    break;
                case 9:
                    Once(ref seen, field, at, "raw_data", "TensorProto");
                    var payloadEnd = Bytes(wire, end, "raw_data", "TensorProto");
                    tensor.RawDataLength = payloadEnd - _wire.Position;
                    _wire.SkipTo(payloadEnd, "raw_data");
                    break;
                case 13:
                    tensor.ExternalData.Add(ReadEntry(Message(wire, end, "external_data", "TensorProto")));
                    Count(tensor.ExternalData.Count, "external_data entries of one tensor");
                    break;
                case 14:
                    Once(ref seen, field, at, "data_location", "TensorProto");
                    tensor.DataLocation = (long)ReadVarintField(wire, end, "data_location", "TensorProto");
                    break;
                default:
                    _wire.SkipValue(wire, end, $"field {field} of a TensorProto");
                    break;
            }
        }

        Leave();
        return tensor;
    }

    private OnnxSparseTensor ReadSparseTensor(long end, string role)
    {
        var sparse = new OnnxSparseTensor(_wire.Position, role);
        Enter();
        while (_wire.TryReadTag(end, out var field, out var wire))
        {
            switch (field)
            {
                case 1:
                    sparse.Values = ReadTensor(Message(wire, end, "values", "SparseTensorProto"), "values of " + role);
                    break;
                case 2:
                    sparse.Indices = ReadTensor(Message(wire, end, "indices", "SparseTensorProto"), "indices of " + role);
                    break;
                case 3:
                    ReadInt64s(wire, end, sparse.Dims, "dims", "SparseTensorProto");
                    break;
                default:
                    _wire.SkipValue(wire, end, $"field {field} of a SparseTensorProto");
                    break;
            }
        }

        Leave();
        return sparse;
    }

    private OnnxFunction ReadFunction(long end)
    {
        var function = new OnnxFunction(_wire.Position);
        var defaults = new OnnxNode(function.Offset) { Name = "(attribute defaults)" };
        Enter();
        while (_wire.TryReadTag(end, out var field, out var wire))
        {
            switch (field)
            {
                case 1:
                    function.Name = ReadName(wire, end, "name", "FunctionProto");
                    break;
                case 4:
                    function.Inputs.Add(ReadName(wire, end, "input", "FunctionProto"));
                    Count(function.Inputs.Count, "function inputs");
                    break;
                case 5:
                    function.Outputs.Add(ReadName(wire, end, "output", "FunctionProto"));
                    Count(function.Outputs.Count, "function outputs");
                    break;
                case 7:
                    function.Nodes.Add(ReadNode(Message(wire, end, "node", "FunctionProto"), 0));
                    break;
                case 10:
                    function.Domain = ReadName(wire, end, "domain", "FunctionProto");
                    break;
                case 11:
                    // Default attribute values can hold tensors (with external data) and graphs like any attribute.
                    ReadAttribute(Message(wire, end, "attribute_proto", "FunctionProto"), defaults, 0);
                    break;
                default:
                    _wire.SkipValue(wire, end, $"field {field} of a FunctionProto");
                    break;
            }
        }

        Leave();
        if (defaults.Tensors.Count > 0 || defaults.Subgraphs.Count > 0 || defaults.SparseTensors.Count > 0)
        {
            function.Nodes.Add(defaults);
        }

        return function;
    }

    private void ReadTrainingInfo(long end, OnnxModel model)
    {
        Enter();
        while (_wire.TryReadTag(end, out var field, out var wire))
        {
            if (field is 1 or 2)
            {
                var name = field == 1 ? "initialization" : "algorithm";
                model.TrainingGraphs.Add(ReadGraph(Message(wire, end, name, "TrainingInfoProto"), $"the training '{name}' graph", 0));
            }
            else
            {
                _wire.SkipValue(wire, end, $"field {field} of a TrainingInfoProto");
            }
        }

        Leave();
    }

    private OnnxOpset ReadOpset(long end)
    {
        var opset = new OnnxOpset(_wire.Position);
        Enter();
        while (_wire.TryReadTag(end, out var field, out var wire))
        {
            if (field == 1)
            {
                opset.Domain = ReadName(wire, end, "domain", "OperatorSetIdProto");
            }
            else if (field == 2)
            {
                opset.Version = (long)ReadVarintField(wire, end, "version", "OperatorSetIdProto");
            }
            else
            {
                _wire.SkipValue(wire, end, $"field {field} of an OperatorSetIdProto");
            }
        }

        Leave();
        return opset;
    }

    private OnnxEntry ReadEntry(long end)
    {
        var entry = new OnnxEntry(_wire.Position);
        Enter();
        while (_wire.TryReadTag(end, out var field, out var wire))
        {
            if (field == 1)
            {
                entry.Key = ReadName(wire, end, "key", "StringStringEntryProto");
            }
            else if (field == 2)
            {
                entry.Value = ReadName(wire, end, "value", "StringStringEntryProto");
            }
            else
            {
                _wire.SkipValue(wire, end, $"field {field} of a StringStringEntryProto");
            }
        }

        Leave();
        return entry;
    }

    private void ReadInt64s(int wire, long end, List<long> values, string name, string message)
    {
        if (wire == ProtoWireReader.Varint)
        {
            AddDim(values, (long)_wire.ReadVarint(end, name));
            return;
        }

        var payloadEnd = Bytes(wire, end, name, message);
        while (_wire.Position < payloadEnd)
        {
            AddDim(values, (long)_wire.ReadVarint(payloadEnd, "a value of packed " + name));
        }
    }

    private void AddDim(List<long> values, long value)
    {
        if (values.Count >= OnnxLimits.MaxDims)
        {
            throw Limit(_wire.Position, $"a tensor has more than {OnnxLimits.MaxDims} dims");
        }

        values.Add(value);
    }

    private long CountFixed(int wire, long end, int size, string name)
    {
        var fixedWire = size == 4 ? ProtoWireReader.Fixed32 : ProtoWireReader.Fixed64;
        if (wire == fixedWire)
        {
            _wire.SkipValue(wire, end, name);
            return 1;
        }

        var at = _wire.Position;
        var payloadEnd = Bytes(wire, end, name, "TensorProto");
        var length = payloadEnd - _wire.Position;
        if (length % size != 0)
        {
            throw ProtoWireReader.Malformed(at, $"packed {name} is {length} bytes, not a multiple of its {size}-byte values");
        }

        _wire.SkipTo(payloadEnd, name);
        return length / size;
    }

    private long CountVarints(int wire, long end, string name)
    {
        if (wire == ProtoWireReader.Varint)
        {
            _wire.ReadVarint(end, name);
            return 1;
        }

        var payloadEnd = Bytes(wire, end, name, "TensorProto");
        return _wire.CountPackedVarints(payloadEnd, "packed " + name);
    }

    private static void AddTypedCount(OnnxTensor tensor, int field, long count)
        => tensor.TypedCounts[field] = (tensor.TypedCounts.TryGetValue(field, out var sum) ? sum : 0) + count;

    private static string TypedFieldName(int field) => field switch
    {
        4 => "float_data",
        5 => "int32_data",
        6 => "string_data",
        7 => "int64_data",
        10 => "double_data",
        _ => "uint64_data",
    };

    /// <summary>Checks a message field's wire type and reads its length; returns where the message ends.</summary>
    private long Message(int wire, long end, string field, string message) => Bytes(wire, end, field, message);

    private long Bytes(int wire, long end, string field, string message)
    {
        if (wire != ProtoWireReader.LengthDelimited)
        {
            throw ProtoWireReader.Malformed(_wire.Position, $"the field '{field}' of a {message} has wire type {wire}, but it is length-delimited (wire type 2)");
        }

        return _wire.ReadLength(end, $"the field '{field}' of a {message}");
    }

    private ulong ReadVarintField(int wire, long end, string field, string message)
    {
        if (wire != ProtoWireReader.Varint)
        {
            throw ProtoWireReader.Malformed(_wire.Position, $"the field '{field}' of a {message} has wire type {wire}, but it is a varint (wire type 0)");
        }

        return _wire.ReadVarint(end, $"the field '{field}' of a {message}");
    }

    private string ReadName(int wire, long end, string field, string message)
    {
        var payloadEnd = Bytes(wire, end, field, message);
        _nameBytes += payloadEnd - _wire.Position;
        if (_nameBytes > OnnxLimits.MaxTotalNameBytes)
        {
            throw Limit(_wire.Position, $"the model's names take more than {OnnxLimits.MaxTotalNameBytes} bytes");
        }

        return _wire.ReadString(payloadEnd, OnnxLimits.MaxNameBytes, $"the field '{field}' of a {message}");
    }

    private void SkipMessageOrBytes(int wire, long end, int field, string message)
        => _wire.SkipTo(Bytes(wire, end, $"field {field}", message), $"field {field} of a {message}");

    /// <summary>
    /// A singular field written twice: protobuf parsers keep the last scalar and merge messages, readers built otherwise keep the
    /// first, so the same bytes are two different models. No writer does it.
    /// </summary>
    private static void Once(ref long seen, int field, long at, string name, string message)
    {
        var bit = 1L << (field & 63);
        if ((seen & bit) != 0)
        {
            throw ProtoWireReader.Malformed(at, $"the field '{name}' of a {message} appears more than once; protobuf parsers keep the last value (and merge messages) while other readers keep the first");
        }

        seen |= bit;
    }

    private void Count(int count, string what)
    {
        if (count > OnnxLimits.MaxListLength)
        {
            throw Limit(_wire.Position, $"there are more than {OnnxLimits.MaxListLength} {what}");
        }
    }

    private void Enter()
    {
        if (++_messageDepth > OnnxLimits.MaxMessageDepth)
        {
            throw Limit(_wire.Position, $"protobuf messages are nested more than {OnnxLimits.MaxMessageDepth} levels deep");
        }
    }

    private void Leave() => _messageDepth--;

    private static string Scoped(string what, string graphRole) => graphRole == "the main graph" ? what : $"{what} of {graphRole}";

    private static OnnxFormatException Limit(long offset, string message)
        => new(RuleCatalog.OnnxStructureLimitExceeded, offset, message + "; the rest of the model was not verified");
}
