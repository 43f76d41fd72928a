namespace ModelGuard.Engine.Formats.Json;

/// <summary>Why the input was refused, in the order a caller must rank them (truncation first, then encoding, then grammar).</summary>
internal enum JsonErrorKind
{
    /// <summary>The input breaks the JSON grammar, the nesting limit or the number range.</summary>
    Syntax = 0,

    /// <summary>The input is not strict UTF-8 (decided over the whole input before any grammar error counts).</summary>
    InvalidUtf8,

    /// <summary>The stream ended before the declared input length.</summary>
    Truncated,
}
