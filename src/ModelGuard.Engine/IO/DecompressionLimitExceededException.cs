using System;

namespace ModelGuard.Engine.IO;

/// <summary>A compressed stream expanded past the configured bound (a decompression bomb, or simply too large to verify).</summary>
internal sealed class DecompressionLimitExceededException : Exception
{
    public DecompressionLimitExceededException(long limit)
        : base($"it expands to more than {limit} bytes, the decompression limit")
    {
        Limit = limit;
    }

    public DecompressionLimitExceededException()
    {
    }

    public DecompressionLimitExceededException(string message)
        : base(message)
    {
    }

    public DecompressionLimitExceededException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    public long Limit { get; }
}
