using System;

namespace ModelGuard.Engine.Integrity.Signing;

/// <summary>A signature file, key, certificate or trusted root that cannot be read as its format says (MG4105 and kin).</summary>
public sealed class SignatureFormatException : Exception
{
    public SignatureFormatException(string message)
        : base(message)
    {
    }

    public SignatureFormatException()
    {
    }

    public SignatureFormatException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
