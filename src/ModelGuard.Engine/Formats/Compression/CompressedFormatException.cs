using System;

namespace ModelGuard.Engine.Formats.Compression;

/// <summary>
/// Compressed input that cannot be decoded faithfully: a bad header or checksum, corrupt or truncated data, trailing
/// bytes that are not another stream, or output past the caller's limit (<see cref="OutputLimitExceeded"/>). The
/// message names the format, what is wrong and, when known, the byte offset in the compressed input.
/// </summary>
internal sealed class CompressedFormatException : Exception
{
    public CompressedFormatException()
        : base("The compressed data is malformed.")
    {
    }

    public CompressedFormatException(string message)
        : base(message)
    {
    }

    public CompressedFormatException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    public CompressedFormatException(string message, long offset)
        : base(message)
    {
        Offset = offset;
    }

    private CompressedFormatException(string message, bool outputLimitExceeded, Exception? innerException)
        : base(message, innerException)
    {
        OutputLimitExceeded = outputLimitExceeded;
    }

    /// <summary>Offset in the compressed input where the problem was found, when the decoder can tell.</summary>
    public long? Offset { get; }

    /// <summary>True when the data was refused because it expands past the caller's output limit (a likely bomb).</summary>
    public bool OutputLimitExceeded { get; }

    internal static CompressedFormatException LimitExceeded(string format, long limit) =>
        new($"{format}: the decompressed output exceeds the limit of {limit} bytes; decoding stopped (a likely decompression bomb).", true, null);

    /// <summary>A copy for a stream that already failed and is read again.</summary>
    internal static CompressedFormatException Repeat(CompressedFormatException first) =>
        new(first.Message, first.OutputLimitExceeded, first);

    internal static CompressedFormatException Truncated(string format, string what, long offset) =>
        new($"{format}: the input ends at offset {offset} inside {what}; the data is truncated.", offset);

    internal static CompressedFormatException At(string format, long offset, string problem) =>
        new($"{format}: {problem} (at offset {offset}).", offset);
}
