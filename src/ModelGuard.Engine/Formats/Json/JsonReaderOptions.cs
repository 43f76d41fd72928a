namespace ModelGuard.Engine.Formats.Json;

/// <summary>Limits of a <see cref="JsonReader"/>.</summary>
internal sealed class JsonReaderOptions
{
    /// <summary>Plain RFC 8259 with serde_json's nesting limit.</summary>
    public static JsonReaderOptions Default { get; } = new();

    /// <summary>What <c>serde_json::from_str</c> (default features) accepts: also refuses numbers that overflow an f64.</summary>
    public static JsonReaderOptions SerdeJson { get; } = new() { RejectNumbersOutOfDoubleRange = true };

    /// <summary>
    /// serde_json's recursion limit: it starts at this value and refuses the array or object that brings the remaining
    /// depth to zero, so at most <c>MaxDepth - 1</c> containers nest (127 for the default 128).
    /// </summary>
    public int MaxDepth { get; init; } = 128;

    /// <summary>Refuse numbers whose value overflows a double, computed the way serde_json does without <c>float_roundtrip</c>.</summary>
    public bool RejectNumbersOutOfDoubleRange { get; init; }
}
