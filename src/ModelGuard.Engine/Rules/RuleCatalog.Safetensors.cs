namespace ModelGuard.Engine.Rules;

/// <summary>
/// Rules for safetensors: MG20xx are the reference reader's checks (huggingface/safetensors, <c>tensor.rs</c>), one rule per
/// check in its order; MG21xx go further than the reference; MG22xx check a sharded model's index against its shards.
/// </summary>
public static partial class RuleCatalog
{
    private const string ReferenceRefuses = " The reference reader (huggingface/safetensors) refuses the file with this error, so every loader built on it fails.";

    private const string Regenerate = "Re-create the file with the safetensors library (safetensors.torch.save_file or save_model) from a trusted copy of the weights. A file in this state was truncated, corrupted or crafted.";

    /// <summary>MG2001.</summary>
    public static readonly RuleDescriptor SafetensorsHeaderTooSmall = new(
        RuleIds.SafetensorsHeaderTooSmall,
        "Safetensors file is shorter than its header length field",
        RuleCategories.Safetensors,
        RuleSeverity.Error,
        "A safetensors file starts with an 8-byte little-endian integer N, the size of the JSON header that follows. Content shorter than "
        + "8 bytes has no header at all (reference error HeaderTooSmall)." + ReferenceRefuses,
        Regenerate,
        "models/model.safetensors : error MG2001: at offset 0: the content is 5 bytes long, shorter than the 8-byte header length every safetensors file starts with");

    /// <summary>MG2002.</summary>
    public static readonly RuleDescriptor SafetensorsHeaderTooLarge = new(
        RuleIds.SafetensorsHeaderTooLarge,
        "Safetensors header is larger than 100,000,000 bytes",
        RuleCategories.Safetensors,
        RuleSeverity.Error,
        "The header length N is above the reference's limit of 100,000,000 bytes (exactly 100,000,000 is accepted). Real headers are a few "
        + "kilobytes to a few megabytes; a huge N is a corrupted length or an attempt to make readers allocate memory (reference error "
        + "HeaderTooLarge)." + ReferenceRefuses,
        Regenerate,
        "models/model.safetensors : error MG2002: at offset 0: the header length field says 4294967296 bytes; the reference reader refuses headers larger than 100000000 bytes");

    /// <summary>MG2003.</summary>
    public static readonly RuleDescriptor SafetensorsHeaderLengthOutOfBounds = new(
        RuleIds.SafetensorsHeaderLengthOutOfBounds,
        "Safetensors header length points past the end of the file",
        RuleCategories.Safetensors,
        RuleSeverity.Error,
        "8 + N is larger than the file: the header claims more bytes than the file has, so the file is truncated or the length field is "
        + "corrupted (reference error InvalidHeaderLength)." + ReferenceRefuses,
        Regenerate + " If the file was downloaded, download it again and compare its hash.",
        "models/model.safetensors : error MG2003: at offset 0: the header length field says 1048576 bytes but only 4096 bytes follow it");

    /// <summary>MG2004.</summary>
    public static readonly RuleDescriptor SafetensorsHeaderNotUtf8 = new(
        RuleIds.SafetensorsHeaderNotUtf8,
        "Safetensors header is not valid UTF-8",
        RuleCategories.Safetensors,
        RuleSeverity.Error,
        "The reference decides UTF-8 validity of the whole header before it parses any JSON: overlong forms, encoded surrogates, values "
        + "above U+10FFFF and truncated sequences are refused, wherever they are (reference error InvalidHeader). Readers that decode "
        + "leniently would see different names than strict ones." + ReferenceRefuses,
        Regenerate,
        "models/model.safetensors : error MG2004: at offset 23: the header is not valid UTF-8: the sequence starting at offset 23 is not valid UTF-8 (byte 0x41 at offset 24 cannot continue it: overlong form, surrogate, value above U+10FFFF or missing continuation byte)");

    /// <summary>MG2005.</summary>
    public static readonly RuleDescriptor SafetensorsHeaderNotJson = new(
        RuleIds.SafetensorsHeaderNotJson,
        "Safetensors header is not one valid JSON value",
        RuleCategories.Safetensors,
        RuleSeverity.Error,
        "The header must be exactly one JSON value (RFC 8259, as serde_json reads it) with only JSON whitespace (space, tab, LF, CR) "
        + "around it: no trailing characters, no NUL padding, no comments, no trailing commas, at most 127 nested arrays and objects, no "
        + "number that overflows a 64-bit float, and N = 0 is an empty header (reference error InvalidHeaderDeserialization). The message "
        + "gives the offset of the first error in the file." + ReferenceRefuses,
        Regenerate + " Tools that edit headers by hand must pad with spaces, not NUL bytes.",
        "models/model.safetensors : error MG2005: at offset 72: the 72-byte header is not one valid JSON value: trailing characters after the JSON value: byte 0x00");

    /// <summary>MG2006.</summary>
    public static readonly RuleDescriptor SafetensorsHeaderSchemaViolation = new(
        RuleIds.SafetensorsHeaderSchemaViolation,
        "Safetensors header does not match the safetensors schema",
        RuleCategories.Safetensors,
        RuleSeverity.Error,
        "The header is a JSON object whose optional \"__metadata__\" member is an object of strings (or null) and whose every other member "
        + "is a tensor {\"dtype\", \"shape\", \"data_offsets\"}: all three required, once each; dtype one of the case-sensitive names BOOL, F4, "
        + "F6_E2M3, F6_E3M2, U8, I8, F8_E5M2, F8_E4M3, F8_E8M0, F8_E4M3FNUZ, F8_E5M2FNUZ, I16, U16, F16, BF16, I32, U32, F32, C64, F64, I64, "
        + "U64; shape an array of integers; data_offsets exactly two integers. Integers are literals from 0 to 2^64 - 1: 16.0, 1e1 and -0 are "
        + "refused. Unknown extra fields are ignored, as in the reference (error InvalidHeaderDeserialization)." + ReferenceRefuses,
        Regenerate,
        "models/model.safetensors : error MG2006: at offset 61: tensor 'w' has the floating-point number 16.0 in data_offsets; the reference reader accepts only integer literals from 0 to 18446744073709551615 (no fraction, exponent or sign)");

    /// <summary>MG2007.</summary>
    public static readonly RuleDescriptor SafetensorsInvalidOffsets = new(
        RuleIds.SafetensorsInvalidOffsets,
        "Safetensors tensor offsets leave gaps or overlap",
        RuleCategories.Safetensors,
        RuleSeverity.Error,
        "Sorted by data_offsets, the tensors must tile the data buffer: the first starts at 0, each starts where the previous one ends and "
        + "no tensor ends before it starts (reference error InvalidOffset). Gaps hide bytes no tensor accounts for; overlaps make two tensors "
        + "share memory." + ReferenceRefuses,
        Regenerate,
        "models/model.safetensors : error MG2007: at offset 58: tensor 'b' has data_offsets [32, 48] but the previous tensor 'a' ends at byte 16: bytes 16 to 32 belong to no tensor");

    /// <summary>MG2008.</summary>
    public static readonly RuleDescriptor SafetensorsSizeOverflow = new(
        RuleIds.SafetensorsSizeOverflow,
        "Safetensors tensor size overflows 64 bits",
        RuleCategories.Safetensors,
        RuleSeverity.Error,
        "The product of a tensor's dimensions, or that count times the dtype's bits, does not fit 64 bits (reference error "
        + "ValidationOverflow). Readers that multiply without checking compute a small size and index past the buffer." + ReferenceRefuses,
        Regenerate,
        "models/model.safetensors : error MG2008: at offset 9: tensor 'w' has shape [4294967296, 4294967296], whose element count overflows 64 bits");

    /// <summary>MG2009.</summary>
    public static readonly RuleDescriptor SafetensorsMisalignedSlice = new(
        RuleIds.SafetensorsMisalignedSlice,
        "Safetensors sub-byte tensor does not fill whole bytes",
        RuleCategories.Safetensors,
        RuleSeverity.Error,
        "F4 (4 bits) and F6_E2M3/F6_E3M2 (6 bits) elements are bit-packed; the tensor's element count times its bits must be a multiple of "
        + "8 (reference error MisalignedSlice)." + ReferenceRefuses,
        "Pad the tensor to a whole number of bytes before saving it with the safetensors library. A file in this state was corrupted or crafted.",
        "models/model.safetensors : error MG2009: at offset 9: tensor 'w' is F4[3]: 3 elements of 4 bits are 12 bits, not a whole number of bytes");

    /// <summary>MG2010.</summary>
    public static readonly RuleDescriptor SafetensorsTensorSizeMismatch = new(
        RuleIds.SafetensorsTensorSizeMismatch,
        "Safetensors tensor offsets do not match its dtype and shape",
        RuleCategories.Safetensors,
        RuleSeverity.Error,
        "data_offsets [start, end] must span exactly elements x bits / 8 bytes (reference error TensorInvalidInfo). A mismatch means a reader "
        + "that trusts the offsets and one that trusts the shape read different bytes." + ReferenceRefuses,
        Regenerate,
        "models/model.safetensors : error MG2010: at offset 9: tensor 'w' has data_offsets [0, 64] (64 bytes) but F32[4] needs 16 bytes");

    /// <summary>MG2011.</summary>
    public static readonly RuleDescriptor SafetensorsIncompleteBuffer = new(
        RuleIds.SafetensorsIncompleteBuffer,
        "Safetensors tensors do not cover the data exactly",
        RuleCategories.Safetensors,
        RuleSeverity.Error,
        "The last tensor must end exactly at the end of the file: 8 + N + end = file length (reference error MetadataIncompleteBuffer). "
        + "Trailing bytes can carry a second payload (a zip or pickle appended to the file); a shorter file is truncated." + ReferenceRefuses,
        Regenerate + " If the file was downloaded, download it again and compare its hash.",
        "models/model.safetensors : error MG2011: at offset 144: the tensors end at byte 64 of the data buffer but 1088 bytes follow the header: the last 1024 bytes belong to no tensor");

    /// <summary>MG2101.</summary>
    public static readonly RuleDescriptor SafetensorsDuplicateTensorName = new(
        RuleIds.SafetensorsDuplicateTensorName,
        "Safetensors header names a tensor more than once",
        RuleCategories.Safetensors,
        RuleSeverity.Error,
        "Two header entries have the same tensor name once JSON escapes are decoded (\"w\" and \"\\u0077\" are the same name). The "
        + "reference keeps the last entry; readers built on other JSON parsers keep the first or fail, so two loaders read different weights "
        + "from the same file, and a scanner can be shown one tensor while the model loads the other. The reference does not check this.",
        "Re-create the file with the safetensors library, which cannot write duplicate names. Treat a file with duplicates as crafted.",
        "models/model.safetensors : error MG2101: at offset 80: tensor name 'w' appears 2 times in the header (at offsets 9, 80); the reference reader keeps the last entry while other readers keep the first or fail, so they load different tensors from the same file");

    /// <summary>MG2102.</summary>
    public static readonly RuleDescriptor SafetensorsUnsafeTensorName = new(
        RuleIds.SafetensorsUnsafeTensorName,
        "Safetensors tensor name is empty or path-like",
        RuleCategories.Safetensors,
        RuleSeverity.Error,
        "A tensor name is empty, contains '..', '/' or '\\', or contains control characters. Loaders that map tensor names to files, module "
        + "attributes or cache paths have been steered by such names (path traversal, hidden entries). Tensor names of real models are "
        + "dotted identifiers such as model.layers.0.weight. The reference does not check names.",
        "Rename the tensors to dotted identifiers before saving. If the names come from a converter, fix the converter.",
        "models/model.safetensors : error MG2102: at offset 9: tensor name '../../.ssh/authorized_keys' contains '..'; loaders that turn tensor names into file or module paths can be steered by such names");

    /// <summary>MG2103.</summary>
    public static readonly RuleDescriptor SafetensorsOversizedMetadata = new(
        RuleIds.SafetensorsOversizedMetadata,
        "Safetensors metadata is oversized or has duplicate keys",
        RuleCategories.Safetensors,
        RuleSeverity.Warning,
        "The reference bounds __metadata__ only by the 100,000,000-byte header limit. ModelGuard reports a value larger than 65,536 bytes "
        + "(UTF-8, after unescaping), keys and values totalling more than 1,048,576 bytes, and keys that appear more than once (the reference "
        + "keeps the last value, other readers may keep the first). Large metadata is where payloads, prompts or scripts for other tools hide. "
        + "Non-string values are refused by the reference and reported as MG2006.",
        "Keep metadata to short provenance strings (format, framework versions). Move large documents next to the model instead of into its header.",
        "models/model.safetensors : warning MG2103: at offset 21: \"__metadata__\" value for key 'notes' is 2097152 bytes, more than the 65536 bytes ModelGuard accepts for one value");

    /// <summary>MG2104.</summary>
    public static readonly RuleDescriptor SafetensorsHeaderPadding = new(
        RuleIds.SafetensorsHeaderPadding,
        "Safetensors header has unusual whitespace",
        RuleCategories.Safetensors,
        RuleSeverity.Info,
        "The reference writer starts the header with '{' and pads it to a multiple of 8 bytes with spaces. The reference reader accepts any "
        + "JSON whitespace around the object (leading whitespace only since April 2026), so older readers refuse a header with leading "
        + "whitespace, and tab, CR or LF padding shows the header was written or edited by another tool.",
        "Re-create the file with the safetensors library, or ignore this rule if you produce headers with another writer on purpose.",
        "models/model.safetensors : info MG2104: at offset 8: the header starts with 4 whitespace bytes before its JSON object; the reference writer never writes them and readers before April 2026 refuse a header that does not start with '{'");

    /// <summary>MG2105.</summary>
    public static readonly RuleDescriptor SafetensorsMisalignedTensorData = new(
        RuleIds.SafetensorsMisalignedTensorData,
        "Safetensors tensor data is not aligned to its element size",
        RuleCategories.Safetensors,
        RuleSeverity.Info,
        "A tensor whose elements are 2, 4 or 8 bytes starts at a file offset (8 + N + start) that is not a multiple of that size. The "
        + "reference does not require alignment and many real files are misaligned, but zero-copy loaders that map the file must copy such "
        + "tensors, and some fault on them. The reference writer sorts tensors by alignment and pads the header to 8 bytes to avoid it.",
        "Re-create the file with a current safetensors library.",
        "models/model.safetensors : info MG2105: at offset 9: 1 of 2 tensors starts at a file offset that is not a multiple of its element size; the first is 'w' (F32[4], 4-byte elements) at data offset 2, file offset 90; zero-copy loaders must copy or may fault on such tensors");

    /// <summary>MG2106.</summary>
    public static readonly RuleDescriptor SafetensorsUnknownMetadataFormat = new(
        RuleIds.SafetensorsUnknownMetadataFormat,
        "Safetensors metadata format is not one transformers loads",
        RuleCategories.Safetensors,
        RuleSeverity.Info,
        "transformers refuses a safetensors file that has __metadata__ unless __metadata__.format is pt, tf, flax or mlx. Files made for "
        + "other tools (diffusers, LoRA trainers) legitimately have other metadata; files meant for transformers will fail to load.",
        "Save with save_pretrained or pass metadata={\"format\": \"pt\"} to save_file; ignore this rule for files not meant for transformers.",
        "models/model.safetensors : info MG2106: at offset 21: \"__metadata__\" format is 'torch'; transformers only loads pt, tf, flax or mlx");

    /// <summary>MG2107.</summary>
    public static readonly RuleDescriptor SafetensorsNonCanonicalTensorEntry = new(
        RuleIds.SafetensorsNonCanonicalTensorEntry,
        "Safetensors tensor entry uses a form only the reference accepts",
        RuleCategories.Safetensors,
        RuleSeverity.Warning,
        "serde, which the reference uses, also builds a tensor entry from an array [dtype, shape, data_offsets] and a dtype from an object "
        + "{\"F32\": null}. No writer produces these forms; readers with their own JSON parsing fail or skip such tensors, so the file loads "
        + "differently depending on the reader.",
        "Re-create the file with the safetensors library.",
        "models/model.safetensors : warning MG2107: at offset 9: tensor 'w' is written as an array [dtype, shape, data_offsets]; the reference's serde accepts it, other readers expect an object and fail or skip it");

    /// <summary>MG2201.</summary>
    public static readonly RuleDescriptor SafetensorsIndexUnreadable = new(
        RuleIds.SafetensorsIndexUnreadable,
        "Sharded safetensors index cannot be read",
        RuleCategories.Safetensors,
        RuleSeverity.Error,
        "A *.safetensors.index.json maps every tensor of a sharded model to its shard in \"weight_map\". The file is not valid JSON, is larger "
        + "than 64 MiB, has no weight_map object, more than one, or a weight_map value that is not a file name. Loaders fail on it or pick "
        + "different entries, and ModelGuard cannot check the shards against it.",
        "Re-create the index with save_pretrained (or huggingface_hub's split_torch_state_dict_into_shards) from a trusted copy.",
        "models/model.safetensors.index.json : error MG2201: at offset 17: the index is not valid JSON: expected ',' or '}' after an object member, found ']'; its shards were not checked");

    /// <summary>MG2202.</summary>
    public static readonly RuleDescriptor SafetensorsIndexPathEscapesFolder = new(
        RuleIds.SafetensorsIndexPathEscapesFolder,
        "Sharded safetensors index points outside the model folder",
        RuleCategories.Safetensors,
        RuleSeverity.Error,
        "A weight_map value is joined to the model folder to find the shard. An absolute path, a drive letter, a '..' segment, a backslash "
        + "or a ':' makes loaders read a file outside the folder (any file the process can read, loaded as weights or passed to another "
        + "reader). Real indexes name shards such as model-00001-of-00002.safetensors.",
        "Name shards by their file name relative to the index. Treat an index that escapes its folder as crafted.",
        "models/model.safetensors.index.json : error MG2202: at offset 120: weight_map maps 1 tensor (first 'lm_head.weight') to '../../secrets/model.safetensors', which contains a '..' segment; a loader that joins it to the model folder reads a file outside it");

    /// <summary>MG2203.</summary>
    public static readonly RuleDescriptor SafetensorsIndexMissingShard = new(
        RuleIds.SafetensorsIndexMissingShard,
        "Sharded safetensors index names a shard that does not exist",
        RuleCategories.Safetensors,
        RuleSeverity.Error,
        "A weight_map value names a shard that is not next to the index. Loading fails, or picks up whatever file appears there later (a "
        + "download, a cache) without it ever being scanned.",
        "Ship every shard with the index, or fix the index. Make sure the shards are part of the project so they are scanned too.",
        "models/model.safetensors.index.json : error MG2203: at offset 88: weight_map maps 291 tensors (first 'model.layers.16.mlp.up_proj.weight') to 'model-00002-of-00002.safetensors', which does not exist next to the index");

    /// <summary>MG2204.</summary>
    public static readonly RuleDescriptor SafetensorsIndexShardMismatch = new(
        RuleIds.SafetensorsIndexShardMismatch,
        "Sharded safetensors index and shard headers disagree",
        RuleCategories.Safetensors,
        RuleSeverity.Error,
        "The index maps a tensor to a shard whose header does not contain it, a shard contains a tensor the index maps elsewhere or does not "
        + "list, the index lists a tensor twice, or a shard's header is invalid. Loaders that follow the index and loaders that read every "
        + "shard then assemble different models, and a tensor can be swapped in through a shard the index does not mention. Only the "
        + "shards' headers are read.",
        "Re-create the index together with its shards (save_pretrained), from a trusted copy of the model.",
        "models/model.safetensors.index.json : error MG2204: at offset 88: shard 'model-00001-of-00002.safetensors' contains 1 tensor that the index does not list: 'lm_head.weight'");

    /// <summary>MG2205.</summary>
    public static readonly RuleDescriptor SafetensorsIndexTotalSizeMismatch = new(
        RuleIds.SafetensorsIndexTotalSizeMismatch,
        "Sharded safetensors index total_size does not match the shards",
        RuleCategories.Safetensors,
        RuleSeverity.Warning,
        "metadata.total_size should equal the bytes the shards' tensors take (the sum of every tensor's data_offsets span). A difference means "
        + "the index was written for other shards; some tools size downloads and memory from it. Tied weights written by older tools can "
        + "cause a harmless difference.",
        "Re-create the index together with its shards, or correct total_size.",
        "models/model.safetensors.index.json : warning MG2205: at offset 37: metadata.total_size is 16060522496 bytes but the shards' tensors take 16060526592 bytes (4096 bytes more)");
}
