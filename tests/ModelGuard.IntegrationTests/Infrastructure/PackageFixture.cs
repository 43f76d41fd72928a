using System;
using System.Collections.Generic;
using System.IO;
using System.Threading.Tasks;
using ModelGuard.TestSupport;

namespace ModelGuard.IntegrationTests.Infrastructure;

/// <summary>
/// Packs the real ModelGuard package once per test run into a private feed, and gives every test a private package
/// cache, so the projects under test restore exactly this build of the package and nothing from the machine's caches.
/// </summary>
public sealed class PackageFixture : IAsyncLifetime
{
    /// <summary>The version the tests pack and reference; never published.</summary>
    public const string Version = "0.0.0-e2e";

    private readonly System.Threading.SemaphoreSlim _toolGate = new(1, 1);
    private int _projectCounter;

    public PackageFixture()
    {
        Root = Path.Combine(Path.GetTempPath(), "modelguard-e2e", Guid.NewGuid().ToString("N").Substring(0, 12));
        Feed = Path.Combine(Root, "feed");
        Packages = Path.Combine(Root, "packages");
    }

    /// <summary>The fixture's temporary folder; everything the tests write lives below it.</summary>
    public string Root { get; }

    /// <summary>The folder feed holding the packed .nupkg.</summary>
    public string Feed { get; }

    /// <summary>NUGET_PACKAGES for the builds under test: fresh, so a stale extraction of <see cref="Version"/> can never be used.</summary>
    public string Packages { get; }

    /// <summary>The packed package.</summary>
    public string PackagePath => Path.Combine(Feed, $"ModelGuard.{Version}.nupkg");

    /// <summary>Output of the pack, for diagnosing failures.</summary>
    public ProcessResult? PackResult { get; private set; }

    public async Task InitializeAsync()
    {
        Directory.CreateDirectory(Feed);
        Directory.CreateDirectory(Packages);

        // --artifacts-path keeps this Release build out of the repository's bin/ and obj/ (and its restore out of
        // obj/project.assets.json), so packing never disturbs the developer's own build.
        PackResult = await PackAsync(RepoPaths.TasksProject).ConfigureAwait(false);

        if (PackResult.ExitCode != 0 || !File.Exists(PackagePath))
        {
            throw new InvalidOperationException($"Packing ModelGuard failed; no test can run. {PackResult.Describe()}");
        }
    }

    /// <summary>
    /// Packs the <c>modelguard</c> dotnet tool (ModelGuard.Cli) into <see cref="Feed"/> the first time a test asks, the same way as
    /// the build package; the tests that need it share the one pack.
    /// </summary>
    public async Task<string> PackToolAsync()
    {
        await _toolGate.WaitAsync().ConfigureAwait(false);
        try
        {
            var package = Path.Combine(Feed, $"ModelGuard.Cli.{Version}.nupkg");
            if (!File.Exists(package))
            {
                var pack = await PackAsync(RepoPaths.CliProject).ConfigureAwait(false);
                if (pack.ExitCode != 0 || !File.Exists(package))
                {
                    throw new InvalidOperationException($"Packing the modelguard tool failed. {pack.Describe()}");
                }
            }

            return package;
        }
        finally
        {
            _toolGate.Release();
        }
    }

    private Task<ProcessResult> PackAsync(string project)
        => ProcessRunner.RunAsync(
            ProcessRunner.DotnetPath,
            new[]
            {
                "pack", project, "-c", "Release", "-o", Feed, $"-p:Version={Version}", "--nologo",
                "--artifacts-path", Path.Combine(Root, "artifacts"), "-nodeReuse:false", "--disable-build-servers",
                "-p:UseSharedCompilation=false",
            },
            RepoPaths.Root);

    public Task DisposeAsync()
    {
        _toolGate.Dispose();
        if (Environment.GetEnvironmentVariable("MODELGUARD_KEEP_E2E") is null or "" or "0")
        {
            try
            {
                Directory.Delete(Root, recursive: true);
            }
            catch (IOException)
            {
                // Best effort: a leftover temp folder is not a test failure.
            }
            catch (UnauthorizedAccessException)
            {
            }
        }

        return Task.CompletedTask;
    }

    /// <summary>Creates an isolated folder for one consumer project: its own nuget.config and empty Directory.Build.* files.</summary>
    public TestProject CreateProject(string name)
    {
        var dir = Path.Combine(Root, "projects", $"{System.Threading.Interlocked.Increment(ref _projectCounter):D2}-{name}");
        ConsumerFolder.Isolate(dir, "modelguard-e2e", Feed);
        return new TestProject(this, dir);
    }

    internal IReadOnlyDictionary<string, string?> BuildEnvironment => new Dictionary<string, string?>
    {
        ["NUGET_PACKAGES"] = Packages,
        ["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1",
        ["MSBUILDDISABLENODEREUSE"] = "1",
    };
}

/// <summary>The xunit collection that shares one packed package between all end-to-end tests.</summary>
[CollectionDefinition(Name)]
public sealed class PackageCollection : ICollectionFixture<PackageFixture>
{
    public const string Name = "ModelGuard package";
}
