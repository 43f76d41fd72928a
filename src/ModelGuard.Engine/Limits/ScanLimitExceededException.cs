using System;

namespace ModelGuard.Engine.Limits;

/// <summary>
/// A limit that ends the scan of the whole file was reached (time, the file's decompression budget, an archive's entry
/// count). Thrown from wherever the limit is noticed and deliberately not derived from any format exception, so no format
/// reader swallows it: it reaches <see cref="Scanning.ModelScanner"/>, which reports it (MG3020, MG3021) after what was found.
/// </summary>
internal sealed class ScanLimitExceededException : Exception
{
    public ScanLimitExceededException(ScanLimit limit, string message)
        : base(message)
    {
        Limit = limit;
    }

    public ScanLimitExceededException()
    {
    }

    public ScanLimitExceededException(string message)
        : base(message)
    {
    }

    public ScanLimitExceededException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    public ScanLimit Limit { get; }

    /// <summary>The innermost archive member being scanned when the limit was reached (set on the way out), null for the file itself.</summary>
    public string? Member { get; set; }

    /// <summary>True once the member was recorded: outer members must not overwrite the innermost one.</summary>
    public bool MemberKnown { get; set; }
}
