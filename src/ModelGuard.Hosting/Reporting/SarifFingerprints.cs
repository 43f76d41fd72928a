using System;
using System.Collections.Generic;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace ModelGuard.Hosting.Reporting;

/// <summary>
/// <c>partialFingerprints</c> for SARIF results: GitHub code scanning matches alerts across runs by them, and without them it
/// hashes the source line at the location, which a binary model does not have. Computed from what identifies the finding and
/// does not change with wording: the rule, the repository-relative path (the absolute path when the file is outside the
/// repository), the archive member and the byte offset. Findings that share all of these (no offset) are told apart by their order
/// among them, which the scan keeps stable.
/// </summary>
internal sealed class SarifFingerprints
{
    /// <summary>The key in <c>partialFingerprints</c>; the version changes if what is hashed ever changes.</summary>
    public const string Key = "modelguardFinding/v1";

    private readonly Dictionary<string, int> _occurrences = new(StringComparer.Ordinal);

    public string Next(ReportedFinding finding, string? relativePath)
    {
        var identity = string.Join(
            "\n",
            finding.Rule.Id,
            relativePath ?? finding.FullPath ?? string.Empty,
            finding.Line.ToString(CultureInfo.InvariantCulture),
            finding.Member ?? string.Empty,
            finding.Offset?.ToString(CultureInfo.InvariantCulture) ?? string.Empty);
        _occurrences.TryGetValue(identity, out var seen);
        _occurrences[identity] = seen + 1;
        using var sha = SHA256.Create();
        var hash = sha.ComputeHash(Encoding.UTF8.GetBytes(identity + "\n" + seen.ToString(CultureInfo.InvariantCulture)));
        return BitConverter.ToString(hash, 0, 16).Replace("-", string.Empty).ToLowerInvariant();
    }
}
