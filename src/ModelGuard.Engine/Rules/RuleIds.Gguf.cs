namespace ModelGuard.Engine.Rules;

/// <summary>Rule IDs for GGUF files (the format llama.cpp and LLamaSharp load).</summary>
public static partial class RuleIds
{
    /// <summary>The content ends inside the GGUF header or tensor infos.</summary>
    public const string GgufTruncated = "MG6001";

    /// <summary>The magic or version is not one llama.cpp reads (version 0, 1, above 3, byte-swapped).</summary>
    public const string GgufUnsupportedHeader = "MG6002";

    /// <summary>A count, string length or array length exceeds the bytes in the file (or llama.cpp's 2^30 limit).</summary>
    public const string GgufLengthBeyondContent = "MG6003";

    /// <summary>A metadata value type is not a GGUF type, or is an array of arrays llama.cpp refuses.</summary>
    public const string GgufInvalidValueType = "MG6004";

    /// <summary>A tensor's ggml type is not defined by ggml.</summary>
    public const string GgufUnknownTensorType = "MG6005";

    /// <summary>A metadata key appears more than once.</summary>
    public const string GgufDuplicateKey = "MG6006";

    /// <summary>Two tensors have the same name.</summary>
    public const string GgufDuplicateTensorName = "MG6007";

    /// <summary>A key is empty or longer than 65,535 bytes, or a tensor name is 64 bytes or longer.</summary>
    public const string GgufInvalidName = "MG6008";

    /// <summary>A tensor has more than four dimensions or a negative one.</summary>
    public const string GgufInvalidTensorShape = "MG6009";

    /// <summary>A tensor's element count or byte size overflows.</summary>
    public const string GgufTensorSizeOverflow = "MG6010";

    /// <summary>A tensor's row is not a whole number of quantization blocks.</summary>
    public const string GgufPartialQuantizationBlock = "MG6011";

    /// <summary>general.alignment is not a u32 power of two.</summary>
    public const string GgufInvalidAlignment = "MG6012";

    /// <summary>A tensor's data offset is not a multiple of the alignment.</summary>
    public const string GgufMisalignedTensorData = "MG6013";

    /// <summary>Tensor data offsets overlap or leave gaps.</summary>
    public const string GgufTensorDataOverlap = "MG6014";

    /// <summary>A tensor's data lies past the end of the file.</summary>
    public const string GgufTensorDataOutOfFile = "MG6015";

    /// <summary>Bytes after the data section belong to no tensor.</summary>
    public const string GgufDataSectionSizeMismatch = "MG6016";

    /// <summary>A well-known key has the wrong type, or the tokenizer arrays differ in length.</summary>
    public const string GgufWellKnownKeyType = "MG6017";

    /// <summary>A chat template reaches Python internals (dunder names, os, subprocess, eval, ...).</summary>
    public const string GgufChatTemplateReachesPython = "MG6018";

    /// <summary>A chat template cannot be tokenized or is too large to check.</summary>
    public const string GgufChatTemplateUnverified = "MG6019";
}
