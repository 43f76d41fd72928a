using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Text.Json;
using System.Threading.Tasks;
using ModelGuard.IntegrationTests.Infrastructure;
using ModelGuard.TestSupport;
using static ModelGuard.IntegrationTests.Infrastructure.BuildAssertions;

namespace ModelGuard.IntegrationTests;

/// <summary>
/// The <c>modelguard</c> dotnet tool as a user gets it: packed from the repository, installed with <c>dotnet tool install</c> from a
/// local feed (a tool path and a local tool manifest), run as a separate process. Its findings are compared with the build's.
/// </summary>
[Collection(PackageCollection.Name)]
public sealed class ToolEndToEndTests
{

    private readonly PackageFixture _fixture;

    public ToolEndToEndTests(PackageFixture fixture) => _fixture = fixture;

    [Fact]
    public async Task InstalledToolReportsWhatTheBuildReportsInEveryFormat()
    {
        await _fixture.PackToolAsync();
        var tools = Path.Combine(_fixture.Root, "tool-path");
        var install = await Dotnet(_fixture.Root, "tool", "install", "ModelGuard.Cli", "--version", PackageFixture.Version, "--tool-path", tools, "--configfile", FeedConfig());
        Assert.True(install.ExitCode == 0, install.Describe());
        var modelguard = Path.Combine(tools, OperatingSystem.IsWindows() ? "modelguard.exe" : "modelguard");

        // One folder, configured as a project would be: the build and the tool see the same files and the same .editorconfig.
        var project = _fixture.CreateProject("tool-parity")
            .SetProperty("NoWarn", "$(NoWarn);MG1003")
            .SetProperty("ModelGuardErrorLog", "obj/modelguard.sarif")
            .WriteFile(".editorconfig", "root = true\n\n[*.pkl]\ndotnet_diagnostic.MG1002.severity = warning\n")
            .WriteFile("models/legacy/.editorconfig", "[*.pkl]\ndotnet_diagnostic.MG1002.severity = none\n")
            .WriteFile("bulk/.editorconfig", "[*]\ndotnet_analyzer_diagnostic.category-ModelGuard.Pickle.severity = warning\n")
            .AddFile("None", "models/custom.pkl", TestPickles.Custom)
            .AddFile("None", "models/legacy/custom.pkl", TestPickles.Custom)
            .AddFile("None", "models/broken.pkl", TestPickles.Truncated)
            .AddFile("None", "models/evil.pt", TorchCheckpointWriter.Malicious())
            .AddFile("None", "models/good.pt", TorchCheckpointWriter.Benign())
            .AddFile("None", "bulk/evil.pickle", TestPickles.Evil)
            .AddFile("None", "weights/model.safetensors", new SafetensorsWriter().Tensor("w", "F32", 4).ToArray())
            .AddFile("None", "weights/trailing.safetensors", new SafetensorsWriter().Tensor("w", "F32", 4).Trailing(new byte[3]).ToArray());
        var build = await project.BuildAsync();
        Assert.True(build.ExitCode != 0, "models/evil.pt fails the build. " + build.Describe());
        var fromBuild = ReadSarif(project, "obj/modelguard.sarif");

        var sarif = await ProcessRunner.RunAsync(modelguard, new[] { "scan", "models", "bulk", "weights", "--no-warn", "MG1003", "--format", "sarif", "--output", "tool.sarif" }, project.Directory);
        Assert.True(sarif.ExitCode == 1, sarif.Describe());
        var fromTool = ReadSarif(project, "tool.sarif");
        Assert.Equal(Describe(fromBuild), Describe(fromTool));
        Assert.Contains(fromTool.Results, r => r.RuleId == "MG1001" && r.Level == "error");
        Assert.Contains(fromTool.Results, r => r.RuleId == "MG1001" && r.Level == "warning"); // bulk/: category key
        Assert.Contains(fromTool.Results, r => r.RuleId == "MG1003" && r.Suppressed);

        var text = await ProcessRunner.RunAsync(modelguard, new[] { "scan", "models", "bulk", "weights", "--no-warn", "MG1003" }, project.Directory);
        Assert.Equal(1, text.ExitCode);
        foreach (var line in build.Output.Split('\n').Where(l => l.Contains(" MG", StringComparison.Ordinal) && (l.Contains(": error MG", StringComparison.Ordinal) || l.Contains(": warning MG", StringComparison.Ordinal))))
        {
            // "models/evil.pt : error MG1001: message [project]" in the build; the tool prints the same up to the help link.
            var diagnostic = System.Text.RegularExpressions.Regex.Replace(line.Trim(), "^[0-9]+>", string.Empty);
            diagnostic = diagnostic.Substring(0, diagnostic.LastIndexOf(" [", StringComparison.Ordinal));
            Assert.Contains(diagnostic, text.Output, StringComparison.Ordinal);
        }

        var json = await ProcessRunner.RunAsync(modelguard, new[] { "scan", "models", "bulk", "weights", "--no-warn", "MG1003", "--format", "json", "--quiet" }, project.Directory);
        Assert.Equal(1, json.ExitCode);
        using (var document = JsonDocument.Parse(json.Output))
        {
            var findings = document.RootElement.GetProperty("findings").EnumerateArray()
                .Select(f => $"{f.GetProperty("rule").GetString()} {f.GetProperty("file").GetString()} {f.GetProperty("severity").GetString()}")
                .OrderBy(s => s, StringComparer.Ordinal);
            var expected = fromBuild.Results.Select(r => $"{r.RuleId} {Relative(project, r.Uri!)} {(r.Suppressed ? "none" : r.Level)}").OrderBy(s => s, StringComparer.Ordinal);
            Assert.Equal(expected, findings);
        }

        var github = await ProcessRunner.RunAsync(modelguard, new[] { "scan", "models/evil.pt", "--format", "github", "--quiet" }, project.Directory);
        Assert.Equal(1, github.ExitCode);
        Assert.StartsWith("::error file=models/evil.pt,title=MG1001::MG1001: ", github.Output, StringComparison.Ordinal);

        var clean = await ProcessRunner.RunAsync(modelguard, new[] { "scan", "models/good.pt", "weights/model.safetensors" }, project.Directory);
        Assert.True(clean.ExitCode == 0, clean.Describe());
    }

    [Fact]
    public async Task InstallsIntoALocalToolManifest()
    {
        await _fixture.PackToolAsync();
        var repo = Path.Combine(_fixture.Root, "manifest-repo");
        Directory.CreateDirectory(repo);
        var manifest = await Dotnet(repo, "new", "tool-manifest");
        Assert.True(manifest.ExitCode == 0, manifest.Describe());
        var install = await Dotnet(repo, "tool", "install", "ModelGuard.Cli", "--version", PackageFixture.Version, "--local", "--configfile", FeedConfig());
        Assert.True(install.ExitCode == 0, install.Describe());

        var version = await Dotnet(repo, "tool", "run", "modelguard", "--version");
        Assert.True(version.ExitCode == 0, version.Describe());
        Assert.StartsWith(PackageFixture.Version + "+", version.Output.Trim(), StringComparison.Ordinal);

        // A global install lands in $DOTNET_CLI_HOME/.dotnet/tools, a private folder here.
        var global = await Dotnet(repo, "tool", "install", "--global", "ModelGuard.Cli", "--version", PackageFixture.Version, "--configfile", FeedConfig());
        Assert.True(global.ExitCode == 0, global.Describe());
        var installed = await ProcessRunner.RunAsync(Path.Combine(CliHome, ".dotnet", "tools", OperatingSystem.IsWindows() ? "modelguard.exe" : "modelguard"), new[] { "--version" }, repo, ToolEnvironment);
        Assert.True(installed.ExitCode == 0, installed.Describe());
    }

    private static string Describe(SarifFile log)
        => string.Join("\n", log.Results.Select(r => $"{r.RuleId} {r.Level} {r.Uri} {r.ArchiveMember} {r.ByteOffset} {r.Suppressed}").OrderBy(s => s, StringComparer.Ordinal));

    private static string Relative(TestProject project, string uri)
        => Path.GetRelativePath(project.Directory, new Uri(uri).LocalPath);

    private string FeedConfig()
    {
        var folder = Path.Combine(_fixture.Root, "tool-feed-config");
        ConsumerFolder.Isolate(folder, "modelguard-e2e", _fixture.Feed);
        return Path.Combine(folder, "nuget.config");
    }

    /// <summary>
    /// The dotnet CLI's home for these tests: `dotnet tool` keeps a resolver cache and global tools under it, shared by every run
    /// on the machine otherwise (a cache entry left by an earlier run of the same version points at a deleted folder).
    /// </summary>
    private string CliHome => Path.Combine(_fixture.Root, "cli-home");

    private Dictionary<string, string?> ToolEnvironment => new(_fixture.BuildEnvironment) { ["DOTNET_CLI_HOME"] = CliHome };

    private Task<ProcessResult> Dotnet(string directory, params string[] arguments)
        => ProcessRunner.RunAsync(ProcessRunner.DotnetPath, arguments, directory, ToolEnvironment);
}
