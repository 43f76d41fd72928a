using System.IO;
using BenchmarkDotNet.Attributes;

namespace ModelGuard.Benchmarks;

/// <summary>(c) The dense pickles: the scan against a plain read of the same file (the Ratio column).</summary>
public class DensePickleBenchmarks
{
    private string _path = string.Empty;

    [Params("c: pickle.dumps layout", "c': optimized layout")]
    public string Input { get; set; } = string.Empty;

    [GlobalSetup]
    public void Setup() => _path = Input.StartsWith("c'", System.StringComparison.Ordinal) ? BenchmarkInputs.Current.DensePickleOptimized : BenchmarkInputs.Current.DensePickle;

    [Benchmark(Baseline = true, Description = "plain sequential read")]
    public long PlainRead() => Scenarios.PlainRead(_path);

    [Benchmark(Description = "ModelScanner.ScanFile")]
    public int Scan() => Scenarios.Scan(_path).Findings.Count;
}

/// <summary>(a), (b), (d): inputs whose cost must follow their structure, not their size.</summary>
public class LargeInputBenchmarks
{
    private string _path = string.Empty;

    [Params("a: checkpoint 2 GiB", "a': checkpoint 20 MiB", "b: bytes pickle 1 GiB", "d: safetensors 10 GB")]
    public string Input { get; set; } = string.Empty;

    [GlobalSetup]
    public void Setup()
    {
        var inputs = BenchmarkInputs.Current;
        _path = Input[..Input.IndexOf(':', System.StringComparison.Ordinal)] switch
        {
            "a" => inputs.Checkpoint,
            "a'" => inputs.SmallCheckpoint,
            "b" => inputs.BytesPickle,
            _ => inputs.Safetensors,
        };
    }

    [Benchmark(Description = "ModelScanner.ScanFile")]
    public int Scan() => Scenarios.Scan(_path).Findings.Count;

    /// <summary>Bytes the scan pulled from the file (reported once per iteration as the result; see the check table for the numbers).</summary>
    [Benchmark(Description = "scan through a counting stream")]
    public long ScanCounting() => Scenarios.ScanCounting(_path).BytesRead;
}

/// <summary>Many files: one thread against Parallel.For, as the task scans them.</summary>
public class ManyFilesBenchmarks
{
    private string[] _files = System.Array.Empty<string>();

    [GlobalSetup]
    public void Setup() => _files = System.Linq.Enumerable.ToArray(BenchmarkInputs.Current.ProjectModels);

    [Benchmark(Baseline = true, Description = "1 thread")]
    public int Sequential() => Scenarios.ScanSequential(_files);

    [Benchmark(Description = "Parallel.For")]
    public int Parallel() => Scenarios.ScanParallel(_files);
}

/// <summary>(e) The MSBuild task over the project's files, all unchanged since the cache was written.</summary>
public class IncrementalTaskBenchmarks
{
    private readonly Measurement.FakeBuildEngine _engine = new();
    private string[] _files = System.Array.Empty<string>();
    private string _dir = string.Empty;

    [GlobalSetup]
    public void Setup()
    {
        _files = System.Linq.Enumerable.ToArray(BenchmarkInputs.Current.ProjectModels);
        _dir = BenchmarkInputs.Current.ProjectFolder;
        var cache = Path.Combine(_dir, "obj", "modelguard.cache");
        if (File.Exists(cache))
        {
            File.Delete(cache);
        }

        Scenarios.RunTask(Scenarios.NewTask(_engine, _dir, _files), _engine);
    }

    [Benchmark(Description = "ScanModelFiles.Execute, all files cached")]
    public void Execute() => Scenarios.RunTask(Scenarios.NewTask(_engine, _dir, _files), _engine);
}
