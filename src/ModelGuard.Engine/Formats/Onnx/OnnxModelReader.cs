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
        while (_wire.TryReadTag(end, out var field, out var wire))
        {
            var at = _wire.Position;
            ScanDeadline.Check();
            switch (field)
            {
                case 1 when wire == ProtoWireReader.Varint:
                    model.IrVersionOffset = at;
                    model.IrVersion = (long)ReadVarintField(wire, end, "ir_version", "ModelProto");
                    break;
                case 7 when wire == ProtoWireReader.LengthDelimited:
                    // A repeated message field is merged by protobuf parsers: a second 'graph' adds to the first.
                    model.Graph = ReadGraph(Message(wire, end, "graph", "ModelProto"), "the main graph", 0, model.Graph);
                    break;
                case 8 when wire == ProtoWireReader.LengthDelimited:
                    model.Opsets.Add(ReadOpset(Message(wire, end, "opset_import", "ModelProto")));
                    Count(model.Opsets.Count, "opset_import entries");
                    break;
                case 20 when wire == ProtoWireReader.LengthDelimited:
                    ReadTrainingInfo(Message(wire, end, "training_info", "ModelProto"), model);
                    break;
                case 25 when wire == ProtoWireReader.LengthDelimited:
                    model.Functions.Add(ReadFunction(Message(wire, end, "functions", "ModelProto")));
                    Count(model.Functions.Count, "functions");
                    break;
                case 14 when wire == ProtoWireReader.LengthDelimited:
                    SkipMessage(end, ProtoSchema.StringStringEntry);
                    break;
                default:
                    _wire.SkipValue(wire, end, $"field {field} of the ModelProto");
                    break;
            }
        }
    }

    private OnnxGraph ReadGraph(long end, string role, int subgraphDepth, OnnxGraph? mergeInto = null)
    {
        var graph = mergeInto ?? new OnnxGraph(_wire.Position, role);
        if (subgraphDepth > OnnxLimits.MaxSubgraphDepth)
        {
            throw Limit(graph.Offset, $"subgraphs are nested more than {OnnxLimits.MaxSubgraphDepth} levels deep");
        }

        Enter();
        while (_wire.TryReadTag(end, out var field, out var wire))
        {
            switch (field)
            {
                case 1 when wire == ProtoWireReader.LengthDelimited:
                    graph.Nodes.Add(ReadNode(Message(wire, end, "node", "GraphProto"), subgraphDepth));
                    break;
                case 2 when wire == ProtoWireReader.LengthDelimited:
                    graph.Name = ReadName(wire, end, "name", "GraphProto");
                    break;
                case 5 when wire == ProtoWireReader.LengthDelimited:
                    graph.Initializers.Add(ReadTensor(Message(wire, end, "initializer", "GraphProto"), Scoped("initializer", role)));
                    break;
                case 15 when wire == ProtoWireReader.LengthDelimited:
                    graph.SparseInitializers.Add(ReadSparseTensor(Message(wire, end, "sparse_initializer", "GraphProto"), Scoped("sparse initializer", role)));
                    break;
                case 11 when wire == ProtoWireReader.LengthDelimited:
                    AddValueInfo(graph.Inputs, wire, end, "input");
                    break;
                case 12 when wire == ProtoWireReader.LengthDelimited:
                    AddValueInfo(graph.Outputs, wire, end, "output");
                    break;
                case 13 when wire == ProtoWireReader.LengthDelimited:
                    SkipMessage(end, ProtoSchema.ValueInfo);
                    break;
                case 14 when wire == ProtoWireReader.LengthDelimited:
                    SkipMessage(end, ProtoSchema.TensorAnnotation);
                    break;
                case 16 when wire == ProtoWireReader.LengthDelimited:
                    SkipMessage(end, ProtoSchema.StringStringEntry);
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
            if (field == 1 && fieldWire == ProtoWireReader.LengthDelimited)
            {
                name = ReadName(fieldWire, messageEnd, "name", "ValueInfoProto");
            }
            else if (field is 2 or 4 && fieldWire == ProtoWireReader.LengthDelimited)
            {
                SkipMessage(messageEnd, field == 2 ? ProtoSchema.TypeProto : ProtoSchema.StringStringEntry);
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
        while (_wire.TryReadTag(end, out var field, out var wire))
        {
            switch (field)
            {
                case 1 when wire == ProtoWireReader.LengthDelimited:
                    node.Inputs.Add(ReadName(wire, end, "input", "NodeProto"));
                    Count(node.Inputs.Count, "node inputs");
                    break;
                case 2 when wire == ProtoWireReader.LengthDelimited:
                    node.Outputs.Add(ReadName(wire, end, "output", "NodeProto"));
                    Count(node.Outputs.Count, "node outputs");
                    break;
                case 3 when wire == ProtoWireReader.LengthDelimited:
                    node.Name = ReadName(wire, end, "name", "NodeProto");
                    break;
                case 4 when wire == ProtoWireReader.LengthDelimited:
                    node.OpType = ReadName(wire, end, "op_type", "NodeProto");
                    break;
                case 7 when wire == ProtoWireReader.LengthDelimited:
                    node.Domain = ReadName(wire, end, "domain", "NodeProto");
                    break;
                case 5 when wire == ProtoWireReader.LengthDelimited:
                    ReadAttribute(Message(wire, end, "attribute", "NodeProto"), node, subgraphDepth);
                    break;
                case 9 when wire == ProtoWireReader.LengthDelimited:
                    SkipMessage(end, ProtoSchema.StringStringEntry);
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
                case 1 when wire == ProtoWireReader.LengthDelimited:
                    name = ReadName(wire, end, "name", "AttributeProto");
                    break;
                case 5 or 10 when wire == ProtoWireReader.LengthDelimited:
                    node.Tensors.Add(ReadTensor(Message(wire, end, field == 5 ? "t" : "tensors", "AttributeProto"), $"tensor of attribute '{name}' of {node.Describe()}"));
                    Count(node.Tensors.Count, "attribute tensors of one node");
                    break;
                case 6 or 11 when wire == ProtoWireReader.LengthDelimited:
                    node.Subgraphs.Add(ReadGraph(Message(wire, end, field == 6 ? "g" : "graphs", "AttributeProto"), $"the '{name}' graph of {node.Describe()}", subgraphDepth + 1));
                    Count(node.Subgraphs.Count, "subgraphs of one node");
                    break;
                case 22 or 23 when wire == ProtoWireReader.LengthDelimited:
                    node.SparseTensors.Add(ReadSparseTensor(Message(wire, end, field == 22 ? "sparse_tensor" : "sparse_tensors", "AttributeProto"), $"sparse tensor of attribute '{name}' of {node.Describe()}"));
                    Count(node.SparseTensors.Count, "sparse tensors of one node");
                    break;
                case 14 or 15 when wire == ProtoWireReader.LengthDelimited:
                    SkipMessage(end, ProtoSchema.TypeProto);
                    break;
                default:
                    _wire.SkipValue(wire, end, $"field {field} of an AttributeProto");
                    break;
            }
        }

        Leave();
    }

    private OnnxTensor ReadTensor(long end, string role, bool keepIndexValues = false)
    {
        var tensor = new OnnxTensor(_wire.Position, role);
        ScanDeadline.Check();
        if (++_tensors > OnnxLimits.MaxTensors)
        {
            throw Limit(tensor.Offset, $"the model has more than {OnnxLimits.MaxTensors} tensors");
        }

        Enter();
        while (_wire.TryReadTag(end, out var field, out var wire))
        {
            switch (field)
            {
                case 1 when wire is ProtoWireReader.Varint or ProtoWireReader.LengthDelimited:
                    ReadInt64s(wire, end, tensor.Dims, "dims", "TensorProto");
                    break;
                case 2 when wire == ProtoWireReader.Varint:
                    tensor.DataType = (long)ReadVarintField(wire, end, "data_type", "TensorProto");
                    break;
                case 3 when wire == ProtoWireReader.LengthDelimited:
                    tensor.HasSegment = true;
                    SkipMessage(end, ProtoSchema.Opaque);
                    break;
                case 4 when wire is ProtoWireReader.Fixed32 or ProtoWireReader.LengthDelimited:
                    AddTypedCount(tensor, field, CountFixed(wire, end, 4, "float_data"));
                    break;
                case 10 when wire is ProtoWireReader.Fixed64 or ProtoWireReader.LengthDelimited:
                    AddTypedCount(tensor, field, CountFixed(wire, end, 8, "double_data"));
                    break;
                case 5 or 7 when keepIndexValues && wire is ProtoWireReader.Varint or ProtoWireReader.LengthDelimited:
                    AddTypedCount(tensor, field, ReadIndexValues(wire, end, tensor.IndexValues ??= new List<long>(), field == 5));
                    break;
                case 5 or 7 or 11 when wire is ProtoWireReader.Varint or ProtoWireReader.LengthDelimited:
                    AddTypedCount(tensor, field, CountVarints(wire, end, OnnxDataType.FieldName(field)));
                    break;
                case 6 when wire == ProtoWireReader.LengthDelimited:
                    _wire.SkipTo(Bytes(wire, end, "string_data", "TensorProto"), "string_data");
                    AddTypedCount(tensor, field, 1);
                    break;
                case 8 when wire == ProtoWireReader.LengthDelimited:
                    tensor.Name = ReadName(wire, end, "name", "TensorProto");
                    break;
                case 9 when wire == ProtoWireReader.LengthDelimited:
                    var payloadEnd = Bytes(wire, end, "raw_data", "TensorProto");
                    tensor.RawDataLength = payloadEnd - _wire.Position;
                    if (keepIndexValues && tensor.RawDataLength <= OnnxLimits.MaxKeptIndexValues * 8L)
                    {
                        tensor.RawIndexBytes = _wire.ReadBytes(payloadEnd, "raw_data");
                    }
                    else
                    {
                        _wire.SkipTo(payloadEnd, "raw_data");
                    }

                    break;
                case 13 when wire == ProtoWireReader.LengthDelimited:
                    tensor.ExternalData.Add(ReadEntry(Message(wire, end, "external_data", "TensorProto")));
                    Count(tensor.ExternalData.Count, "external_data entries of one tensor");
                    break;
                case 14 when wire == ProtoWireReader.Varint:
                    tensor.DataLocation = (long)ReadVarintField(wire, end, "data_location", "TensorProto");
                    break;
                case 16 when wire == ProtoWireReader.LengthDelimited:
                    SkipMessage(end, ProtoSchema.StringStringEntry);
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
                case 1 when wire == ProtoWireReader.LengthDelimited:
                    sparse.Values = ReadTensor(Message(wire, end, "values", "SparseTensorProto"), "values of " + role);
                    break;
                case 2 when wire == ProtoWireReader.LengthDelimited:
                    sparse.Indices = ReadTensor(Message(wire, end, "indices", "SparseTensorProto"), "indices of " + role, keepIndexValues: true);
                    break;
                case 3 when wire is ProtoWireReader.Varint or ProtoWireReader.LengthDelimited:
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
                case 1 when wire == ProtoWireReader.LengthDelimited:
                    function.Name = ReadName(wire, end, "name", "FunctionProto");
                    break;
                case 4 when wire == ProtoWireReader.LengthDelimited:
                    function.Inputs.Add(ReadName(wire, end, "input", "FunctionProto"));
                    Count(function.Inputs.Count, "function inputs");
                    break;
                case 5 when wire == ProtoWireReader.LengthDelimited:
                    function.Outputs.Add(ReadName(wire, end, "output", "FunctionProto"));
                    Count(function.Outputs.Count, "function outputs");
                    break;
                case 7 when wire == ProtoWireReader.LengthDelimited:
                    function.Nodes.Add(ReadNode(Message(wire, end, "node", "FunctionProto"), 0));
                    break;
                case 10 when wire == ProtoWireReader.LengthDelimited:
                    function.Domain = ReadName(wire, end, "domain", "FunctionProto");
                    break;
                case 11 when wire == ProtoWireReader.LengthDelimited:
                    // Default attribute values can hold tensors (with external data) and graphs like any attribute.
                    ReadAttribute(Message(wire, end, "attribute_proto", "FunctionProto"), defaults, 0);
                    break;
                case 9 or 12 or 14 when wire == ProtoWireReader.LengthDelimited:
                    SkipMessage(end, field == 12 ? ProtoSchema.ValueInfo : ProtoSchema.StringStringEntry);
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
            if (field is 1 or 2 && wire == ProtoWireReader.LengthDelimited)
            {
                var name = field == 1 ? "initialization" : "algorithm";
                model.TrainingGraphs.Add(ReadGraph(Message(wire, end, name, "TrainingInfoProto"), $"the training '{name}' graph", 0));
            }
            else if (field is 3 or 4 && wire == ProtoWireReader.LengthDelimited)
            {
                SkipMessage(end, ProtoSchema.StringStringEntry);
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
            if (field == 1 && wire == ProtoWireReader.LengthDelimited)
            {
                opset.Domain = ReadName(wire, end, "domain", "OperatorSetIdProto");
            }
            else if (field == 2 && wire == ProtoWireReader.Varint)
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
            if (field == 1 && wire == ProtoWireReader.LengthDelimited)
            {
                entry.Key = ReadName(wire, end, "key", "StringStringEntryProto");
            }
            else if (field == 2 && wire == ProtoWireReader.LengthDelimited)
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

    /// <summary>Reads int64_data or int32_data values of sparse indices (one varint, or a packed run) into <paramref name="values"/>.</summary>
    private long ReadIndexValues(int wire, long end, List<long> values, bool int32)
    {
        var payloadEnd = wire == ProtoWireReader.Varint ? end : Bytes(wire, end, int32 ? "int32_data" : "int64_data", "TensorProto");
        long count = 0;
        do
        {
            var value = (long)_wire.ReadVarint(payloadEnd, int32 ? "int32_data" : "int64_data");
            if (values.Count >= OnnxLimits.MaxKeptIndexValues)
            {
                throw Limit(_wire.Position, $"a sparse tensor has more than {OnnxLimits.MaxKeptIndexValues} indices");
            }

            values.Add(int32 ? (int)value : value);
            count++;
        }
        while (wire != ProtoWireReader.Varint && _wire.Position < payloadEnd);

        return count;
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

    /// <summary>Skips a message ModelGuard does not keep, walking its nested messages (see <see cref="ProtoSchema"/>).</summary>
    private void SkipMessage(long end, ProtoSchema schema)
    {
        var messageEnd = _wire.ReadLength(end, "a " + schema.Name);
        Enter();
        while (_wire.TryReadTag(messageEnd, out var field, out var wire))
        {
            if (wire == ProtoWireReader.LengthDelimited && schema.TryGetMessage(field, out var inner))
            {
                SkipMessage(messageEnd, inner ?? ProtoSchema.Opaque);
            }
            else
            {
                _wire.SkipValue(wire, messageEnd, $"field {field} of a {schema.Name}");
            }
        }

        Leave();
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
