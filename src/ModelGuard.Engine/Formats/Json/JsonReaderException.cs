using System;

namespace ModelGuard.Engine.Formats.Json;

/// <summary>The input is not acceptable JSON; <see cref="Offset"/> locates the problem.</summary>
internal sealed class JsonReaderException : Exception
{
    public JsonReaderException(JsonErrorKind kind, long offset, string reason)
        : base(reason)
    {
        Kind = kind;
        Offset = offset;
    }

    public JsonReaderException()
    {
    }

    public JsonReaderException(string message)
        : base(message)
    {
    }

    public JsonReaderException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    /// <summary>What kind of problem this is.</summary>
    public JsonErrorKind Kind { get; }

    /// <summary>Offset of the problem, including the reader's base offset (for <see cref="JsonErrorKind.Truncated"/>, where the input ended).</summary>
    public long Offset { get; }
}
