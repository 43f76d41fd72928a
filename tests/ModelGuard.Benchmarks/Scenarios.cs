using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Threading.Tasks;
using Microsoft.Build.Framework;
using Microsoft.Build.Utilities;
using ModelGuard.Benchmarks.Measurement;
using ModelGuard.Engine.Scanning;
using ModelGuard.Tasks;

namespace ModelGuard.Benchmarks;

/// <summary>The operations measured, shared by the check harness and the BenchmarkDotNet suite.</summary>
internal static class Scenarios
{
    /// <summary>Chunk of the plain sequential read the scans are compared with.</summary>
    public const int PlainReadChunk = 1024 * 1024;

    public static readonly ModelScanner Scanner = new();

    /// <summary>The engine's entry point, as the task calls it.</summary>
    public static ScanResult Scan(string path) => Scanner.ScanFile(path, Path.GetFileName(path));

    /// <summary>Scans through a counting stream: what the scan pulled from the file.</summary>
    public static (ScanResult Result, long BytesRead, long Reads, long Seeks) ScanCounting(string path)
    {
        using var file = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete, bufferSize: 1);
        using var counting = new CountingStream(file);
        var result = Scanner.Scan(counting, Path.GetFileName(path));
        return (result, counting.BytesRead, counting.Reads, counting.Seeks);
    }

    /// <summary>
    /// Reads the whole file front to back and does nothing with it (the throughput ceiling of any scan), with the same
    /// sequential-access hint the scanner gives the OS.
    /// </summary>
    public static long PlainRead(string path)
    {
        var buffer = System.Buffers.ArrayPool<byte>.Shared.Rent(PlainReadChunk);
        try
        {
            using var file = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete, bufferSize: 1, FileOptions.SequentialScan);
            long total = 0;
            int n;
            while ((n = file.Read(buffer, 0, PlainReadChunk)) > 0)
            {
                total += n;
            }

            return total;
        }
        finally
        {
            System.Buffers.ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    /// <summary>Scans every file one after another on this thread.</summary>
    public static int ScanSequential(IReadOnlyList<string> files)
    {
        var findings = 0;
        foreach (var file in files)
        {
            findings += Scan(file).Findings.Count;
        }

        return findings;
    }

    /// <summary>Scans the files with Parallel.ForEach, as the task does, results kept in input order.</summary>
    public static int ScanParallel(IReadOnlyList<string> files)
    {
        var results = new ScanResult[files.Count];
        Parallel.For(0, files.Count, i => results[i] = Scan(files[i]));
        return results.Sum(r => r.Findings.Count);
    }

    /// <summary>A ScanModelFiles task over <paramref name="files"/> as the targets would set it up, with its cache in <paramref name="projectDir"/>/obj.</summary>
    public static ScanModelFiles NewTask(FakeBuildEngine engine, string projectDir, IReadOnlyList<string> files, bool cache = true)
    {
        // Rooted item specs: TaskItem resolves FullPath from them (a relative one would resolve against the current directory);
        // the task shows them relative to the project directory, as MSBuild items are.
        var items = files.Select(f => (ITaskItem)new TaskItem(Path.GetFullPath(f))).ToArray();
        return new ScanModelFiles
        {
            BuildEngine = engine,
            Files = items,
            ProjectDirectory = projectDir,
            CacheFile = cache ? Path.Combine(projectDir, "obj", "modelguard.cache") : null,
        };
    }

    /// <summary>Runs the task; throws when it reports a problem the benign inputs must not have.</summary>
    public static void RunTask(ScanModelFiles task, FakeBuildEngine engine)
    {
        engine.Clear();
        if (!task.Execute() || engine.Errors > 0)
        {
            throw new InvalidOperationException("The task failed on benign inputs: " + string.Join(Environment.NewLine, engine.Messages.Take(20)));
        }
    }
}
