using System;
using System.Collections.Generic;
using System.IO;
using System.IO.Compression;
using System.Linq;
using System.Reflection.Metadata;
using System.Reflection.PortableExecutable;
using System.Runtime.InteropServices;
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

    [Fact]
    public async Task ReadyToRunImagesShipBesideTheILAndLoadOnLinuxX64()
    {
        var package = await _fixture.PackToolAsync();
        using (var zip = ZipFile.OpenRead(package))
        {
            foreach (var framework in new[] { "net8.0", "net10.0" })
            {
                var folder = $"tools/{framework}/any/";
                var deps = ReadText(zip, folder + "modelguard.deps.json");
                foreach (var name in new[] { "modelguard.dll", "ModelGuard.Engine.dll", "ModelGuard.Hosting.dll" })
                {
                    // The IL everywhere, the image for linux-x64 only (a runtime refuses an image compiled for another platform).
                    var image = $"runtimes/linux-x64/lib/{framework}/{name}";
                    using var il = new PEReader(new MemoryStream(ReadBytes(zip, folder + name)));
                    using var r2r = new PEReader(new MemoryStream(ReadBytes(zip, folder + image)));
                    Assert.Equal(0, il.PEHeaders.CorHeader!.ManagedNativeHeaderDirectory.Size);
                    Assert.True(r2r.PEHeaders.CorHeader!.ManagedNativeHeaderDirectory.Size > 0, image + " is not a ReadyToRun image");
                    Assert.Equal((Machine)(0x8664 ^ 0x7B79), r2r.PEHeaders.CoffHeader.Machine);
                    Assert.Equal(Mvid(il), Mvid(r2r));
                    Assert.Contains($"\"runtimeTargets\": {{ \"{image}\": {{ \"rid\": \"linux-x64\", \"assetType\": \"runtime\" }} }}", deps, StringComparison.Ordinal);
                }
            }
        }

        var tools = Path.Combine(_fixture.Root, "tool-path-readytorun");
        var install = await Dotnet(_fixture.Root, "tool", "install", "ModelGuard.Cli", "--version", PackageFixture.Version, "--tool-path", tools, "--configfile", FeedConfig());
        Assert.True(install.ExitCode == 0, install.Describe());
        var model = Path.Combine(_fixture.Root, "readytorun-benign.pt");
        File.WriteAllBytes(model, TorchCheckpointWriter.Benign());
        var jitLog = Path.Combine(_fixture.Root, "readytorun-jit.txt");
        var environment = new Dictionary<string, string?>(ToolEnvironment) { ["DOTNET_JitStdOutFile"] = jitLog, ["DOTNET_JitDisasmSummary"] = "1" };

        var scan = await ProcessRunner.RunAsync(Path.Combine(tools, OperatingSystem.IsWindows() ? "modelguard.exe" : "modelguard"), new[] { "scan", model }, _fixture.Root, environment);

        Assert.True(scan.ExitCode == 0, scan.Describe());
        var compiled = File.ReadAllLines(jitLog).Count(l => l.Contains(" ModelGuard.", StringComparison.Ordinal));
        if (RuntimeInformation.RuntimeIdentifier == "linux-x64")
        {
            // From the IL, a scan JIT compiles about 470 of ModelGuard's methods; with the images only generic instantiations remain.
            Assert.True(compiled < 25, $"{compiled} ModelGuard methods were JIT compiled: the ReadyToRun images were not loaded. {scan.Describe()}");
        }
        else
        {
            Assert.True(compiled > 100, $"only {compiled} ModelGuard methods were JIT compiled on {RuntimeInformation.RuntimeIdentifier}, which should run the IL");
        }

        static Guid Mvid(PEReader pe) => pe.GetMetadataReader().GetGuid(pe.GetMetadataReader().GetModuleDefinition().Mvid);
    }

    private static byte[] ReadBytes(ZipArchive zip, string name)
    {
        var entry = zip.GetEntry(name);
        Assert.True(entry is not null, name + " is not in the tool package");
        using var memory = new MemoryStream();
        using (var stream = entry!.Open())
        {
            stream.CopyTo(memory);
        }

        return memory.ToArray();
    }

    private static string ReadText(ZipArchive zip, string name) => System.Text.Encoding.UTF8.GetString(ReadBytes(zip, name));

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
