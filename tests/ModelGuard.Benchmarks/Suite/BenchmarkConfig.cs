using BenchmarkDotNet.Columns;
using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Diagnosers;
using BenchmarkDotNet.Exporters;
using BenchmarkDotNet.Jobs;
using BenchmarkDotNet.Reports;
using BenchmarkDotNet.Toolchains.InProcess.Emit;

namespace ModelGuard.Benchmarks;

/// <summary>
/// In-process (the repository's strict build settings would fail BenchmarkDotNet's generated projects, and the inputs are
/// shared), a short job (multi-gigabyte inputs on 2 cores), allocations per operation from the MemoryDiagnoser.
/// </summary>
internal static class BenchmarkConfig
{
    public static IConfig Create(string artifacts)
        => ManualConfig.CreateEmpty()
            .AddJob(Job.Default
                .WithToolchain(InProcessEmitToolchain.Instance)
                .WithLaunchCount(1)
                .WithWarmupCount(1)
                .WithIterationCount(5)
                .WithUnrollFactor(1)
                .WithInvocationCount(1)
                .WithId("short"))
            .AddDiagnoser(MemoryDiagnoser.Default)
            .AddColumnProvider(DefaultColumnProviders.Instance)
            .AddColumn(StatisticColumn.Median)
            .AddExporter(MarkdownExporter.GitHub)
            .AddLogger(BenchmarkDotNet.Loggers.ConsoleLogger.Default)
            .WithSummaryStyle(SummaryStyle.Default.WithRatioStyle(RatioStyle.Trend).WithMaxParameterColumnWidth(40))
            .WithArtifactsPath(artifacts)
            .WithOptions(ConfigOptions.DisableLogFile);
}
