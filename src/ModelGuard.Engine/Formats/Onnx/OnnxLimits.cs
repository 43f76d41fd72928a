namespace ModelGuard.Engine.Formats.Onnx;

/// <summary>What one ONNX model may make ModelGuard hold (MG5025). Real models stay far below every one of them.</summary>
internal static class OnnxLimits
{
    /// <summary>If/Loop/Scan bodies inside each other (real models: a handful).</summary>
    public const int MaxSubgraphDepth = 32;

    /// <summary>Protobuf messages inside each other (protobuf's own default recursion limit is 100).</summary>
    public const int MaxMessageDepth = 100;

    /// <summary>Nodes in all graphs and functions (large language models have a few hundred thousand).</summary>
    public const int MaxNodes = 2_000_000;

    /// <summary>Tensors of every kind (initializers, attribute tensors, sparse parts).</summary>
    public const int MaxTensors = 1_000_000;

    /// <summary>Values of one kind in one message: inputs or outputs of a node or graph, external data entries, opset imports.</summary>
    public const int MaxListLength = 1_000_000;

    /// <summary>Dimensions of one tensor (ONNX Runtime and NumPy allow 64 at most in practice).</summary>
    public const int MaxDims = 64;

    /// <summary>Bytes of one name ModelGuard keeps (value names, operator types, domains, external data keys and values).</summary>
    public const int MaxNameBytes = 65_536;

    /// <summary>Bytes of all names ModelGuard keeps for one model.</summary>
    public const long MaxTotalNameBytes = 256L * 1024 * 1024;

    /// <summary>Index values of one sparse tensor that are read and checked against its dims (more are reported as a limit).</summary>
    public const int MaxKeptIndexValues = 4_000_000;

    /// <summary>Protobuf's limit for one message: 2 GiB - 1 byte.</summary>
    public const long MaxProtobufBytes = int.MaxValue;
}
