using System;
using System.Threading.Tasks;
using ModelGuard.IntegrationTests.Infrastructure;
using static ModelGuard.IntegrationTests.Infrastructure.BuildAssertions;
using ModelGuard.TestSupport;

namespace ModelGuard.IntegrationTests;

/// <summary>
/// A project that references the packed ModelGuard package and bundles model files is built with `dotnet build`;
/// the build's exit code and output are what a user sees.
/// </summary>
[Collection(PackageCollection.Name)]
public sealed class EndToEndTests
{
    private readonly PackageFixture _fixture;

    public EndToEndTests(PackageFixture fixture) => _fixture = fixture;

    [Fact]
    public async Task MaliciousCheckpointFailsTheBuild()
    {
        var build = await _fixture.CreateProject("evil-checkpoint")
            .AddFile("None", "models/evil.pt", TorchCheckpointWriter.Malicious("echo pwned"))
            .BuildAsync();

        Assert.True(build.ExitCode != 0, "The build should fail. " + build.Describe());
        AssertContains(build, "models/evil.pt : error MG1001:");
        AssertContains(build, "data.pkl");
        AssertContains(build, "os.system");
    }

    [Fact]
    public async Task BenignCheckpointBuildsClean()
    {
        var build = await _fixture.CreateProject("good-checkpoint")
            .AddFile("None", "models/good.pt", TorchCheckpointWriter.Benign("weight", "bias"))
            .BuildAsync();

        Assert.True(build.ExitCode == 0, "The build should succeed. " + build.Describe());
        AssertDoesNotContain(build, " MG1");
        // Proves the package is wired up and the file was really scanned, not silently skipped.
        AssertContains(build, "ModelGuard: 1 model(s) in 1 file(s) looked at (");
        AssertContains(build, "from cache): 0 error(s), 0 warning(s)");
    }

    [Fact]
    public async Task DotnetBuildLoadsTheReadyToRunTaskOnLinuxX64Only()
    {
        var build = await _fixture.CreateProject("task-folder")
            .AddFile("None", "models/evil.pt", TorchCheckpointWriter.Malicious("echo pwned"))
            .BuildAsync("-v:d");

        // The precompiled task reports exactly what the IL one does.
        Assert.True(build.ExitCode != 0, "The build should fail. " + build.Describe());
        AssertContains(build, "models/evil.pt : error MG1001:");
        var folder = System.Runtime.InteropServices.RuntimeInformation.RuntimeIdentifier == "linux-x64" ? "net8.0-linux-x64" : "net8.0";
        AssertContains(build, $"/tasks/{folder}/ModelGuard.Tasks.dll".Replace('/', System.IO.Path.DirectorySeparatorChar));
        AssertDoesNotContain(build, "out-of-process");
    }

    [Fact]
    public async Task ConsoleAppBuildsCleanAlthoughItsApphostIsListedBeforeItIsWritten()
    {
        // The SDK adds obj/.../apphost to @(None) before it creates it; a missing file anywhere else is MG9002.
        var project = _fixture.CreateProject("console-app")
            .SetProperty("OutputType", "Exe")
            .WriteFile("Program.cs", "System.Console.WriteLine(\"hello\");\n")
            .AddFile("None", "models/good.pt", TorchCheckpointWriter.Benign("weight"));

        var first = await project.BuildAsync();
        Assert.True(first.ExitCode == 0, "The first build should succeed. " + first.Describe());
        AssertDoesNotContain(first, "MG9002");
        AssertContains(first, "ModelGuard: 1 model(s) in 1 file(s) looked at");

        // Once the apphost exists, it is an ordinary file and is looked at like any other, but it is not counted as a model.
        var second = await project.BuildAsync();
        Assert.True(second.ExitCode == 0, second.Describe());
        AssertContains(second, "ModelGuard: 1 model(s) in 2 file(s) looked at");
    }

    [Fact]
    public async Task PickleDisguisedAsImageIsCaught()
    {
        var pickle = new PickleWriter().Proto(2).CallWithString("os", "system", "echo pwned").Stop().ToArray();
        var build = await _fixture.CreateProject("disguised-pickle")
            .AddFile("Content", "photo.png", pickle)
            .BuildAsync();

        Assert.True(build.ExitCode != 0, "The build should fail. " + build.Describe());
        AssertContains(build, "photo.png : error MG1001:");
    }

    [Fact]
    public async Task ModelGuardEnabledFalseSkipsTheScan()
    {
        var build = await _fixture.CreateProject("disabled")
            .SetProperty("ModelGuardEnabled", "false")
            .AddFile("None", "models/evil.pt", TorchCheckpointWriter.Malicious())
            .BuildAsync();

        Assert.True(build.ExitCode == 0, "The build should succeed. " + build.Describe());
        AssertDoesNotContain(build, " MG1");
        AssertDoesNotContain(build, "file(s) looked at");
    }

    [Fact]
    public async Task NoWarnSuppressesTheRule()
    {
        var build = await _fixture.CreateProject("nowarn")
            .SetProperty("NoWarn", "$(NoWarn);MG1001")
            .AddFile("None", "models/evil.pt", TorchCheckpointWriter.Malicious())
            .BuildAsync();

        Assert.True(build.ExitCode == 0, "The build should succeed. " + build.Describe());
        // "MG1001" itself does appear: in the csc command line's /nowarn list.
        AssertDoesNotContain(build, "error MG1001");
        AssertDoesNotContain(build, "warning MG1001");
        AssertContains(build, " in 1 file(s) looked at (");
        AssertContains(build, "from cache): 0 error(s), 0 warning(s)");
    }
}
