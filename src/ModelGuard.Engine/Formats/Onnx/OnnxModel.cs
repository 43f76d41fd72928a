using System.Collections.Generic;

namespace ModelGuard.Engine.Formats.Onnx;

/// <summary>What ModelGuard keeps of a ModelProto: versions, names, dims and lengths; never a payload.</summary>
internal sealed class OnnxModel
{
    public long? IrVersion { get; set; }

    public long IrVersionOffset { get; set; }

    public List<OnnxOpset> Opsets { get; } = new();

    public OnnxGraph? Graph { get; set; }

    public List<OnnxFunction> Functions { get; } = new();

    /// <summary>The initialization and algorithm graphs of every TrainingInfoProto.</summary>
    public List<OnnxGraph> TrainingGraphs { get; } = new();
}

/// <summary>An OperatorSetIdProto.</summary>
internal sealed class OnnxOpset
{
    public OnnxOpset(long offset) => Offset = offset;

    public long Offset { get; }

    public string Domain { get; set; } = string.Empty;

    public long? Version { get; set; }
}

/// <summary>A GraphProto.</summary>
internal sealed class OnnxGraph
{
    public OnnxGraph(long offset, string role)
    {
        Offset = offset;
        Role = role;
    }

    public long Offset { get; }

    /// <summary>Where the graph is, for messages: "the main graph", "the 'then_branch' graph of node 'if0'".</summary>
    public string Role { get; }

    public string Name { get; set; } = string.Empty;

    public List<OnnxNode> Nodes { get; } = new();

    public List<OnnxTensor> Initializers { get; } = new();

    public List<OnnxSparseTensor> SparseInitializers { get; } = new();

    public List<OnnxName> Inputs { get; } = new();

    public List<OnnxName> Outputs { get; } = new();
}

/// <summary>A name and where it was read.</summary>
internal readonly struct OnnxName
{
    public OnnxName(string value, long offset)
    {
        Value = value;
        Offset = offset;
    }

    public string Value { get; }

    public long Offset { get; }
}

/// <summary>A NodeProto with what its attributes hold that can carry data or code: subgraphs and tensors.</summary>
internal sealed class OnnxNode
{
    public OnnxNode(long offset) => Offset = offset;

    public long Offset { get; }

    public string Name { get; set; } = string.Empty;

    public string OpType { get; set; } = string.Empty;

    public string Domain { get; set; } = string.Empty;

    public List<string> Inputs { get; } = new();

    public List<string> Outputs { get; } = new();

    public List<OnnxGraph> Subgraphs { get; } = new();

    public List<OnnxTensor> Tensors { get; } = new();

    public List<OnnxSparseTensor> SparseTensors { get; } = new();

    /// <summary>How messages name the node: its name, or its operator and position when it has none.</summary>
    public string Describe() => Name.Length > 0 ? $"node '{Name}'" : $"the unnamed {OpType} node at offset {Offset}";
}

/// <summary>A FunctionProto (a model-local function).</summary>
internal sealed class OnnxFunction
{
    public OnnxFunction(long offset) => Offset = offset;

    public long Offset { get; }

    public string Name { get; set; } = string.Empty;

    public string Domain { get; set; } = string.Empty;

    public List<string> Inputs { get; } = new();

    public List<string> Outputs { get; } = new();

    public List<OnnxNode> Nodes { get; } = new();
}

/// <summary>A key/value pair of external_data, with where it was read.</summary>
internal sealed class OnnxEntry
{
    public OnnxEntry(long offset) => Offset = offset;

    public long Offset { get; }

    public string Key { get; set; } = string.Empty;

    public string Value { get; set; } = string.Empty;
}

/// <summary>A SparseTensorProto.</summary>
internal sealed class OnnxSparseTensor
{
    public OnnxSparseTensor(long offset, string role)
    {
        Offset = offset;
        Role = role;
    }

    public long Offset { get; }

    public string Role { get; }

    public OnnxTensor? Values { get; set; }

    public OnnxTensor? Indices { get; set; }

    public List<long> Dims { get; } = new();

    public string Name => Values?.Name ?? string.Empty;
}
