namespace ModelGuard.Engine.Rules;

/// <summary>Rule IDs for safetensors files and sharded safetensors indexes.</summary>
public static partial class RuleIds
{
    /// <summary>The content is shorter than the 8-byte header length (reference: HeaderTooSmall).</summary>
    public const string SafetensorsHeaderTooSmall = "MG2001";

    /// <summary>The header length is above 100,000,000 bytes (reference: HeaderTooLarge).</summary>
    public const string SafetensorsHeaderTooLarge = "MG2002";

    /// <summary>The header length points past the end of the content (reference: InvalidHeaderLength).</summary>
    public const string SafetensorsHeaderLengthOutOfBounds = "MG2003";

    /// <summary>The header is not strict UTF-8 (reference: InvalidHeader).</summary>
    public const string SafetensorsHeaderNotUtf8 = "MG2004";

    /// <summary>The header is not exactly one JSON value surrounded by whitespace (reference: InvalidHeaderDeserialization).</summary>
    public const string SafetensorsHeaderNotJson = "MG2005";

    /// <summary>The header JSON does not match the safetensors schema (reference: InvalidHeaderDeserialization).</summary>
    public const string SafetensorsHeaderSchemaViolation = "MG2006";

    /// <summary>Tensor data offsets leave gaps, overlap or end before they start (reference: InvalidOffset).</summary>
    public const string SafetensorsInvalidOffsets = "MG2007";

    /// <summary>A tensor's element or bit count overflows 64 bits (reference: ValidationOverflow).</summary>
    public const string SafetensorsSizeOverflow = "MG2008";

    /// <summary>A sub-byte tensor does not fill a whole number of bytes (reference: MisalignedSlice).</summary>
    public const string SafetensorsMisalignedSlice = "MG2009";

    /// <summary>A tensor's data offsets span a different size than its dtype and shape need (reference: TensorInvalidInfo).</summary>
    public const string SafetensorsTensorSizeMismatch = "MG2010";

    /// <summary>The tensors do not cover the data buffer exactly: trailing bytes or truncation (reference: MetadataIncompleteBuffer).</summary>
    public const string SafetensorsIncompleteBuffer = "MG2011";

    /// <summary>Several header entries have the same tensor name (after JSON unescaping).</summary>
    public const string SafetensorsDuplicateTensorName = "MG2101";

    /// <summary>A tensor name is empty or contains '..', '/', '\' or control characters.</summary>
    public const string SafetensorsUnsafeTensorName = "MG2102";

    /// <summary>The __metadata__ map is oversized or has duplicate keys.</summary>
    public const string SafetensorsOversizedMetadata = "MG2103";

    /// <summary>The header has leading whitespace or padding other than spaces.</summary>
    public const string SafetensorsHeaderPadding = "MG2104";

    /// <summary>Tensor data does not start at a multiple of its element size.</summary>
    public const string SafetensorsMisalignedTensorData = "MG2105";

    /// <summary>__metadata__ has no format, or one transformers does not load.</summary>
    public const string SafetensorsUnknownMetadataFormat = "MG2106";

    /// <summary>A tensor entry uses a JSON form only the reference's serde accepts (an array, or a dtype object).</summary>
    public const string SafetensorsNonCanonicalTensorEntry = "MG2107";

    /// <summary>A sharded index cannot be read or has no usable weight_map.</summary>
    public const string SafetensorsIndexUnreadable = "MG2201";

    /// <summary>A weight_map value points outside the model folder.</summary>
    public const string SafetensorsIndexPathEscapesFolder = "MG2202";

    /// <summary>A weight_map value names a shard that does not exist.</summary>
    public const string SafetensorsIndexMissingShard = "MG2203";

    /// <summary>The index and the shards' headers disagree on which tensors each shard holds.</summary>
    public const string SafetensorsIndexShardMismatch = "MG2204";

    /// <summary>metadata.total_size differs from the bytes the shards' tensors take.</summary>
    public const string SafetensorsIndexTotalSizeMismatch = "MG2205";
}
