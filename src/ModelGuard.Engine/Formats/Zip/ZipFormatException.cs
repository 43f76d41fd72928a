using System;

namespace ModelGuard.Engine.Formats.Zip;

/// <summary>
/// The bytes are not a zip archive the reader can trust: a record is missing, truncated, or points outside the stream.
/// The message names the record and the offsets or counts that are wrong.
/// </summary>
internal sealed class ZipFormatException : Exception
{
    public ZipFormatException()
        : base("The zip archive is malformed.")
    {
    }

    public ZipFormatException(string message)
        : base(message)
    {
    }

    public ZipFormatException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
