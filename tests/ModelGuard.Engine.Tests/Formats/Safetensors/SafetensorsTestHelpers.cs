using ModelGuard.Engine.Findings;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using ModelGuard.Engine.Formats.Safetensors;
using ModelGuard.TestSupport;

namespace ModelGuard.Engine.Tests.Formats.Safetensors;

internal static class SafetensorsTestHelpers
{
    public static IReadOnlyList<FormatIssue> Issues(byte[] file)
    {
        using var stream = new MemoryStream(file, writable: false);
        return SafetensorsValidator.Validate(stream, file.Length).Issues;
    }

    public static IReadOnlyList<FormatIssue> Issues(SafetensorsWriter writer) => Issues(writer.ToArray());

    /// <summary>A file whose header is exactly <paramref name="json"/> (space-padded to 8) followed by <paramref name="dataLength"/> zero bytes.</summary>
    public static byte[] File(string json, long dataLength) => new SafetensorsWriter().Header(json).DataLength(dataLength).ToArray();

    public static FormatIssue Single(this IReadOnlyList<FormatIssue> issues, string id)
    {
        var matching = issues.Where(i => i.Rule.Id == id).ToArray();
        Assert.True(matching.Length == 1, $"expected one {id} but got:\n{Describe(issues)}");
        return matching[0];
    }

    public static string[] Ids(this IReadOnlyList<FormatIssue> issues) => issues.Select(i => i.Rule.Id).ToArray();

    public static string Describe(this IReadOnlyList<FormatIssue> issues) => issues.Count == 0 ? "(no issues)" : string.Join("\n", issues.Select(i => i.ToString()));

    public static void AssertClean(IReadOnlyList<FormatIssue> issues) => Assert.True(issues.Count == 0, issues.Describe());
}
