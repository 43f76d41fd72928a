using System;
using System.IO;
using System.Linq;
using System.Threading.Tasks;
using ModelGuard.Engine.Scanning;
using ModelGuard.IntegrationTests.Infrastructure;
using ModelGuard.TestSupport;

namespace ModelGuard.IntegrationTests;

/// <summary>
/// The real consumer, live: llama.cpp as LLamaSharp 0.30.0 ships it (tests/ModelGuard.LlamaCppProbe, a child process per
/// file) reads the header and loads the vocabulary of every benign GGUF fixture ModelGuard passes, and refuses a malformed
/// one ModelGuard flags. The recorded table over thousands of mutations is replayed in the engine tests.
/// </summary>
public sealed class LlamaCppConsumerTests
{
    private static string Fixtures(string folder) => RepositoryRoot.Combine("tests", "ModelGuard.Engine.Tests", "Fixtures", "gguf", folder);

    public static TheoryData<string> BenignFiles()
    {
        var data = new TheoryData<string>();
        foreach (var path in Directory.GetFiles(Fixtures("real"), "*.gguf").Concat(Directory.GetFiles(Fixtures("written"), "*.gguf")).OrderBy(p => p, StringComparer.Ordinal))
        {
            data.Add(Path.GetFileName(Path.GetDirectoryName(path)!) + "/" + Path.GetFileName(path));
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(BenignFiles))]
    public async Task A_benign_file_loads_in_llama_cpp_and_passes_ModelGuard(string name)
    {
        var path = Path.Combine(RepositoryRoot.Combine("tests", "ModelGuard.Engine.Tests", "Fixtures", "gguf"), name);
        Assert.Empty(new ModelScanner().ScanFile(path).Findings);
        Assert.Equal("OK", await Probe("header", path));
        Assert.StartsWith("OK tokens=", await Probe("vocab", path), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_malformed_file_llama_cpp_refuses_is_flagged()
    {
        var path = Path.Combine(Fixtures("malformed"), "MG6007-duplicate-tensor-name.gguf");
        Assert.Contains(new ModelScanner().ScanFile(path).Findings, f => f.Rule.Id == "MG6007");
        Assert.Equal("REJECT", await Probe("header", path));
    }

    private static async Task<string> Probe(string mode, string file)
    {
        var configuration = new DirectoryInfo(AppContext.BaseDirectory).Parent!.Name;
        var probe = RepositoryRoot.Combine("tests", "ModelGuard.LlamaCppProbe", "bin", configuration, "net10.0", "ModelGuard.LlamaCppProbe.dll");
        Assert.True(File.Exists(probe), $"{probe} was not built");
        var result = await ProcessRunner.RunAsync(ProcessRunner.DotnetPath, new[] { probe, mode, file }, Path.GetDirectoryName(probe)!, timeout: TimeSpan.FromSeconds(60));
        var verdict = result.Output.Split('\n').Select(l => l.Trim()).LastOrDefault(l => l.StartsWith("OK", StringComparison.Ordinal) || l.StartsWith("REJECT", StringComparison.Ordinal));
        Assert.True(result.ExitCode == 0 && verdict is not null, result.Describe());
        return verdict!;
    }
}
