using System;
using ModelGuard.Benchmarks.Inputs;
using ModelGuard.TestSupport;

namespace ModelGuard.Benchmarks;

/// <summary>The input set the suite uses: the one Program made, or one rebuilt from the environment it passed on.</summary>
internal static class BenchmarkInputs
{
    public const string RootVariable = "MODELGUARD_BENCH_INPUTS";
    public const string QuickVariable = "MODELGUARD_BENCH_QUICK";

    private static InputSet? _current;

    public static InputSet Current
    {
        get => _current ??= new InputSet(
            Environment.GetEnvironmentVariable(RootVariable) ?? RepositoryRoot.Combine("artifacts", "benchmarks", "inputs"),
            Environment.GetEnvironmentVariable(QuickVariable) == "1");
        set => _current = value;
    }
}
