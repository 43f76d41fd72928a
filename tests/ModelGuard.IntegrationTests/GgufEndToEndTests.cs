using System;
using System.IO;
using System.Linq;
using System.Threading.Tasks;
using ModelGuard.Engine.Rules;
using ModelGuard.IntegrationTests.Infrastructure;
using ModelGuard.TestSupport;
using static ModelGuard.IntegrationTests.Infrastructure.BuildAssertions;

namespace ModelGuard.IntegrationTests;

/// <summary>
/// GGUF through the real package and a real `dotnet build`: every committed malformed file (one per rule case, named after
/// its rule) and a malicious chat template fail with their rule; the real and written GGUF files build clean.
/// </summary>
[Collection(PackageCollection.Name)]
public sealed class GgufEndToEndTests
{
    private readonly PackageFixture _fixture;

    public GgufEndToEndTests(PackageFixture fixture) => _fixture = fixture;

    private static string Fixtures(string folder) => RepositoryRoot.Combine("tests", "ModelGuard.Engine.Tests", "Fixtures", "gguf", folder);

    [Fact]
    public async Task Every_gguf_rule_fails_its_file_in_a_real_build()
    {
        var project = _fixture.CreateProject("gguf-failing").SetProperty("ModelGuardErrorLog", "modelguard.sarif");
        var files = Directory.GetFiles(Fixtures("malformed"), "*.gguf").OrderBy(f => f, StringComparer.Ordinal).ToList();
        foreach (var file in files)
        {
            project.AddFile("None", "models/" + Path.GetFileName(file), File.ReadAllBytes(file));
        }

        var malicious = GgufWriter.Typical("{{ cycler.__init__.__globals__.os.popen('id').read() }}").ToArray();
        project.AddFile("Content", "models/chat-model.bin", malicious);

        var build = await project.BuildAsync();

        Assert.True(build.ExitCode != 0, "The build should fail. " + build.Describe());
        var sarif = ReadSarif(project, "modelguard.sarif");
        foreach (var file in files.Select(Path.GetFileName))
        {
            var rule = file!.Substring(0, 6);
            var rules = sarif.Results.Where(r => r.Uri!.EndsWith("/models/" + file, StringComparison.Ordinal)).Select(r => r.RuleId).Distinct().ToList();
            Assert.True(rules.Contains(rule), $"{file} should report {rule} but reported [{string.Join(", ", rules)}]. {build.Describe()}");
        }

        AssertContains(build, "models/chat-model.bin : error MG6018:");
        var covered = files.Select(f => Path.GetFileName(f).Substring(0, 6)).ToHashSet();
        Assert.All(RuleCatalog.All.Where(r => r.Category == RuleCategories.Gguf).Select(r => r.Id), id => Assert.Contains(id, covered));
    }

    [Fact]
    public async Task Real_and_written_gguf_files_build_clean()
    {
        var project = _fixture.CreateProject("gguf-valid");
        var files = Directory.GetFiles(Fixtures("real"), "*.gguf").Concat(Directory.GetFiles(Fixtures("written"), "*.gguf")).ToList();
        foreach (var file in files)
        {
            project.AddFile("None", "models/" + Path.GetFileName(file), File.ReadAllBytes(file));
        }

        project.AddFile("Content", "models/llama-named.bin", GgufWriter.Typical().ToArray());
        var build = await project.BuildAsync();

        Assert.True(build.ExitCode == 0, "The build should succeed. " + build.Describe());
        AssertDoesNotContain(build, " MG6");
        AssertDoesNotContain(build, " MG3");
        AssertContains(build, $" in {files.Count + 1} file(s) looked at");
    }
}
