using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Threading.Tasks;
using ModelGuard.IntegrationTests.Infrastructure;
using ModelGuard.TestSupport;
using static ModelGuard.IntegrationTests.Infrastructure.BuildAssertions;

namespace ModelGuard.IntegrationTests;

/// <summary>
/// The way a maintainer releases, as the README's "Building the package" section says: a fresh clone of this repository's
/// HEAD, a plain <c>dotnet pack Analyzers.sln -c Release</c> run from another working directory (no <c>--artifacts-path</c>,
/// no extra properties), and a consumer that restores the result from the clone's <c>bin/</c> folder. One pack, one build.
/// Uncommitted changes are not in the clone: this checks what a commit releases.
/// </summary>
public sealed class ReleasePathTests : IDisposable
{
    private readonly string _root = Path.Combine(Path.GetTempPath(), "modelguard-release", Guid.NewGuid().ToString("N").Substring(0, 12));

    public ReleasePathTests() => Directory.CreateDirectory(_root);

    public void Dispose()
    {
        if (Environment.GetEnvironmentVariable("MODELGUARD_KEEP_E2E") is null or "" or "0")
        {
            try
            {
                Directory.Delete(_root, recursive: true);
            }
            catch (IOException)
            {
                // Best effort: a leftover temp folder is not a test failure.
            }
            catch (UnauthorizedAccessException)
            {
            }
        }
    }

    [Fact]
    public async Task FreshClonePacksWithPlainDotnetPackAndTheResultFailsAMaliciousBuild()
    {
        var clone = Path.Combine(_root, "clone");
        var head = await RunOrFail("git", new[] { "-C", RepoPaths.Root, "rev-parse", "HEAD" }, _root);
        await RunOrFail("git", new[] { "clone", "--quiet", "--no-checkout", RepoPaths.Root, clone }, _root);
        await RunOrFail("git", new[] { "-C", clone, "checkout", "--quiet", "--detach", head.Output.Trim() }, _root);

        // From the temp folder, not the clone: packing must not depend on the working directory.
        var pack = await RunOrFail(ProcessRunner.DotnetPath, new[] { "pack", Path.Combine(clone, "Analyzers.sln"), "-c", "Release", "-nodeReuse:false", "--disable-build-servers", "--nologo" }, _root);

        var feed = Path.Combine(clone, "src", "ModelGuard.Tasks", "bin", "Release");
        var package = Directory.GetFiles(feed, "ModelGuard.*.nupkg").SingleOrDefault();
        Assert.True(package is not null, "No ModelGuard package in " + feed + ". " + pack.Describe());
        var version = Path.GetFileNameWithoutExtension(package).Substring("ModelGuard.".Length);
        var toolFeed = Path.Combine(clone, "src", "ModelGuard.Cli", "bin", "Release");
        Assert.True(File.Exists(Path.Combine(toolFeed, $"ModelGuard.Cli.{version}.nupkg")), "The solution pack did not produce the tool package. " + pack.Describe());

        var consumer = Path.Combine(_root, "consumer");
        ConsumerFolder.Isolate(consumer, "release", feed);
        File.WriteAllText(Path.Combine(consumer, "Consumer.csproj"), $"""
            <Project Sdk="Microsoft.NET.Sdk">
              <PropertyGroup>
                <TargetFramework>net10.0</TargetFramework>
              </PropertyGroup>
              <ItemGroup>
                <PackageReference Include="ModelGuard" Version="{version}" PrivateAssets="all" />
                <Content Include="models/**" CopyToOutputDirectory="PreserveNewest" />
              </ItemGroup>
            </Project>
            """);
        Directory.CreateDirectory(Path.Combine(consumer, "models"));
        File.WriteAllBytes(Path.Combine(consumer, "models", "evil.pt"), TorchCheckpointWriter.Malicious("echo pwned"));

        // A private package cache: a ModelGuard of the same version extracted by an earlier run must not be used.
        var environment = new Dictionary<string, string?> { ["NUGET_PACKAGES"] = Path.Combine(_root, "packages") };
        var build = await ProcessRunner.RunAsync(
            ProcessRunner.DotnetPath,
            new[] { "build", Path.Combine(consumer, "Consumer.csproj"), "-nodeReuse:false", "--disable-build-servers", "-p:UseSharedCompilation=false", "-tl:off", "--nologo" },
            consumer,
            environment);

        Assert.True(build.ExitCode != 0, "The build should fail. " + build.Describe());
        AssertContains(build, "models/evil.pt : error MG1001:");
    }

    private static async Task<ProcessResult> RunOrFail(string fileName, string[] arguments, string workingDirectory)
    {
        var result = await ProcessRunner.RunAsync(fileName, arguments, workingDirectory, timeout: TimeSpan.FromMinutes(8));
        Assert.True(result.ExitCode == 0, result.Describe());
        return result;
    }
}
