using System;
using System.IO;
using System.Linq;
using System.Text.Json;
using System.Threading.Tasks;
using ModelGuard.Engine.Rules;
using ModelGuard.IntegrationTests.Infrastructure;
using ModelGuard.TestSupport;
using static ModelGuard.IntegrationTests.Infrastructure.BuildAssertions;

namespace ModelGuard.IntegrationTests;

/// <summary>
/// The ONNX fixtures (tests/ModelGuard.Engine.Tests/Fixtures/onnx, written by python3-onnx) through the packed package and a real
/// `dotnet build`: benign model folders build clean, every malicious or malformed one fails (or warns) with exactly the rules its
/// expected.json entry lists, an external data file the project does not ship is MG5006, and an allowed native library is not MG5030.
/// </summary>
[Collection(PackageCollection.Name)]
public sealed class OnnxEndToEndTests
{
    private static readonly string Fixtures = RepositoryRoot.Combine("tests", "ModelGuard.Engine.Tests", "Fixtures", "onnx");

    private readonly PackageFixture _fixture;

    public OnnxEndToEndTests(PackageFixture fixture) => _fixture = fixture;

    [Fact]
    public async Task Benign_onnx_folders_build_clean()
    {
        var project = _fixture.CreateProject("onnx-benign");
        var files = AddFolders(project, "benign");
        var build = await project.BuildAsync();

        Assert.True(build.ExitCode == 0, "The build should succeed. " + build.Describe());
        AssertDoesNotContain(build, " MG");
        AssertContains(build, $" in {files} file(s) looked at");
    }

    [Fact]
    public async Task Malicious_and_malformed_onnx_files_report_their_rules()
    {
        var project = _fixture.CreateProject("onnx-failing").SetProperty("ModelGuardErrorLog", "modelguard.sarif");
        AddFolders(project, "malicious");
        AddFolders(project, "malformed");
        var build = await project.BuildAsync();

        Assert.True(build.ExitCode != 0, "The build should fail. " + build.Describe());
        var sarif = ReadSarif(project, "modelguard.sarif");
        using var expectations = JsonDocument.Parse(File.ReadAllText(Path.Combine(Fixtures, "expected.json")));
        foreach (var entry in expectations.RootElement.EnumerateObject().Where(e => !e.Name.StartsWith("benign/", StringComparison.Ordinal)))
        {
            var expected = entry.Value.EnumerateArray().Select(e => e.GetString()!).OrderBy(x => x, StringComparer.Ordinal);
            var actual = sarif.Results.Where(r => r.Uri!.EndsWith("/" + entry.Name, StringComparison.Ordinal) && RuleCatalog.Find(r.RuleId)!.DefaultSeverity >= RuleSeverity.Warning)
                .Select(r => r.RuleId).Distinct().OrderBy(x => x, StringComparer.Ordinal);
            Assert.True(expected.SequenceEqual(actual), $"{entry.Name} should report [{string.Join(", ", expected)}] but reported [{string.Join(", ", actual)}]. {build.Describe()}");
        }

        AssertContains(build, "malicious/escape_dotdot/model.onnx : error MG5001:");
        AssertContains(build, "malformed/external_missing_file/model.onnx : warning MG5005:");
    }

    [Fact]
    public async Task External_data_left_out_of_the_project_is_MG5006_and_an_allowed_native_library_is_not_MG5030()
    {
        var project = _fixture.CreateProject("onnx-bundling")
            .AddFile("None", "model/model.onnx", File.ReadAllBytes(Path.Combine(Fixtures, "benign", "external_one_file", "model.onnx")))
            .AddFile("NotShipped", "model/model.onnx.data", File.ReadAllBytes(Path.Combine(Fixtures, "benign", "external_one_file", "model.onnx.data")))
            .AddFile("None", "genai/genai_config.json", File.ReadAllBytes(Path.Combine(Fixtures, "malicious", "genai_custom_ops", "genai_config.json")))
            .AddItem("<ModelGuardAllowedNativeLibrary Include=\"libcustom_ops.so\" />");
        var build = await project.BuildAsync();

        Assert.True(build.ExitCode == 0, "Warnings only: the build should succeed. " + build.Describe());
        AssertContains(build, "model/model.onnx : warning MG5006:");
        AssertContains(build, "'model/model.onnx.data'");
        AssertDoesNotContain(build, "MG5030");

        // Shipping the data file too makes the warning go away (the verdict is not cached: it depends on the data file).
        var shipped = _fixture.CreateProject("onnx-bundled")
            .AddFile("None", "model/model.onnx", File.ReadAllBytes(Path.Combine(Fixtures, "benign", "external_one_file", "model.onnx")))
            .AddFile("None", "model/model.onnx.data", File.ReadAllBytes(Path.Combine(Fixtures, "benign", "external_one_file", "model.onnx.data")));
        var clean = await shipped.BuildAsync();
        Assert.True(clean.ExitCode == 0, clean.Describe());
        AssertDoesNotContain(clean, " MG");
    }

    /// <summary>Adds every file of every fixture folder under <paramref name="kind"/> as a None item; returns how many.</summary>
    private static int AddFolders(TestProject project, string kind)
    {
        var count = 0;
        foreach (var file in Directory.EnumerateFiles(Path.Combine(Fixtures, kind), "*", SearchOption.AllDirectories).OrderBy(f => f, StringComparer.Ordinal))
        {
            var relative = Path.GetRelativePath(Fixtures, file).Replace('\\', '/');
            project.AddFile("None", relative, File.ReadAllBytes(file));
            count++;
        }

        return count;
    }
}
