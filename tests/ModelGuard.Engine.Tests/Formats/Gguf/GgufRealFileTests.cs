using System;
using System.IO;
using System.Linq;
using ModelGuard.Engine.Scanning;

namespace ModelGuard.Engine.Tests.Formats.Gguf;

/// <summary>GGUF files real tools wrote (Fixtures/gguf/real, see SOURCE.md there) must be GGUF and clean, whatever their name.</summary>
public sealed class GgufRealFileTests
{
    public static TheoryData<string> RealFiles()
    {
        var data = new TheoryData<string>();
        foreach (var path in Directory.GetFiles(Path.Combine(AppContext.BaseDirectory, "Fixtures", "gguf", "real"), "*.gguf").OrderBy(p => p, StringComparer.Ordinal))
        {
            data.Add(Path.GetFileName(path));
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(RealFiles))]
    public void A_real_file_is_clean(string name)
    {
        var path = Path.Combine(AppContext.BaseDirectory, "Fixtures", "gguf", "real", name);
        var result = new ModelScanner().ScanFile(path);
        Assert.Equal(ContentFormat.Gguf, result.Format);
        Assert.True(result.Findings.Count == 0, string.Join("\n", result.Findings));
        Assert.Empty(GgufTestHelpers.ScanIds(File.ReadAllBytes(path), "tokenizer.bin"));
    }

    [Fact]
    public void The_real_files_are_there() => Assert.True(RealFiles().Count >= 3);
}
