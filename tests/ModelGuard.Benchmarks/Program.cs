using System;
using System.IO;
using System.Linq;
using BenchmarkDotNet.Running;
using ModelGuard.Benchmarks;
using ModelGuard.Benchmarks.Inputs;

if (args.Length == 2 && args[0] == "--profile-allocations")
{
    foreach (var (type, bytes) in ModelGuard.Benchmarks.Measurement.AllocationProfiler.Profile(() => Scenarios.Scan(args[1])))
    {
        Console.WriteLine($"{bytes,14:N0}  {type}");
    }

    return 0;
}

if (args.Length >= 3 && args.Length % 2 == 1 && args[0] == "--scan-loop")
{
    // For an external profiler (perf with DOTNET_PerfMapEnabled=1): scan each file N times, printing each scan's wall time.
    // Several files in one process show how the code the JIT tiered up for the first input runs the next.
    for (var f = 1; f < args.Length; f += 2)
    {
        for (var i = 0; i < int.Parse(args[f + 1], System.Globalization.CultureInfo.InvariantCulture); i++)
        {
            var watch = System.Diagnostics.Stopwatch.StartNew();
            var cpu = System.Diagnostics.Process.GetCurrentProcess().TotalProcessorTime;
            Scenarios.Scan(args[f]);
            cpu = System.Diagnostics.Process.GetCurrentProcess().TotalProcessorTime - cpu;
            Console.WriteLine($"{Path.GetFileName(args[f])} scan #{i + 1}: {watch.Elapsed.TotalMilliseconds:F1} ms, {cpu.TotalMilliseconds:F0} ms of CPU time");
        }
    }

    return 0;
}

if (args.Length >= 1 && args[0] == "--task-cold-start")
{
    // The task in a fresh process, as a no-op build runs it: the first Execute pays assembly loading and JIT, the second does not.
    var coldInputs = new InputSet(Path.Combine(Options.RepoRoot, "artifacts", "benchmarks", "inputs"), quick: false);
    var models = coldInputs.ProjectModels;
    var engine = new ModelGuard.Benchmarks.Measurement.FakeBuildEngine();
    for (var i = 0; i < 3; i++)
    {
        var watch = System.Diagnostics.Stopwatch.StartNew();
        Scenarios.RunTask(Scenarios.NewTask(engine, coldInputs.ProjectFolder, models), engine);
        Console.WriteLine($"Execute #{i + 1}: {watch.Elapsed.TotalMilliseconds:F1} ms; {engine.Messages.LastOrDefault()}");
    }

    return 0;
}

Options options;
try
{
    options = Options.Parse(args);
}
catch (ArgumentException ex)
{
    Console.Error.WriteLine(ex.Message);
    return 2;
}

var inputs = new InputSet(Path.Combine(options.ArtifactsRoot, options.Quick ? "inputs-quick" : "inputs"), options.Quick);
BenchmarkInputs.Current = inputs;
if (options.GenerateOnly)
{
    _ = inputs.Checkpoint;
    _ = inputs.SmallCheckpoint;
    _ = inputs.BytesPickle;
    _ = inputs.DensePickle;
    _ = inputs.DensePickleOptimized;
    _ = inputs.DensePickleWithImports;
    _ = inputs.Safetensors;
    _ = inputs.OnnxInline;
    _ = inputs.Gguf;
    _ = inputs.ProjectModels;
    return 0;
}

var exit = 0;
if (options.Check)
{
    exit = new Checks(inputs, options).Run();
}

if (options.Bdn)
{
    Environment.SetEnvironmentVariable(BenchmarkInputs.RootVariable, inputs.Root);
    Environment.SetEnvironmentVariable(BenchmarkInputs.QuickVariable, options.Quick ? "1" : "0");
    var bdnArgs = options.BdnArgs.Count > 0 ? options.BdnArgs.ToArray() : new[] { "--filter", "*" };
    BenchmarkSwitcher.FromAssembly(typeof(Checks).Assembly).Run(bdnArgs, BenchmarkConfig.Create(Path.Combine(options.ArtifactsRoot, "bdn")));
}

return exit;
