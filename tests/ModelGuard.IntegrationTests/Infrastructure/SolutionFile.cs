using System.IO;
using System.Linq;
using System.Text;
using System.Threading.Tasks;

namespace ModelGuard.IntegrationTests.Infrastructure;

/// <summary>A solution file listing projects that live in folders of their own name under one root, for `dotnet build -m`.</summary>
internal static class SolutionFile
{
    public static string Write(string root, string[] projects)
    {
        const string csharp = "{FAE04EC0-301F-11D3-BF4B-00C04F79EFBC}";
        var text = new StringBuilder()
            .AppendLine("Microsoft Visual Studio Solution File, Format Version 12.00")
            .AppendLine("# Visual Studio Version 17");
        var ids = projects.Select((_, i) => $"{{0000000{i + 1}-0000-0000-0000-000000000000}}").ToArray();
        for (var i = 0; i < projects.Length; i++)
        {
            text.AppendLine($"Project(\"{csharp}\") = \"{projects[i]}\", \"{projects[i]}{Path.DirectorySeparatorChar}{projects[i]}.csproj\", \"{ids[i]}\"")
                .AppendLine("EndProject");
        }

        text.AppendLine("Global")
            .AppendLine("\tGlobalSection(SolutionConfigurationPlatforms) = preSolution")
            .AppendLine("\t\tDebug|Any CPU = Debug|Any CPU")
            .AppendLine("\tEndGlobalSection")
            .AppendLine("\tGlobalSection(ProjectConfigurationPlatforms) = postSolution");
        foreach (var id in ids)
        {
            text.AppendLine($"\t\t{id}.Debug|Any CPU.ActiveCfg = Debug|Any CPU")
                .AppendLine($"\t\t{id}.Debug|Any CPU.Build.0 = Debug|Any CPU");
        }

        text.AppendLine("\tEndGlobalSection").AppendLine("EndGlobal");
        var path = Path.Combine(root, "Models.sln");
        File.WriteAllText(path, text.ToString());
        return path;
    }

    /// <summary>`dotnet build -m` of <paramref name="solution"/>: projects build in parallel MSBuild nodes.</summary>
    public static Task<ProcessResult> BuildAsync(PackageFixture fixture, string solution, string root, params string[] extraArguments)
        => ProcessRunner.RunAsync(
            ProcessRunner.DotnetPath,
            new[] { "build", solution, "-m", "-nodeReuse:false", "--disable-build-servers", "-p:UseSharedCompilation=false", "-v:n", "-tl:off", "--nologo" }.Concat(extraArguments).ToArray(),
            root,
            fixture.BuildEnvironment);
}
