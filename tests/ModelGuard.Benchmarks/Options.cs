using System;
using System.Collections.Generic;
using System.IO;
using ModelGuard.TestSupport;

namespace ModelGuard.Benchmarks;

/// <summary>Command line of the benchmark app.</summary>
internal sealed class Options
{
    public bool Check { get; private set; }

    public bool Bdn { get; private set; }

    public bool GenerateOnly { get; private set; }

    public bool Quick { get; private set; }

    public bool SkipBuild { get; private set; }

    public int Repetitions { get; private set; } = 5;

    public HashSet<string> Only { get; } = new(StringComparer.OrdinalIgnoreCase);

    private string? _artifactsRoot;

    /// <summary>Where inputs, builds and reports go: <c>artifacts/benchmarks</c> under the repository unless <c>--artifacts</c> says otherwise.</summary>
    public string ArtifactsRoot
    {
        get => _artifactsRoot ??= Path.Combine(RepoRoot, "artifacts", "benchmarks");
        private set => _artifactsRoot = value;
    }

    public List<string> BdnArgs { get; } = new();

    /// <summary>The repository: above the app (a normal build), else above the current directory (a copied build).</summary>
    public static string RepoRoot
    {
        get
        {
            try
            {
                return RepositoryRoot.Path;
            }
            catch (InvalidOperationException)
            {
                for (var dir = new DirectoryInfo(Environment.CurrentDirectory); dir is not null; dir = dir.Parent)
                {
                    if (File.Exists(Path.Combine(dir.FullName, "Analyzers.sln")))
                    {
                        return dir.FullName;
                    }
                }

                throw;
            }
        }
    }

    public const string Usage = """
        ModelGuard benchmarks (issue #6). Modes:
          --check            measure every target side by side and print the pass/fail table (default)
          --bdn [args...]    run the BenchmarkDotNet suite; the remaining arguments go to BenchmarkDotNet (e.g. --filter *Dense*)
          --all              --check, then the whole BenchmarkDotNet suite
          --generate         only generate the inputs
        Diagnostics (used to find what to optimise):
          --profile-allocations FILE   allocations of one scan by type (GCAllocationTick sampling)
          --scan-loop FILE N [FILE N]...  scan each FILE N times in one process, printing each time
          --task-cold-start            the task over the cached project three times in this fresh process
        Options:
          --quick            inputs 1/16 the size and 200 project files (a smoke run, not the targets)
          --only a,b         run only these checks: dense, bytes, checkpoint, memory, incremental, parallel, build, hash
          --skip-build       leave out the no-op dotnet build check (it packs the package and builds twice 2 x N times)
          --repetitions N    timed repetitions per measurement (default 5)
          --artifacts DIR    where inputs, builds and reports go (default artifacts/benchmarks under the repository)
        """;

    public static Options Parse(string[] args)
    {
        var options = new Options();
        for (var i = 0; i < args.Length; i++)
        {
            switch (args[i])
            {
                case "--check":
                    options.Check = true;
                    break;
                case "--bdn":
                    options.Bdn = true;
                    options.BdnArgs.AddRange(args[(i + 1)..]);
                    i = args.Length;
                    break;
                case "--all":
                    options.Check = true;
                    options.Bdn = true;
                    break;
                case "--generate":
                    options.GenerateOnly = true;
                    break;
                case "--quick":
                    options.Quick = true;
                    break;
                case "--skip-build":
                    options.SkipBuild = true;
                    break;
                case "--only":
                    foreach (var name in args[++i].Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
                    {
                        options.Only.Add(name);
                    }

                    break;
                case "--repetitions":
                    options.Repetitions = int.Parse(args[++i], System.Globalization.CultureInfo.InvariantCulture);
                    break;
                case "--artifacts":
                    options.ArtifactsRoot = Path.GetFullPath(args[++i]);
                    break;
                default:
                    throw new ArgumentException($"Unknown argument '{args[i]}'.\n{Usage}");
            }
        }

        if (!options.Check && !options.Bdn && !options.GenerateOnly)
        {
            options.Check = true;
        }

        return options;
    }
}
