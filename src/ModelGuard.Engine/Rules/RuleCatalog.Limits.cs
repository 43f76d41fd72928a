namespace ModelGuard.Engine.Rules;

/// <summary>Rules for the scanner's resource limits: what a hostile file cannot make the build spend.</summary>
public static partial class RuleCatalog
{
    /// <summary>MG3020.</summary>
    public static readonly RuleDescriptor ScanLimitExceeded = new(
        RuleIds.ScanLimitExceeded,
        "Content exceeds a scan limit",
        RuleCategories.Container,
        RuleSeverity.Error,
        "Model files are written by whoever publishes them, so ModelGuard bounds what one file can make the build spend: how far a compressed "
        + "stream may expand (per stream and for the whole file), how deeply archives and compressed wrappers may nest and how many entries an "
        + "archive may have. Content past a limit is not read, so it is not verified; a decompression bomb or an archive nested a hundred "
        + "levels deep cannot pass by exhausting the scanner. The message names the limit, its value and the member that reached it. The "
        + "limits are listed in the README (\"Limits\").",
        "A real model rarely reaches these limits. If it does, ship it uncompressed or less deeply nested. A file you did not produce that "
        + "reaches a limit should be treated as untrusted.",
        "models/bomb.zip : error MG3020: in 'data.pkl': the member expands to more than 4294967296 bytes, the limit for one decompressed stream (ScanOptions.MaxDecompressedBytes); the rest of its content was not verified")
    {
        Cause = "A file expands, nests or holds more than the scanner's limits allow, so part of it was not verified.",
    };

    /// <summary>MG3021.</summary>
    public static readonly RuleDescriptor ScanTimeLimitExceeded = new(
        RuleIds.ScanTimeLimitExceeded,
        "Scanning the file took longer than the time limit",
        RuleCategories.Container,
        RuleSeverity.Error,
        "Every file gets a time budget (ScanOptions.MaxScanTime, 60 seconds by default). The scanner checks it while it reads, decompresses "
        + "and walks archives and pickles, and stops when the budget is spent, so a crafted file cannot hang the build. What was found until "
        + "then is reported; the rest of the file was not verified. Results that reached the time limit are never cached.",
        "A multi-gigabyte model on a slow or busy machine can reach the limit: build again, or scan it where it is produced. A small file "
        + "that reaches it is crafted to exhaust scanners and should be treated as untrusted.",
        "models/slow.pkl : error MG3021: in 'archive/data.pkl': the scan stopped after the time limit of 60 seconds (ScanOptions.MaxScanTime); the rest of the file was not verified")
    {
        Cause = "Scanning one file took longer than the time limit, so the rest of it was not verified.",
    };
}
