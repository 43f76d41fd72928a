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
/// check that packing still builds both. The same holds for the tool's ReadyToRun packs.
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

    [Theory]
    [InlineData("net8.0")]
    [InlineData("net10.0")]
    public async Task ToolDownloadsItsReadyToRunPacksOnlyWhenPacking(string framework)
    {
        var building = await Evaluate(RepoPaths.CliProject, framework);
        var packing = await Evaluate(RepoPaths.CliProject, framework, "-p:_IsPacking=true");

        Assert.Empty(building.Downloads);
        var runtimeVersion = framework == "net8.0" ? "8.0" : "10.0";
        Assert.Contains(packing.Downloads, d => d.StartsWith("Microsoft.NETCore.App.Crossgen2.", StringComparison.Ordinal));
        Assert.Contains(packing.Downloads, d => d == "Microsoft.NETCore.App.Runtime.linux-x64");
        Assert.All(packing.Versions, v => Assert.StartsWith("[" + runtimeVersion + ".", v, StringComparison.Ordinal)); // each framework's own crossgen2
    }

    private static Task<(string Frameworks, string[] Downloads, string[] Versions)> Evaluate(params string[] properties)
        => Evaluate(RepoPaths.TasksProject, "net8.0", properties);

    private static async Task<(string Frameworks, string[] Downloads, string[] Versions)> Evaluate(string project, string framework, params string[] properties)
    {
        var result = await ProcessRunner.RunAsync(
            ProcessRunner.DotnetPath,
            new[] { "msbuild", project, "-getProperty:TargetFrameworks", "-getItem:PackageDownload", "-p:TargetFramework=" + framework, "-nologo" }.Concat(properties).ToArray(),
            RepoPaths.Root);
        Assert.True(result.ExitCode == 0, result.Describe());
        using var json = JsonDocument.Parse(result.Output.Substring(result.Output.IndexOf('{', StringComparison.Ordinal)));
        var frameworks = json.RootElement.GetProperty("Properties").GetProperty("TargetFrameworks").GetString()!;
        var items = json.RootElement.GetProperty("Items").GetProperty("PackageDownload").EnumerateArray().ToArray();
        return (frameworks, items.Select(i => i.GetProperty("Identity").GetString()!).ToArray(), items.Select(i => i.GetProperty("Version").GetString()!).ToArray());
    }
}
