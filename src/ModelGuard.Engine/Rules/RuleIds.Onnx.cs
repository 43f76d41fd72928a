namespace ModelGuard.Engine.Rules;

/// <summary>Rule IDs for ONNX models and ONNX Runtime GenAI model folders.</summary>
public static partial class RuleIds
{
    /// <summary>A tensor's external data location leaves the model's folder (absolute, '..', drive, UNC, device, link).</summary>
    public const string OnnxExternalDataEscapesFolder = "MG5001";

    /// <summary>A tensor's external data region lies outside its file, disagrees with the tensor's size or overlaps another.</summary>
    public const string OnnxExternalDataOutOfBounds = "MG5002";

    /// <summary>A tensor's external data does not match its recorded checksum.</summary>
    public const string OnnxExternalDataChecksumMismatch = "MG5003";

    /// <summary>A tensor's external data entries are duplicated, unknown, missing or not numbers.</summary>
    public const string OnnxExternalDataMalformed = "MG5004";

    /// <summary>A tensor's external data file does not exist next to the model.</summary>
    public const string OnnxExternalDataMissing = "MG5005";

    /// <summary>A tensor's external data file exists but the project does not bundle it.</summary>
    public const string OnnxExternalDataNotBundled = "MG5006";

    /// <summary>A pickle or zip archive is named like an ONNX model.</summary>
    public const string OnnxMasquerade = "MG5009";

    /// <summary>A node calls an operator that runs Python code.</summary>
    public const string OnnxPythonOperator = "MG5010";

    /// <summary>A node uses an operator domain that needs a custom-op library.</summary>
    public const string OnnxCustomOperatorDomain = "MG5011";

    /// <summary>The protobuf encoding of the model is malformed or truncated.</summary>
    public const string OnnxMalformedProtobuf = "MG5020";

    /// <summary>A tensor's type, dims or data disagree.</summary>
    public const string OnnxInvalidTensor = "MG5021";

    /// <summary>A graph or function is malformed: undefined inputs, duplicate outputs, cycles, recursion.</summary>
    public const string OnnxInvalidGraph = "MG5022";

    /// <summary>The IR version or an operator set version is outside the known range.</summary>
    public const string OnnxUnsupportedVersion = "MG5023";

    /// <summary>The model's protobuf is larger than 2 GiB.</summary>
    public const string OnnxModelTooLarge = "MG5024";

    /// <summary>The model exceeds a structural limit (nesting, counts, name lengths).</summary>
    public const string OnnxStructureLimitExceeded = "MG5025";

    /// <summary>genai_config.json names a native custom-op library the project does not allow.</summary>
    public const string GenAiCustomOpsLibrary = "MG5030";

    /// <summary>genai_config.json names a file outside the model folder.</summary>
    public const string GenAiConfigPathEscapesFolder = "MG5031";

    /// <summary>genai_config.json cannot be read.</summary>
    public const string GenAiConfigUnreadable = "MG5032";
}
