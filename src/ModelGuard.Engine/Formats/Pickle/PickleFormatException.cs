using System;

namespace ModelGuard.Engine.Formats.Pickle;

/// <summary>The pickle stream breaks a rule the real unpickler enforces; decoding stops here, as the unpickler's would.</summary>
internal sealed class PickleFormatException : Exception
{
    public PickleFormatException(long offset, string reason)
        : base(reason)
    {
        Offset = offset;
    }

    public PickleFormatException()
    {
    }

    public PickleFormatException(string message)
        : base(message)
    {
    }

    public PickleFormatException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    /// <summary>Offset of the opcode that failed.</summary>
    public long Offset { get; }
}
