using System;
using System.IO;
using ModelGuard.Engine.Formats.Gguf;

namespace ModelGuard.Engine.Scanning;

/// <summary>
/// Validates GGUF content: what starts with the GGUF magic whatever its name (a GGUF named <c>.bin</c> is still GGUF), and
/// by name what sniffs as nothing known, so a truncated or garbled <c>.gguf</c> file gets its MG6xxx error instead of passing.
/// Only the header and tensor infos are read; the tensor data is never touched.
/// </summary>
internal static class GgufContentScanner
{
    private const string Extension = ".gguf";

    /// <summary>Validates the content at its current position.</summary>
    public static ContentFormat Scan(ScanContext context, Stream content, string? member)
    {
        long? length = content.CanSeek ? content.Length - content.Position : null;
        foreach (var issue in GgufValidator.Validate(content, length))
        {
            context.Report(issue.Rule, member, issue.Offset, issue.Message);
        }

        return ContentFormat.Gguf;
    }

    /// <summary>Content that sniffed as no known format: validated as GGUF when its name ends with <c>.gguf</c>.</summary>
    public static bool TryScanByName(ScanContext context, Stream content, string? member)
    {
        if (!(member ?? context.FilePath).EndsWith(Extension, StringComparison.OrdinalIgnoreCase))
        {
            return false;
        }

        Scan(context, content, member);
        return true;
    }

    /// <summary>
    /// A file named <c>.gguf</c> whose first byte made it a pickle candidate ('G' is BINFLOAT) that the decoder did not
    /// confirm: validated as GGUF from its start again (seekable content only; a forward-only member cannot be re-read).
    /// </summary>
    public static bool TryScanByNameAfterFailedTrial(ScanContext context, Stream content, long start, string? member)
    {
        if (!content.CanSeek)
        {
            return false;
        }

        content.Position = start;
        return TryScanByName(context, content, member);
    }
}
