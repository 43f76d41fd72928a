namespace ModelGuard.Engine.Rules;

/// <summary>
/// Rules for GGUF, the format llama.cpp (and LLamaSharp on top of it) loads: MG6001-MG6017 check the header and tensor infos
/// against the specification (ggml <c>docs/gguf.md</c>) and what ggml's reader (<c>gguf.cpp</c>) and llama.cpp's model loader
/// accept; MG6018-MG6019 check the chat templates the file carries.
/// </summary>
public static partial class RuleCatalog
{
    private const string LlamaRefuses = " llama.cpp's reader refuses such a file; a reader that does not check it reads memory it should not (ggml's GGUF parser had a run of heap-overflow CVEs from crafted headers in 2024).";

    private const string ReconvertGguf = "Re-create the file with llama.cpp's convert scripts or gguf-py from a trusted copy of the model, or download it again and compare its hash. A file in this state was truncated, corrupted or crafted.";

    /// <summary>MG6001.</summary>
    public static readonly RuleDescriptor GgufTruncated = new(
        RuleIds.GgufTruncated,
        "GGUF file ends inside its header",
        RuleCategories.Gguf,
        RuleSeverity.Error,
        "A GGUF file is a fixed header (magic, version, tensor and key-value counts), the key-value pairs, the tensor infos, padding to "
        + "the alignment and the tensor data. The content ends inside one of the fixed-size fields of the header or inside the padding "
        + "before the data section, so the file is truncated." + LlamaRefuses,
        ReconvertGguf,
        "models/model.gguf : error MG6001: at offset 24: the content ends inside the value type of key 'general.architecture' (offset 24); the rest of the header is missing");

    /// <summary>MG6002.</summary>
    public static readonly RuleDescriptor GgufUnsupportedHeader = new(
        RuleIds.GgufUnsupportedHeader,
        "GGUF magic or version is not one llama.cpp reads",
        RuleCategories.Gguf,
        RuleSeverity.Error,
        "The file does not start with the magic 'GGUF', or its version is 0, above 3, or byte-swapped (a big-endian file, whose version "
        + "reads as 0x03000000 on little-endian machines). Version 1 is read with its 32-bit counts and validated, and reported too: "
        + "llama.cpp no longer loads it. Content named .gguf that is not GGUF is reported here as well, so it cannot pass unverified.",
        "Convert the model with a current llama.cpp (version 3, little-endian).",
        "models/model.gguf : error MG6002: at offset 4: version 50331648 (0x03000000) is a byte-swapped small version: the file was written big-endian, which llama.cpp does not load on little-endian machines and this reader does not validate");

    /// <summary>MG6003.</summary>
    public static readonly RuleDescriptor GgufLengthBeyondContent = new(
        RuleIds.GgufLengthBeyondContent,
        "GGUF count or length exceeds the bytes in the file",
        RuleCategories.Gguf,
        RuleSeverity.Error,
        "A tensor count, key-value count, string length, array length or dimension count declares more than the bytes left in the file "
        + "can hold (or more than llama.cpp's 2^30 limit for strings and arrays). Readers that allocate from the declared count run out "
        + "of memory or read past their buffer; ModelGuard checks every count before it is used and allocates nothing from it." + LlamaRefuses,
        ReconvertGguf,
        "models/model.gguf : error MG6003: at offset 32: the string value of key 'general.name' declares 18446744073709551615 bytes but only 4021 bytes are left in the file");

    /// <summary>MG6004.</summary>
    public static readonly RuleDescriptor GgufInvalidValueType = new(
        RuleIds.GgufInvalidValueType,
        "GGUF metadata value has a type llama.cpp does not read",
        RuleCategories.Gguf,
        RuleSeverity.Error,
        "Every metadata value has a type from 0 (u8) to 12 (f64). A type outside that range has no known size, so nothing after it can "
        + "be read. An array of arrays is allowed by the specification but refused by llama.cpp (\"invalid GGUF type\"); ModelGuard "
        + "reads it (without recursion, whatever its depth) and reports it." + LlamaRefuses,
        ReconvertGguf,
        "models/model.gguf : error MG6004: at offset 61: key 'general.name' has value type 13, which is not a GGUF type (0-12); its size is unknown, so nothing after it can be read");

    /// <summary>MG6005.</summary>
    public static readonly RuleDescriptor GgufUnknownTensorType = new(
        RuleIds.GgufUnknownTensorType,
        "GGUF tensor has a ggml type that does not exist",
        RuleCategories.Gguf,
        RuleSeverity.Error,
        "A tensor's type must be one of ggml's types (F32, F16, BF16, the Q*, IQ*, TQ* and MXFP4 quantizations, ...). IDs ggml removed "
        + "(4, 5, 31-33, 36-38) or never defined have no block size, so the tensor's size, and where its data ends, cannot be known." + LlamaRefuses,
        "Re-create the file with a llama.cpp version that writes only current types. " + ReconvertGguf,
        "models/model.gguf : error MG6005: at offset 912: tensor 'blk.0.attn_q.weight' has ggml type 31, which ggml does not define (removed, or not a type at all); its size cannot be known");

    /// <summary>MG6006.</summary>
    public static readonly RuleDescriptor GgufDuplicateKey = new(
        RuleIds.GgufDuplicateKey,
        "GGUF metadata key appears more than once",
        RuleCategories.Gguf,
        RuleSeverity.Error,
        "Two metadata entries have the same key. Readers that keep the first value and readers that keep the last would disagree (for "
        + "example on the chat template or the tokenizer), which is how a file shows one thing to a checker and another to the loader." + LlamaRefuses,
        ReconvertGguf,
        "models/model.gguf : error MG6006: at offset 210: the key 'tokenizer.chat_template' appears more than once; llama.cpp refuses the file and readers that keep the first or the last value would disagree");

    /// <summary>MG6007.</summary>
    public static readonly RuleDescriptor GgufDuplicateTensorName = new(
        RuleIds.GgufDuplicateTensorName,
        "GGUF file names a tensor more than once",
        RuleCategories.Gguf,
        RuleSeverity.Error,
        "Two tensor infos have the same name, compared as llama.cpp compares them (up to the first NUL byte), so which weights a "
        + "loader uses depends on the loader." + LlamaRefuses,
        ReconvertGguf,
        "models/model.gguf : error MG6007: at offset 1044: tensor 'output.weight' has the same name as tensor 3; llama.cpp refuses the file");

    /// <summary>MG6008.</summary>
    public static readonly RuleDescriptor GgufInvalidName = new(
        RuleIds.GgufInvalidName,
        "GGUF key or tensor name is empty or too long",
        RuleCategories.Gguf,
        RuleSeverity.Error,
        "A metadata key is empty (llama.cpp refuses it) or longer than the specification's 65,535 bytes, or a tensor name is 64 bytes or "
        + "longer, which does not fit ggml's fixed name buffer (GGML_MAX_NAME); llama.cpp refuses it.",
        ReconvertGguf,
        "models/model.gguf : error MG6008: at offset 700: the name of tensor 'blk.0.aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa' is 70 bytes long; llama.cpp refuses names of 64 bytes or more (GGML_MAX_NAME)");

    /// <summary>MG6009.</summary>
    public static readonly RuleDescriptor GgufInvalidTensorShape = new(
        RuleIds.GgufInvalidTensorShape,
        "GGUF tensor shape is one ggml cannot read",
        RuleCategories.Gguf,
        RuleSeverity.Error,
        "ggml tensors have at most 4 dimensions (GGML_MAX_DIMS), each a non-negative 64-bit count. A tensor info with more dimensions "
        + "writes past ggml's fixed shape array in readers that trust it; a negative dimension turns size computations around. A "
        + "dimension of 0 after the first is reported too: llama.cpp as LLamaSharp 0.30.0 ships it divides by it while reading the "
        + "header, and the process that loads the model dies (SIGFPE; found by ModelGuard's differential test, fixed in later ggml)." + LlamaRefuses,
        ReconvertGguf,
        "models/model.gguf : error MG6009: at offset 812: tensor 'token_embd.weight' has 5 dimensions; ggml allows at most 4 (GGML_MAX_DIMS)");

    /// <summary>MG6010.</summary>
    public static readonly RuleDescriptor GgufTensorSizeOverflow = new(
        RuleIds.GgufTensorSizeOverflow,
        "GGUF tensor element count or size overflows",
        RuleCategories.Gguf,
        RuleSeverity.Error,
        "The product of a tensor's dimensions overflows ggml's 64-bit element count, or its size in bytes (or its end in the data "
        + "section) passes 2^64. Size computations that wrap around make readers allocate a small buffer and copy a large tensor into it." + LlamaRefuses,
        ReconvertGguf,
        "models/model.gguf : error MG6010: at offset 812: tensor 'token_embd.weight' has shape (4294967296, 4294967296, 1, 1), whose element count overflows ggml's int64");

    /// <summary>MG6011.</summary>
    public static readonly RuleDescriptor GgufPartialQuantizationBlock = new(
        RuleIds.GgufPartialQuantizationBlock,
        "GGUF tensor row is not a whole number of quantization blocks",
        RuleCategories.Gguf,
        RuleSeverity.Error,
        "Quantized ggml types store elements in blocks (32 for Q4_0 and Q8_0, 256 for the K and most IQ types). A row (the first "
        + "dimension) that is not a multiple of the block size has no valid layout; its size cannot be computed the way ggml does." + LlamaRefuses,
        ReconvertGguf,
        "models/model.gguf : error MG6011: at offset 812: tensor 'blk.0.ffn_up.weight' of type Q4_K has 100 elements per row, not a multiple of its block size 256");

    /// <summary>MG6012.</summary>
    public static readonly RuleDescriptor GgufInvalidAlignment = new(
        RuleIds.GgufInvalidAlignment,
        "GGUF general.alignment is not a u32 power of two",
        RuleCategories.Gguf,
        RuleSeverity.Error,
        "general.alignment, when present, must be a u32 that is a power of two (the default is 32). Every tensor offset and the start of "
        + "the data section depend on it; ModelGuard checks the layout with the default after reporting this." + LlamaRefuses,
        ReconvertGguf,
        "models/model.gguf : error MG6012: at offset 24: general.alignment is 24, which is not a power of two (llama.cpp refuses the file)");

    /// <summary>MG6013.</summary>
    public static readonly RuleDescriptor GgufMisalignedTensorData = new(
        RuleIds.GgufMisalignedTensorData,
        "GGUF tensor data offset is not a multiple of the alignment",
        RuleCategories.Gguf,
        RuleSeverity.Error,
        "The specification requires every tensor's data offset to be a multiple of general.alignment, so the data can be mapped and "
        + "read with aligned loads." + LlamaRefuses,
        ReconvertGguf,
        "models/model.gguf : error MG6013: at offset 812: tensor 'output_norm.weight' has data offset 100, which is not a multiple of the alignment 32");

    /// <summary>MG6014.</summary>
    public static readonly RuleDescriptor GgufTensorDataOverlap = new(
        RuleIds.GgufTensorDataOverlap,
        "GGUF tensor data overlaps or leaves gaps",
        RuleCategories.Gguf,
        RuleSeverity.Error,
        "Tensors are stored in the order of their infos, each starting at the aligned end of the one before. Overlapping tensors share "
        + "bytes (one weight edits another); gaps hold bytes no tensor accounts for." + LlamaRefuses,
        ReconvertGguf,
        "models/model.gguf : error MG6014: at offset 860: tensor 'output.weight' has data offset 0 but the tensors before it end at 4096 (padded to the alignment 32): it overlaps the tensor before it, and llama.cpp requires the tensors in order, one after the other");

    /// <summary>MG6015.</summary>
    public static readonly RuleDescriptor GgufTensorDataOutOfFile = new(
        RuleIds.GgufTensorDataOutOfFile,
        "GGUF tensor data lies past the end of the file",
        RuleCategories.Gguf,
        RuleSeverity.Error,
        "A tensor's data (data section start + offset + size from its type and shape) ends after the end of the file: the file is "
        + "truncated or the tensor info is crafted. llama.cpp's model loader refuses it (\"tensor data is not within the file bounds\"); "
        + "readers that map the file and trust the offset read outside it.",
        ReconvertGguf,
        "models/model.gguf : error MG6015: at offset 812: tensor 'output.weight' takes 262144 bytes at data offset 1024 (file offset 2048), past the end of the 4096-byte file");

    /// <summary>MG6016.</summary>
    public static readonly RuleDescriptor GgufDataSectionSizeMismatch = new(
        RuleIds.GgufDataSectionSizeMismatch,
        "GGUF file has bytes after its tensor data",
        RuleCategories.Gguf,
        RuleSeverity.Warning,
        "The file continues past the aligned end of its last tensor. llama.cpp ignores these bytes, so they are not a loading problem, "
        + "but no tensor accounts for them: they can hide another file (an archive, a payload for a second reader) behind a valid model.",
        "Re-create or download the file again; a GGUF writer (gguf-py, llama.cpp) ends the file with the last tensor's padding.",
        "models/model.gguf : warning MG6016: at offset 4096: the tensors' data ends at offset 4096 but the file is 70000 bytes long: 65904 bytes after the data section belong to no tensor");

    /// <summary>MG6017.</summary>
    public static readonly RuleDescriptor GgufWellKnownKeyType = new(
        RuleIds.GgufWellKnownKeyType,
        "GGUF well-known key has the wrong type",
        RuleCategories.Gguf,
        RuleSeverity.Error,
        "Keys the specification standardises have fixed types that llama.cpp relies on: general.architecture and general.name are "
        + "strings, tokenizer.ggml.tokens an array of strings, tokenizer.ggml.scores an array of f32 and tokenizer.ggml.token_type an "
        + "array of i32 with as many elements as the tokens, token IDs u32, chat templates strings. llama.cpp aborts or indexes past an "
        + "array when they differ.",
        ReconvertGguf,
        "models/model.gguf : error MG6017: at offset 1200: tokenizer.ggml.scores has 100 elements but tokenizer.ggml.tokens has 32000; llama.cpp indexes them together");

    /// <summary>MG6018.</summary>
    public static readonly RuleDescriptor GgufChatTemplateReachesPython = new(
        RuleIds.GgufChatTemplateReachesPython,
        "GGUF chat template reaches Python internals",
        RuleCategories.Gguf,
        RuleSeverity.Error,
        "tokenizer.chat_template (and the named templates tokenizer.chat_template.<name>) are Jinja templates that front ends render for "
        + "every chat. Rendered without a sandbox (llama-cpp-python, CVE-2024-34359), a template that walks from an object to its class, "
        + "globals or builtins (__class__, __globals__, __subclasses__, __builtins__, __import__, __init__, mro) or names os, subprocess, "
        + "popen, eval or exec runs code on the machine that loads the model. ModelGuard never renders the template: it tokenizes it as "
        + "Jinja does and looks at names and at string literals used as attribute names or to build them; text outside tags and literals "
        + "that are only printed or compared are data, as they are to Jinja.",
        "Do not ship the file. Replace the chat template with the model's published one (gguf-py's gguf_set_metadata or gguf_new_metadata "
        + "can rewrite it), and render templates only in a sandboxed environment (jinja2.sandbox.ImmutableSandboxedEnvironment).",
        "models/model.gguf : error MG6018: at offset 880: tokenizer.chat_template: at character 3: the name '__class__' is a Python dunder name; through it a template reaches Python internals (classes, globals, builtins)");

    /// <summary>MG6019.</summary>
    public static readonly RuleDescriptor GgufChatTemplateUnverified = new(
        RuleIds.GgufChatTemplateUnverified,
        "GGUF chat template could not be verified",
        RuleCategories.Gguf,
        RuleSeverity.Warning,
        "A chat template could not be tokenized as Jinja (an unclosed tag, string or comment: Jinja refuses it too, so it does not run), "
        + "or it is larger than the 1 MiB ModelGuard checks (real templates are a few kilobytes). It was not verified.",
        "Replace the chat template with the model's published one.",
        "models/model.gguf : warning MG6019: at offset 880: tokenizer.chat_template: the template cannot be tokenized as Jinja at character 14: a string literal is never closed; Jinja would refuse it too, but it was not verified");
}
