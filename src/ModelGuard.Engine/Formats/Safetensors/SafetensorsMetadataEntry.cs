namespace ModelGuard.Engine.Formats.Safetensors;

/// <summary>One <c>__metadata__</c> entry; long keys and values are kept only in part, their full sizes are recorded.</summary>
internal sealed class SafetensorsMetadataEntry
{
    public SafetensorsMetadataEntry(string key, long keyUtf8Length, string value, bool valueTruncated, long valueUtf8Length, long offset)
    {
        Key = key;
        KeyUtf8Length = keyUtf8Length;
        Value = value;
        ValueTruncated = valueTruncated;
        ValueUtf8Length = valueUtf8Length;
        Offset = offset;
    }

    /// <summary>The key (a prefix when very long).</summary>
    public string Key { get; }

    /// <summary>The key's UTF-8 size after unescaping.</summary>
    public long KeyUtf8Length { get; }

    /// <summary>The value, or its first characters when <see cref="ValueTruncated"/>.</summary>
    public string Value { get; }

    /// <summary>Only a prefix of the value was kept.</summary>
    public bool ValueTruncated { get; }

    /// <summary>The value's UTF-8 size after unescaping.</summary>
    public long ValueUtf8Length { get; }

    /// <summary>Offset of the key in the file.</summary>
    public long Offset { get; }
}
