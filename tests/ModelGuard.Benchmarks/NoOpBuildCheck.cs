using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.IO;
using System.Linq;
using ModelGuard.Benchmarks.Measurement;
using ModelGuard.TestSupport;

namespace ModelGuard.Benchmarks;

/// <summary>
/// Packs the ModelGuard package from this repository into a private feed (as the end-to-end tests do), writes two identical
/// class libraries bundling the model files as None items copied to the output, one with the package and one without, builds
/// both once, then times no-op `dotnet build --no-restore` runs of the two in turn.
/// </summary>
internal sealed class NoOpBuildCheck
{
    private const string Version = "0.0.0-bench";
    private readonly string _root;
    private readonly IReadOnlyList<string> _models;
    private readonly int _repetitions;
    private readonly Action<string> _log;

    public NoOpBuildCheck(string artifactsRoot, IReadOnlyList<string> models, int repetitions, Action<string> log)
    {
        _root = Path.Combine(artifactsRoot, "build");
        _models = models;
        _repetitions = repetitions;
        _log = log;
    }

    private string Feed => Path.Combine(_root, "feed");

    private string Packages => Path.Combine(_root, "packages");

    /// <summary>Median seconds of the no-op build with and without ModelGuard, and whether the task served every file from its cache.</summary>
    public (double With, double Without, bool Cached) Run()
    {
        Pack();
        var with = WriteProject("with", reference: true);
        var without = WriteProject("without", reference: false);
        foreach (var project in new[] { with, without })
        {
            Dotnet(project, "build", "-v:q");
            Dotnet(project, "build", "--no-restore", "-v:q");
        }

        var check = Dotnet(with, "build", "--no-restore", "-v:n");
        var summary = check.Split('\n').Select(l => l.Trim()).FirstOrDefault(l => l.StartsWith("ModelGuard: ", StringComparison.Ordinal) && l.Contains(" file(s) looked at (", StringComparison.Ordinal)) ?? "(no ModelGuard summary in the build output)";
        _log("build with ModelGuard, -v:n: " + summary);
        // "M model(s) in N file(s) looked at (B bytes, C from cache)": every file (the models and the project's other None items) from the cache.
        var match = System.Text.RegularExpressions.Regex.Match(summary, @"in (\d+) file\(s\) looked at \([\d,]+ bytes, (\d+) from cache\)");
        var cached = match.Success && match.Groups[1].Value == match.Groups[2].Value && int.Parse(match.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture) >= _models.Count;

        var times = Timing.Interleaved(
            _repetitions,
            () => Dotnet(with, "build", "--no-restore", "-v:q"),
            () => Dotnet(without, "build", "--no-restore", "-v:q"));
        _log($"no-op dotnet build ({_repetitions} runs each, interleaved, medians): with ModelGuard {times[0]:F3} s, without {times[1]:F3} s: x{times[0] / times[1]:F3}");
        return (times[0], times[1], cached);
    }

    private void Pack()
    {
        var package = Path.Combine(Feed, $"ModelGuard.{Version}.nupkg");
        if (File.Exists(package))
        {
            File.Delete(package);
        }

        if (Directory.Exists(Packages))
        {
            Directory.Delete(Packages, recursive: true);
        }

        Directory.CreateDirectory(Feed);
        Directory.CreateDirectory(Packages);
        var tasks = Path.Combine(Options.RepoRoot, "src", "ModelGuard.Tasks", "ModelGuard.Tasks.csproj");
        Run(Options.RepoRoot, "pack", tasks, "-c", "Release", "-o", Feed, $"-p:Version={Version}", "--nologo", "--artifacts-path", Path.Combine(_root, "pack"), "-nodeReuse:false", "-p:UseSharedCompilation=false");
        _log("packed " + package);
    }

    private string WriteProject(string name, bool reference)
    {
        var dir = Path.Combine(_root, name);
        if (Directory.Exists(dir))
        {
            Directory.Delete(dir, recursive: true);
        }

        var models = Path.Combine(dir, "models");
        Directory.CreateDirectory(models);
        foreach (var model in _models)
        {
            var target = Path.Combine(models, Path.GetFileName(model));
            File.Copy(model, target);
            File.SetLastWriteTimeUtc(target, File.GetLastWriteTimeUtc(model));
        }

        ConsumerFolder.Isolate(dir, "modelguard-bench", Feed);
        File.WriteAllText(Path.Combine(dir, "Class1.cs"), "namespace Bench;\n\npublic static class Class1\n{\n}\n");
        var packageReference = reference ? $"""    <PackageReference Include="ModelGuard" Version="{Version}" PrivateAssets="all" />""" : string.Empty;
        File.WriteAllText(Path.Combine(dir, "Bench.csproj"), $"""
            <Project Sdk="Microsoft.NET.Sdk">
              <PropertyGroup>
                <TargetFramework>net10.0</TargetFramework>
              </PropertyGroup>
              <ItemGroup>
                <None Update="models/**" CopyToOutputDirectory="PreserveNewest" />
            {packageReference}
              </ItemGroup>
            </Project>
            """);
        return Path.Combine(dir, "Bench.csproj");
    }

    private string Dotnet(string project, params string[] args)
        => Run(Path.GetDirectoryName(project)!, args.Take(1).Concat(new[] { project, "-nodeReuse:false", "-tl:off", "--nologo" }).Concat(args.Skip(1)).ToArray());

    private string Run(string workingDirectory, params string[] args)
    {
        var info = new ProcessStartInfo("dotnet")
        {
            WorkingDirectory = workingDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var arg in args)
        {
            info.ArgumentList.Add(arg);
        }

        info.Environment["NUGET_PACKAGES"] = Packages;
        info.Environment["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1";
        info.Environment["DOTNET_NOLOGO"] = "1";
        info.Environment["MSBUILDDISABLENODEREUSE"] = "1";
        using var process = Process.Start(info)!;
        var stderr = process.StandardError.ReadToEndAsync();
        var stdout = process.StandardOutput.ReadToEnd();
        process.WaitForExit();
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"dotnet {string.Join(' ', args)} failed ({process.ExitCode}):\n{stdout}\n{stderr.Result}");
        }

        return stdout;
    }
}
