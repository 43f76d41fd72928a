using System;
using System.IO;
using System.Linq;
using ModelGuard.TestSupport;

namespace ModelGuard.Engine.Tests.Formats.Gguf;

public sealed class GgufSeedFileTests
{
    public static TheoryData<string> Seeds()
    {
        var data = new TheoryData<string>();
        foreach (var name in GgufSeedFiles.All.Keys)
        {
            data.Add(name);
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(Seeds))]
    public void Committed_seed_is_the_writers_output_and_clean(string name)
    {
        var expected = AssertCommitted("written", name, GgufSeedFiles.All[name]());
        Assert.Empty(GgufTestHelpers.ScanIds(expected));
    }

    public static TheoryData<string> MalformedFiles()
    {
        var data = new TheoryData<string>();
        foreach (var name in GgufSeedFiles.Malformed.Keys)
        {
            data.Add(name);
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(MalformedFiles))]
    public void Committed_malformed_file_is_the_rule_cases_output(string name)
    {
        var expected = AssertCommitted("malformed", name, GgufSeedFiles.Malformed[name]());
        Assert.Contains(name.Substring(0, 6), GgufTestHelpers.ScanIds(expected));
    }

    /// <summary>The committed file must be <paramref name="expected"/>; MODELGUARD_UPDATE_FIXTURES=1 writes it first.</summary>
    private static byte[] AssertCommitted(string folder, string name, byte[] expected)
    {
        var committed = Path.Combine(RepositoryRoot.Combine("tests", "ModelGuard.Engine.Tests", "Fixtures", "gguf", folder), name);
        if (Environment.GetEnvironmentVariable("MODELGUARD_UPDATE_FIXTURES") == "1")
        {
            Directory.CreateDirectory(Path.GetDirectoryName(committed)!);
            File.WriteAllBytes(committed, expected);
        }

        Assert.True(File.Exists(committed), $"{committed} is missing; run the tests with MODELGUARD_UPDATE_FIXTURES=1");
        Assert.Equal(expected, File.ReadAllBytes(committed));
        return expected;
    }

    [Theory]
    [InlineData("written")]
    [InlineData("malformed")]
    public void No_committed_file_without_its_writer(string folder)
    {
        var known = folder == "written" ? GgufSeedFiles.All.Keys : GgufSeedFiles.Malformed.Keys;
        var committed = Directory.GetFiles(RepositoryRoot.Combine("tests", "ModelGuard.Engine.Tests", "Fixtures", "gguf", folder)).Select(Path.GetFileName);
        Assert.All(committed, name => Assert.Contains(name!, known));
    }
}
