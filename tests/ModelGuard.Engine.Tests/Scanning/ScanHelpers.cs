using System.IO;
using System.Linq;
using ModelGuard.Engine.Findings;
using ModelGuard.Engine.Scanning;

namespace ModelGuard.Engine.Tests.Scanning;

internal static class ScanHelpers
{
    public static ScanResult Scan(byte[] content, string name = "model.bin")
    {
        using var stream = new MemoryStream(content, writable: false);
        return new ModelScanner().Scan(stream, name);
    }

    public static string[] Ids(this ScanResult result) => result.Findings.Select(f => f.Rule.Id).ToArray();

    public static Finding Single(this ScanResult result, string id)
    {
        var matching = result.Findings.Where(f => f.Rule.Id == id).ToArray();
        Assert.True(matching.Length == 1, $"expected one {id} but got:\n{Describe(result)}");
        return matching[0];
    }

    public static string Describe(this ScanResult result) => string.Join("\n", result.Findings.Select(f => f.ToString()));
}
