using System;
using System.IO;
using BenchmarkDotNet.Running;
using ModelGuard.Benchmarks;
using ModelGuard.Benchmarks.Inputs;

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
    _ = inputs.Safetensors;
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
