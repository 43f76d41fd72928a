namespace ModelGuard.Engine.Rules;

/// <summary>
/// Rules for ONNX models: MG500x external data, MG501x operators, MG502x structure, MG503x ONNX Runtime GenAI folders. ONNX has
/// no magic number: a file is read as ONNX when its first fields are those of a ModelProto, or when it is named <c>.onnx</c>.
/// </summary>
public static partial class RuleCatalog
{
    private const string ReExport = "Export the model again from a trusted copy (torch.onnx.export, onnx.save_model or the converter that produced it).";

    /// <summary>MG5001.</summary>
    public static readonly RuleDescriptor OnnxExternalDataEscapesFolder = new(
        RuleIds.OnnxExternalDataEscapesFolder,
        "ONNX external data points outside the model folder",
        RuleCategories.Onnx,
        RuleSeverity.Error,
        "A tensor stored outside the model (an initializer, a tensor in a node attribute, or the values or indices of a sparse tensor) names "
        + "its file in external_data 'location', relative to the model's folder. A location that is absolute, has a '..' segment, a drive letter, "
        + "a backslash or ':', a UNC or \\\\?\\ / \\\\.\\ prefix (on Windows a UNC path makes the runtime authenticate to the attacker's server), "
        + "a device name (CON, NUL, COM1, /dev/...), /proc, ONNX Runtime's in-memory marker */_ORT_MEM_ADDR_/*, or that reaches a symbolic link or a "
        + "file with more than one hard link, makes the runtime read any file the process can read into a tensor, from where a model can "
        + "return it as output. History: CVE-2022-25882 (onnx before 1.13.0 followed '..'), CVE-2024-27318 (onnx before 1.16.0, a bypass of that "
        + "fix), CVE-2026-27489 and CVE-2026-34446 (onnx before 1.21.0 followed symbolic and hard links); ONNX Runtime validates containment of "
        + "dense initializers only since late 2025 and of sparse tensors since mid-2026 (pull request 28408; a public proof of concept reads "
        + "outside the folder through sparse tensors in 1.26); its checks compare paths, so a hard link passes them. Which runtime an app ships decides whether a traversal is "
        + "exploitable, so ModelGuard reports every escape whatever the runtime does.",
        "Do not ship the model. Real exporters write external data as a file name next to the model (model.onnx.data). " + ReExport,
        "models/model.onnx : error MG5001: at offset 1234: initializer 'w' reads external data from '../../../etc/passwd', which contains a '..' segment; the runtime would read a file outside the model folder")
    {
        Cause = "A tensor's external data location reaches outside the model's folder.",
    };

    /// <summary>MG5002.</summary>
    public static readonly RuleDescriptor OnnxExternalDataOutOfBounds = new(
        RuleIds.OnnxExternalDataOutOfBounds,
        "ONNX external data region is out of bounds, wrongly sized or overlapping",
        RuleCategories.Onnx,
        RuleSeverity.Error,
        "external_data 'offset' and 'length' select the tensor's bytes in its file. A region that ends past the end of the file, a length that "
        + "differs from the tensor's dims times its element size, or two tensors whose regions overlap make runtimes read past a mapping, fail, "
        + "or give two tensors the same bytes. Only file lengths are compared; the data is not read.",
        "Save the model and its external data together again (onnx.save_model with save_as_external_data=True). " + ReExport,
        "models/model.onnx : error MG5002: at offset 1234: initializer 'w' reads 4096 bytes at offset 8192 of 'model.onnx.data', which is 10000 bytes long")
    {
        Cause = "A tensor's external data region lies outside its file, disagrees with the tensor's size or overlaps another tensor's.",
    };

    /// <summary>MG5003.</summary>
    public static readonly RuleDescriptor OnnxExternalDataChecksumMismatch = new(
        RuleIds.OnnxExternalDataChecksumMismatch,
        "ONNX external data does not match its checksum",
        RuleCategories.Onnx,
        RuleSeverity.Error,
        "An external_data 'checksum' is the SHA-1 digest of the external data. ModelGuard reads the file only when a checksum is present and "
        + "accepts the digest of the whole file (as the ONNX specification words it) or of the tensor's region. A mismatch means the weights "
        + "were replaced or corrupted after the model was written.",
        "Download or copy the external data file again and compare its hash with the publisher's. " + ReExport,
        "models/model.onnx : error MG5003: at offset 1234: initializer 'w' records checksum 'da39a3ee...' but the SHA-1 of 'model.onnx.data' is '2fd4e1c6...'")
    {
        Cause = "A tensor's external data does not match the SHA-1 checksum the model records.",
    };

    /// <summary>MG5004.</summary>
    public static readonly RuleDescriptor OnnxExternalDataMalformed = new(
        RuleIds.OnnxExternalDataMalformed,
        "ONNX external data entries are malformed",
        RuleCategories.Onnx,
        RuleSeverity.Error,
        "external_data is a list of key/value pairs with the keys location (required), offset, length and checksum, each at most once, "
        + "offset and length written as non-negative decimal integers; data_location must be EXTERNAL exactly when the list is present, and "
        + "such a tensor carries no inline data. A repeated key is read as its first value by one reader and its last by another (two loaders "
        + "read different files); ONNX Runtime refuses unknown keys, and onnx before 1.21.0 copied unknown keys onto its own objects "
        + "(CVE-2026-34445).",
        ReExport,
        "models/model.onnx : error MG5004: at offset 1234: initializer 'w' has the external_data key 'location' 2 times ('a.bin', '../b.bin'); readers that keep the first and the last value read different files")
    {
        Cause = "A tensor's external data key/value list has duplicate, unknown or missing keys, or values that are not numbers.",
    };

    /// <summary>MG5005.</summary>
    public static readonly RuleDescriptor OnnxExternalDataMissing = new(
        RuleIds.OnnxExternalDataMissing,
        "ONNX external data file does not exist",
        RuleCategories.Onnx,
        RuleSeverity.Warning,
        "A tensor's external data file is not next to the model, or is not a regular file. The app fails when it loads the model, or loads "
        + "whatever file appears there later without it ever being scanned. Checked only for models scanned from disk.",
        "Ship the external data files with the model (the .onnx and its .data files belong together) and make them part of the project.",
        "models/model.onnx : warning MG5005: at offset 1234: initializer 'w' reads external data from 'model.onnx.data', which does not exist next to the model")
    {
        Cause = "A tensor's external data file does not exist next to the model.",
    };

    /// <summary>MG5006.</summary>
    public static readonly RuleDescriptor OnnxExternalDataNotBundled = new(
        RuleIds.OnnxExternalDataNotBundled,
        "ONNX external data file is not part of the project",
        RuleCategories.Onnx,
        RuleSeverity.Warning,
        "The project ships the .onnx model (as Content, None or EmbeddedResource) but not the external data file it reads, so the published "
        + "app fails to load the model, and the data file is not scanned. Reported by the build, which knows the project's items.",
        "Add the external data file to the project with the same item type and CopyToOutputDirectory as the model, for example "
        + "<None Include=\"models/model.onnx.data\" CopyToOutputDirectory=\"PreserveNewest\" />.",
        "models/model.onnx : warning MG5006: the model reads external data from 'model.onnx.data', which exists but is not an item of the project; the published app would not find it")
    {
        Cause = "The project bundles an ONNX model but not the external data file it reads.",
    };

    /// <summary>MG5009.</summary>
    public static readonly RuleDescriptor OnnxMasquerade = new(
        RuleIds.OnnxMasquerade,
        "File named .onnx is a pickle or an archive",
        RuleCategories.Onnx,
        RuleSeverity.Error,
        "ONNX is a protobuf model format that cannot carry code; a file named .onnx whose content is a pickle or a zip archive (a PyTorch "
        + "checkpoint) is not what its name says, and tools that trust the extension load it with a library that can execute code. The "
        + "content is scanned as what it really is as well.",
        "Find out where the file came from. Export a real ONNX model, or name the file after its real format.",
        "models/model.onnx : error MG5009: the file is named '.onnx' but its content is a pickle")
    {
        Cause = "A file named .onnx contains a pickle or a zip archive.",
    };

    /// <summary>MG5010.</summary>
    public static readonly RuleDescriptor OnnxPythonOperator = new(
        RuleIds.OnnxPythonOperator,
        "ONNX node calls an operator that runs Python code",
        RuleCategories.Onnx,
        RuleSeverity.Error,
        "Some operators call back into a Python interpreter: com.microsoft PythonOp and PythonOpGrad (ORTModule's autograd functions) and "
        + "the Python custom ops of onnxruntime-extensions (PyOp, operators in domains that name Python). Whatever Python code the host "
        + "registers under the operator's name runs with the model's inputs; a model that needs one is code, not data.",
        "Do not ship the model to a .NET app: the operator cannot run there, and a model that needs it was built for a Python host. Export "
        + "the model again without the Python operator.",
        "models/model.onnx : error MG5010: at offset 88: node 'n0' calls com.microsoft.PythonOp, which runs Python code registered by the host")
    {
        Cause = "A node calls an operator that runs Python code.",
    };

    /// <summary>MG5011.</summary>
    public static readonly RuleDescriptor OnnxCustomOperatorDomain = new(
        RuleIds.OnnxCustomOperatorDomain,
        "ONNX model uses operators from a custom domain",
        RuleCategories.Onnx,
        RuleSeverity.Warning,
        "Nodes in a domain other than the standard ones (ai.onnx, ai.onnx.ml, ai.onnx.training, ai.onnx.preview.training) and ONNX Runtime's "
        + "contrib domains (com.microsoft, com.microsoft.nchwc, com.ms.internal.nhwc), and not defined by a function in the model itself, run "
        + "only when the app registers a custom-op library: native code that ships with or for the model. The message names the domain "
        + "and its operators.",
        "Check that the app registers a trusted library for the domain (SessionOptions.RegisterCustomOpLibrary); ModelGuard cannot verify "
        + "native code. Suppress the rule for the file once you have.",
        "models/model.onnx : warning MG5011: the model uses 2 operators of domain 'ai.onnx.contrib' (GPT2Tokenizer, BpeDecoder), which need a custom-op library the app loads")
    {
        Cause = "Nodes use a custom operator domain that needs a native custom-op library.",
    };

    /// <summary>MG5020.</summary>
    public static readonly RuleDescriptor OnnxMalformedProtobuf = new(
        RuleIds.OnnxMalformedProtobuf,
        "ONNX model is not a well-formed protobuf message",
        RuleCategories.Onnx,
        RuleSeverity.Error,
        "An ONNX model is a protobuf ModelProto. A field with a wire type its definition does not allow, a length that points past the "
        + "enclosing message or the end of the file, a varint longer than 10 bytes, field number 0 or a group, a truncated file, or a string "
        + "that is not UTF-8 makes parsers fail, and lenient parsers read different models from the same bytes. ModelGuard reports the first "
        + "error with its offset; the rest of the file was not verified.",
        ReExport + " If the file was downloaded, download it again and compare its hash.",
        "models/model.onnx : error MG5020: at offset 4096: the field 'raw_data' of a TensorProto declares 1048576 bytes but only 512 bytes of its message remain")
    {
        Cause = "The model's protobuf encoding is malformed or truncated.",
    };

    /// <summary>MG5021.</summary>
    public static readonly RuleDescriptor OnnxInvalidTensor = new(
        RuleIds.OnnxInvalidTensor,
        "ONNX tensor's type, dims and data disagree",
        RuleCategories.Onnx,
        RuleSeverity.Error,
        "A tensor has a data type ONNX does not define (or UNDEFINED), a negative dimension, dims whose element count or byte size overflows "
        + "64 bits, raw_data whose size is not elements times the element size, a typed data field (float_data, int32_data, ...) with the "
        + "wrong number of values or the wrong field for its type, more than one data field, or none although it has elements. Runtimes that "
        + "trust dims index past the data, allocate what dims declare, or crash; a sparse tensor whose indices or values disagree with its "
        + "dims is reported too.",
        ReExport,
        "models/model.onnx : error MG5021: at offset 300: initializer 'w' is FLOAT[2, 3] (24 bytes) but its raw_data has 20 bytes")
    {
        Cause = "A tensor's data type, dims and stored data disagree.",
    };

    /// <summary>MG5022.</summary>
    public static readonly RuleDescriptor OnnxInvalidGraph = new(
        RuleIds.OnnxInvalidGraph,
        "ONNX graph is malformed",
        RuleCategories.Onnx,
        RuleSeverity.Error,
        "A node reads a value no graph input, initializer, earlier node or enclosing graph defines; two nodes (or a node and an input or "
        + "initializer) define the same value; the nodes form a cycle; a graph output is never defined; or model-local functions call each "
        + "other recursively. Runtimes loop, recurse without bound or fail on such graphs. Nodes merely listed out of topological order "
        + "are accepted, as ONNX Runtime sorts them.",
        ReExport,
        "models/model.onnx : error MG5022: at offset 120: node 'add' reads 'x2', which nothing in the graph or its enclosing graphs defines")
    {
        Cause = "A graph or function reads undefined values, defines a value twice, has a cycle or recursion.",
    };

    /// <summary>MG5023.</summary>
    public static readonly RuleDescriptor OnnxUnsupportedVersion = new(
        RuleIds.OnnxUnsupportedVersion,
        "ONNX IR or operator set version is outside the known range",
        RuleCategories.Onnx,
        RuleSeverity.Error,
        "ir_version must be 1 to 13 (IR 13, November 2025, is the newest), a model of IR 3 or later must import an operator set, each "
        + "operator set may be imported once, and the standard sets' versions must exist (ai.onnx 1 to 26, ai.onnx.ml 1 to 5, ai.onnx.training "
        + "1, ai.onnx.preview.training 1, com.microsoft 1). Runtimes refuse other versions, or apply operator semantics the model was not "
        + "written for.",
        ReExport + " If the model is newer than ModelGuard, update ModelGuard.",
        "models/model.onnx : error MG5023: at offset 1: ir_version is 99; known IR versions are 1 to 13")
    {
        Cause = "The model's IR version or an imported operator set version is outside the known range.",
    };

    /// <summary>MG5024.</summary>
    public static readonly RuleDescriptor OnnxModelTooLarge = new(
        RuleIds.OnnxModelTooLarge,
        "ONNX model is larger than 2 GiB without external data",
        RuleCategories.Onnx,
        RuleSeverity.Error,
        "Protobuf messages are limited to 2 GiB - 1 byte. A larger .onnx file cannot be parsed by the protobuf library every runtime uses; "
        + "models of that size keep their weights in external data files. ModelGuard still reads the structure (it seeks past payloads).",
        "Save the model with external data: onnx.save_model(model, path, save_as_external_data=True).",
        "models/model.onnx : error MG5024: the model's protobuf is 2147484672 bytes, larger than the 2147483647 bytes protobuf parsers accept; keep the weights in external data")
    {
        Cause = "The model's protobuf is larger than protobuf parsers accept.",
    };

    /// <summary>MG5025.</summary>
    public static readonly RuleDescriptor OnnxStructureLimitExceeded = new(
        RuleIds.OnnxStructureLimitExceeded,
        "ONNX model exceeds a structural limit",
        RuleCategories.Onnx,
        RuleSeverity.Error,
        "ModelGuard bounds what an ONNX model can make it hold: subgraphs (If, Loop, Scan bodies) nested more than 32 levels, more than "
        + "2,000,000 nodes, 1,000,000 tensors or 1,000,000 values of one kind, more than 64 dimensions in a tensor, names longer than 65,536 bytes "
        + "and protobuf messages nested more than 100 levels. Real models stay far below; crafted ones exhaust runtimes' stacks and memory. What "
        + "lies past the limit was not verified.",
        "A real model should not reach these limits. Treat a file that does as crafted.",
        "models/model.onnx : error MG5025: at offset 52: subgraphs are nested more than 32 levels deep; the rest of the model was not verified")
    {
        Cause = "An ONNX model nests subgraphs, holds values or names beyond ModelGuard's limits.",
    };

    /// <summary>MG5030.</summary>
    public static readonly RuleDescriptor GenAiCustomOpsLibrary = new(
        RuleIds.GenAiCustomOpsLibrary,
        "ONNX Runtime GenAI config loads a native custom-op library",
        RuleCategories.Onnx,
        RuleSeverity.Error,
        "genai_config.json (read by Microsoft.ML.OnnxRuntimeGenAI) may name a 'custom_ops_library' in session options: a native library the "
        + "runtime loads from the model folder when the model is opened. That is native code shipped with the model, with the app's "
        + "permissions. It is allowed only when the project lists the library.",
        "Verify the library's origin, then allow it in the project: <ItemGroup><ModelGuardAllowedNativeLibrary Include=\"libcustom_ops.so\" /></ItemGroup> "
        + "(the value as genai_config.json writes it, or its file name).",
        "models/genai_config.json : error MG5030: at offset 412: model.decoder.session_options.custom_ops_library names 'libcustom_ops.so', a native library the runtime loads; allow it with <ModelGuardAllowedNativeLibrary Include=\"libcustom_ops.so\" /> once verified")
    {
        Cause = "genai_config.json names a native custom-op library that the project does not allow.",
    };

    /// <summary>MG5031.</summary>
    public static readonly RuleDescriptor GenAiConfigPathEscapesFolder = new(
        RuleIds.GenAiConfigPathEscapesFolder,
        "ONNX Runtime GenAI config points outside the model folder",
        RuleCategories.Onnx,
        RuleSeverity.Error,
        "File names in genai_config.json (model 'filename's, adapter, tokenizer and library paths) are joined to the model folder. An "
        + "absolute path, a drive letter, a UNC path, a '..' segment, a backslash or ':' makes the runtime open files outside the folder.",
        "Name files relative to the folder the config is in. Treat a config that escapes its folder as crafted.",
        "models/genai_config.json : error MG5031: at offset 120: model.decoder.filename is '../../other/model.onnx', which contains a '..' segment")
    {
        Cause = "genai_config.json names a file outside the model folder.",
    };

    /// <summary>MG5032.</summary>
    public static readonly RuleDescriptor GenAiConfigUnreadable = new(
        RuleIds.GenAiConfigUnreadable,
        "ONNX Runtime GenAI config cannot be read",
        RuleCategories.Onnx,
        RuleSeverity.Error,
        "genai_config.json is not valid JSON, not an object, or larger than 16 MiB, so the libraries and paths it names could not be checked.",
        "Re-create the config with the tool that produced the model folder (onnxruntime-genai's model builder).",
        "models/genai_config.json : error MG5032: at offset 17: the config is not valid JSON: expected ',' or '}' after an object member; the libraries and paths it names were not checked")
    {
        Cause = "genai_config.json cannot be parsed, so what it loads could not be checked.",
    };
}
