using System;
using System.IO;

namespace ModelGuard.IntegrationTests.Infrastructure;

/// <summary>Locates the repository the tests were built from.</summary>
internal static class RepoPaths
{
    private static readonly Lazy<string> LazyRoot = new(FindRoot);

    /// <summary>The folder that contains <c>Analyzers.sln</c>.</summary>
    public static string Root => LazyRoot.Value;

    public static string TasksProject => Path.Combine(Root, "src", "ModelGuard.Tasks", "ModelGuard.Tasks.csproj");

    public static string CliProject => Path.Combine(Root, "src", "ModelGuard.Cli", "ModelGuard.Cli.csproj");

    private static string FindRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "Analyzers.sln")))
            {
                return dir.FullName;
            }
        }

        throw new InvalidOperationException($"No folder above {AppContext.BaseDirectory} contains Analyzers.sln.");
    }
}
