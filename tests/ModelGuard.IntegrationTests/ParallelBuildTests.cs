using System;
using System.IO;
using System.Linq;
using System.Text;
using System.Threading.Tasks;
using ModelGuard.IntegrationTests.Infrastructure;
using ModelGuard.TestSupport;

namespace ModelGuard.IntegrationTests;

/// <summary>
/// `dotnet build -m` of a solution whose three projects bundle the same model file as a linked item
/// (<c>&lt;None Include="../shared/model.pt" Link="models/model.pt" /&gt;</c>) and share one cache file: the projects scan in
/// parallel MSBuild nodes and race on the cache, and every build still reports the verdict of the file as it is now, including
/// after the file was replaced by one of the same size.
/// </summary>
[Collection(PackageCollection.Name)]
public sealed class ParallelBuildTests
{
    private static readonly string[] Projects = { "AppA", "AppB", "AppC" };

    private readonly PackageFixture _fixture;

    public ParallelBuildTests(PackageFixture fixture) => _fixture = fixture;

    [Fact]
    public async Task Parallel_builds_of_projects_sharing_a_linked_model_and_a_cache_stay_correct()
    {
        // CreateProject gives a folder with the private feed's nuget.config and empty Directory.Build.* files; the solution lives there.
        var root = _fixture.CreateProject("parallel").Directory;
        var model = Path.Combine(root, "shared", "model.pt");
        var cache = Path.Combine(root, "shared", "modelguard.cache");
        Directory.CreateDirectory(Path.GetDirectoryName(model)!);
        foreach (var name in Projects)
        {
            new TestProject(_fixture, Path.Combine(root, name), name)
                .SetProperty("ModelGuardCacheFile", cache)
                .AddItem("""<None Include="../shared/model.pt" Link="models/model.pt" />""")
                .Write();
        }

        var solution = SolutionFile.Write(root, Projects);
        var (malicious, benign) = SameSizePickles();

        // 1. Malicious: every project fails on it. The write time lies in the past so the verdict is cached.
        Replace(model, malicious, TimeSpan.FromHours(2));
        var first = await BuildAsync(solution, root);
        AssertEveryProjectReports(first, "error MG1001");

        // 2. Replaced by a benign file of the same size: no project may reuse the cached verdict, every build succeeds.
        Replace(model, benign, TimeSpan.FromHours(1));
        var second = await BuildAsync(solution, root);
        Assert.True(second.ExitCode == 0, "The benign model must build clean. " + second.Describe());
        Assert.DoesNotContain("MG1001", second.Output, StringComparison.Ordinal);

        // 3. Malicious again, same size once more: the verdict follows the file.
        Replace(model, malicious, TimeSpan.FromMinutes(30));
        var third = await BuildAsync(solution, root);
        AssertEveryProjectReports(third, "error MG1001");

        // 4. Unchanged: the verdict comes from the shared cache, still an error in every project.
        var fourth = await BuildAsync(solution, root);
        AssertEveryProjectReports(fourth, "error MG1001");
        Assert.Equal(Projects.Length, CountOf(fourth.Output, "1 from cache): 1 error(s)"));

        Assert.True(File.Exists(cache));
        Assert.Empty(Directory.GetFiles(Path.GetDirectoryName(cache)!, "*.tmp"));
        Assert.Equal(malicious, File.ReadAllBytes(model));
    }

    private Task<ProcessResult> BuildAsync(string solution, string root) => SolutionFile.BuildAsync(_fixture, solution, root);

    private static void AssertEveryProjectReports(ProcessResult build, string text)
    {
        Assert.True(build.ExitCode != 0, "The build must fail. " + build.Describe());
        var lines = build.Output.Split('\n');
        foreach (var name in Projects)
        {
            Assert.True(
                lines.Any(l => l.Contains(text, StringComparison.Ordinal) && l.Contains("shared/model.pt", StringComparison.Ordinal) && l.Contains(name + ".csproj", StringComparison.Ordinal)),
                $"{name} did not report '{text}' for the linked model. {build.Describe()}");
        }
    }

    private static int CountOf(string text, string value)
    {
        var count = 0;
        for (var at = text.IndexOf(value, StringComparison.Ordinal); at >= 0; at = text.IndexOf(value, at + value.Length, StringComparison.Ordinal))
        {
            count++;
        }

        return count;
    }

    private static void Replace(string path, byte[] content, TimeSpan age)
    {
        File.WriteAllBytes(path, content);
        File.SetLastWriteTimeUtc(path, DateTime.UtcNow - age);
        CachingDelay.WaitOutRacyWindow();
    }

    /// <summary>A pickle that calls os.system and a benign one of exactly the same length.</summary>
    internal static (byte[] Malicious, byte[] Benign) SameSizePickles()
    {
        static byte[] Padded(Action<PickleWriter> body, int length)
        {
            var core = new PickleWriter();
            body(core);
            var padding = length - 2 - 2 - 1 - core.ToArray().Length - 1;
            var writer = new PickleWriter().Proto(2).ShortBinUnicode(new string('x', padding)).Op((byte)'0');
            body(writer);
            return writer.Stop().ToArray();
        }

        var malicious = Padded(w => w.CallWithString("os", "system", "echo pwned"), 96);
        var benign = Padded(w => w.Global("collections", "OrderedDict").EmptyTuple().Reduce(), 96);
        Assert.Equal(malicious.Length, benign.Length);
        return (malicious, benign);
    }
}
