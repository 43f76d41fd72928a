using System;
using System.Linq;
using System.Text.Json;
using System.Threading.Tasks;
using ModelGuard.IntegrationTests.Infrastructure;

namespace ModelGuard.IntegrationTests;

/// <summary>
/// Restoring a project that references the task (samples/HelloModels, a contributor's build) fetches only what building it needs:
/// the net472 build's .NET Framework reference assemblies and the ReadyToRun copies' crossgen2 and runtime pack (about 300 MB on an
/// empty cache, docs/benchmarks.md) are restored only when packing. <see cref="ReleasePathTests"/> and <see cref="PackageShapeTests"/>
/// check that packing still builds both.
/// </summary>
public sealed class RestoreFootprintTests
{
    [Fact]
    public async Task PackOnlyFrameworksAndDownloadsAreEvaluatedOnlyWhenPacking()
    {
        var building = await Evaluate();
        var packing = await Evaluate("-p:_IsPacking=true"); // what `dotnet pack` passes to its restore and build
        var explicitly = await Evaluate("-p:ModelGuardPacking=true"); // msbuild -t:Pack

        Assert.Equal("net8.0", building.Frameworks);
        Assert.Empty(building.Downloads);
        foreach (var pack in new[] { packing, explicitly })
        {
            Assert.Equal("net8.0;net472", pack.Frameworks);
            Assert.Contains(pack.Downloads, d => d.StartsWith("Microsoft.NETCore.App.Crossgen2.", StringComparison.Ordinal));
            Assert.Contains(pack.Downloads, d => d.StartsWith("Microsoft.NETCore.App.Runtime.", StringComparison.Ordinal));
        }
    }

    private static async Task<(string Frameworks, string[] Downloads)> Evaluate(params string[] properties)
    {
        var result = await ProcessRunner.RunAsync(
            ProcessRunner.DotnetPath,
            new[] { "msbuild", RepoPaths.TasksProject, "-getProperty:TargetFrameworks", "-getItem:PackageDownload", "-p:TargetFramework=net8.0", "-nologo" }.Concat(properties).ToArray(),
            RepoPaths.Root);
        Assert.True(result.ExitCode == 0, result.Describe());
        using var json = JsonDocument.Parse(result.Output.Substring(result.Output.IndexOf('{', StringComparison.Ordinal)));
        var frameworks = json.RootElement.GetProperty("Properties").GetProperty("TargetFrameworks").GetString()!;
        var downloads = json.RootElement.GetProperty("Items").GetProperty("PackageDownload").EnumerateArray().Select(i => i.GetProperty("Identity").GetString()!).ToArray();
        return (frameworks, downloads);
    }
}
