using System;
using System.IO;
using System.Linq;
using System.Threading.Tasks;
using ModelGuard.Engine.Integrity;
using ModelGuard.IntegrationTests.Infrastructure;

namespace ModelGuard.IntegrationTests.Integrity;

/// <summary>
/// `dotnet build -m` of a solution whose projects link one model and share one lock file (<c>ModelGuardLockFile</c>): the
/// projects read and replace it from parallel MSBuild nodes, and it is never torn (no MG4004), never left half-written, and
/// always ends with the model's current hash.
/// </summary>
[Collection(PackageCollection.Name)]
public sealed class LockFileParallelBuildTests
{
    private static readonly string[] Projects = { "LockA", "LockB", "LockC" };

    private readonly PackageFixture _fixture;

    public LockFileParallelBuildTests(PackageFixture fixture) => _fixture = fixture;

    [Fact]
    public async Task Parallel_builds_sharing_a_lock_file_never_corrupt_it()
    {
        var root = _fixture.CreateProject("lock-parallel").Directory;
        var model = Path.Combine(root, "shared", "model.safetensors");
        var lockPath = Path.Combine(root, ModelLockFile.FileName);
        Directory.CreateDirectory(Path.GetDirectoryName(model)!);
        foreach (var name in Projects)
        {
            new TestProject(_fixture, Path.Combine(root, name), name)
                .SetProperty("ModelGuardUseLockFile", "true")
                .SetProperty("ModelGuardLockFile", "../" + ModelLockFile.FileName)
                .AddItem("""<None Include="../shared/model.safetensors" Link="models/model.safetensors" />""")
                .Write();
        }

        var solution = SolutionFile.Write(root, Projects);

        // 1. No lock yet: every project writes the same one at once.
        File.WriteAllBytes(model, LockCommandTests.Safetensors(1));
        var first = await SolutionFile.BuildAsync(_fixture, solution, root);
        AssertClean(first, lockPath);
        var firstLock = File.ReadAllText(lockPath);

        // 2. The model changes: every project updates the shared lock to the same new content.
        File.WriteAllBytes(model, LockCommandTests.Safetensors(2));
        var second = await SolutionFile.BuildAsync(_fixture, solution, root);
        AssertClean(second, lockPath);
        Assert.NotEqual(firstLock, File.ReadAllText(lockPath));
        Assert.Contains("MG4005", second.Output, StringComparison.Ordinal);

        // 3. Swapped once more, locked: every project fails with MG4001 and the lock stays as it was.
        var secondLock = File.ReadAllText(lockPath);
        File.WriteAllBytes(model, LockCommandTests.Safetensors(3));
        var locked = await SolutionFile.BuildAsync(_fixture, solution, root, "-p:ModelGuardLockedMode=true");
        Assert.True(locked.ExitCode != 0, locked.Describe());
        foreach (var name in Projects)
        {
            Assert.True(
                locked.Output.Split('\n').Any(l => l.Contains("error MG4001", StringComparison.Ordinal) && l.Contains(name + ".csproj", StringComparison.Ordinal)),
                $"{name} did not report MG4001. {locked.Describe()}");
        }

        Assert.DoesNotContain("MG4004", locked.Output, StringComparison.Ordinal);
        Assert.Equal(secondLock, File.ReadAllText(lockPath));
    }

    private static void AssertClean(ProcessResult build, string lockPath)
    {
        Assert.True(build.ExitCode == 0, build.Describe());
        Assert.DoesNotContain("MG4004", build.Output, StringComparison.Ordinal);
        var read = ModelLockFileReader.Read(File.ReadAllBytes(lockPath));
        Assert.True(read.LockFile is not null, read.Error);
        Assert.Equal(new[] { "shared/model.safetensors" }, read.LockFile!.Entries.Select(e => e.Path));
        Assert.Empty(Directory.GetFiles(Path.GetDirectoryName(lockPath)!, "*.tmp"));
    }
}
