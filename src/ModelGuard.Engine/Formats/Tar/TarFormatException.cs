using System;

namespace ModelGuard.Engine.Formats.Tar;

/// <summary>The tar structure is malformed; the message says where and how.</summary>
internal sealed class TarFormatException : Exception
{
    public TarFormatException(string message)
        : base(message)
    {
    }

    public TarFormatException()
    {
    }

    public TarFormatException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
