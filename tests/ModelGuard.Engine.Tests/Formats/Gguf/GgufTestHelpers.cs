using ModelGuard.Engine.Findings;
using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using ModelGuard.Engine.Formats.Gguf;
using ModelGuard.Engine.Scanning;
using ModelGuard.Engine.Tests.Scanning;

namespace ModelGuard.Engine.Tests.Formats.Gguf;

internal static class GgufTestHelpers
{
    /// <summary>The validator's issues for <paramref name="content"/> read from a seekable stream.</summary>
    public static IReadOnlyList<FormatIssue> Issues(byte[] content)
    {
        using var stream = new MemoryStream(content, writable: false);
        return GgufValidator.Validate(stream, content.Length);
    }

    /// <summary>The rule IDs the whole scanner reports for a file named <paramref name="name"/>.</summary>
    public static string[] ScanIds(byte[] content, string name = "model.gguf") => ScanHelpers.Scan(content, name).Ids();

    public static string Describe(IEnumerable<FormatIssue> issues) => string.Join("\n", issues.Select(i => i.ToString()));

    public static byte[] Patch(byte[] content, int offset, params byte[] bytes)
    {
        var copy = (byte[])content.Clone();
        Array.Copy(bytes, 0, copy, offset, bytes.Length);
        return copy;
    }

    public static ContentFormat Format(byte[] content, string name) => ScanHelpers.Scan(content, name).Format;
}
