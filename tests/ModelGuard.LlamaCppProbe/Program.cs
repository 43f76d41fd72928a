using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.IO;
using System.Linq;
using System.Runtime.InteropServices;
using LLama;
using LLama.Common;
using ModelGuard.TestSupport;

// The real consumer of GGUF in .NET: llama.cpp as LLamaSharp 0.30.0 ships it (LLamaSharp.Backend.Cpu). Each file is read in a
// child process, so a crash of llama.cpp on a crafted header is a verdict, not the end of the run.
//   header <file>   gguf_init_from_file(no_alloc): llama.cpp's GGUF header reader alone. Prints OK or REJECT.
//   vocab <file>    LLamaWeights.LoadFromFile with VocabOnly: the model loader (header, tensor bounds, vocabulary).
//   record <verdicts.tsv> <fixtures/gguf> <out.tsv>   both verdicts for every (fixture, mutation) row of the table.
return args switch
{
    ["header", var file] => Print(HeaderVerdict(file)),
    ["vocab", var file] => Print(VocabVerdict(file)),
    ["serve"] => Serve(),
    ["record", var table, var root, var output] => Record(table, root, output),
    _ => Usage(),
};

static int Usage()
{
    Console.Error.WriteLine("usage: header <file> | vocab <file> | record <verdicts.tsv> <fixtures/gguf> <out.tsv>");
    return 2;
}

static int Print(string verdict)
{
    Console.WriteLine(verdict);
    return 0;
}

static string HeaderVerdict(string file)
{
    var context = GgufNative.Open(file);
    GgufNative.Free(context);
    return context == IntPtr.Zero ? "REJECT" : "OK";
}

static string VocabVerdict(string file)
{
    NativeLogs.Silence();
    try
    {
        using var weights = LLamaWeights.LoadFromFile(new ModelParams(file) { VocabOnly = true, GpuLayerCount = 0 });
        return $"OK tokens={weights.Vocab.Count}";
    }
    catch (Exception ex)
    {
        return "REJECT:" + ex.GetType().Name;
    }
}

// Reads one path per line from stdin and answers "HEADER <verdict>" per path: the recorder keeps one child for many files
// and starts a new one when a file kills it. Model loads are not served: llama.cpp's loader keeps state between loads in one
// process (a clean file crashed after a series of refused ones), so each gets a fresh process.
static int Serve()
{
    NativeLogs.Silence();
    string? path;
    while ((path = Console.ReadLine()) is not null)
    {
        Console.WriteLine("HEADER " + HeaderVerdict(path));
        Console.Out.Flush();
    }

    return 0;
}

static int Record(string table, string root, string output)
{
    var self = Environment.ProcessPath!;
    var dll = typeof(GgufNative).Assembly.Location;
    var scratch = Path.Combine(Path.GetTempPath(), "llamacpp-probe-" + Environment.ProcessId);
    Directory.CreateDirectory(scratch);
    var seeds = new Dictionary<string, byte[]>(StringComparer.Ordinal);
    using var server = new ProbeServer(self, dll);
    var lines = new List<string>
    {
        "# Verdicts of llama.cpp as LLamaSharp 0.30.0 / LLamaSharp.Backend.Cpu 0.30.0 ship it, recorded by tests/ModelGuard.LlamaCppProbe",
        "# (record mode) for every row of reference/verdicts.tsv. Columns: fixture, mutation, header verdict (gguf_init_from_file),",
        "# model verdict (LLamaWeights.LoadFromFile, VocabOnly; REJECT:header when the header was refused: the loader reads it with",
        "# the same reader first). CRASH: the child process died (signal) or hung (20 s).",
    };
    try
    {
        // Each file gets its own name: a crashed child must not leave a half-written file behind for the next one.
        var index = 0;
        foreach (var row in File.ReadLines(table).Where(l => l.Length > 0 && l[0] != '#').Select(l => l.Split('\t')))
        {
            if (!seeds.TryGetValue(row[0], out var seed))
            {
                seed = File.ReadAllBytes(Path.Combine(root, row[0]));
                seeds.Add(row[0], seed);
            }

            var path = Path.Combine(scratch, $"m{index++ % 2}.gguf");
            File.WriteAllBytes(path, GgufMutation.Apply(seed, row[1]));
            var header = server.Header(path);
            lines.Add($"{row[0]}\t{row[1]}\t{header}\t{(header == "OK" ? server.Vocab(path) : "REJECT:header")}");
            if (lines.Count % 500 == 0)
            {
                Console.WriteLine($"{lines.Count - 4} rows");
            }
        }
    }
    finally
    {
        Directory.Delete(scratch, recursive: true);
    }

    File.WriteAllLines(output, lines);
    Console.WriteLine($"{lines.Count - 4} rows");
    return 0;
}

/// <summary>A "serve" child process; replaced when a file crashes or hangs it.</summary>
internal sealed class ProbeServer : IDisposable
{
    private readonly string _host;
    private readonly string _dll;
    private Process? _process;

    public ProbeServer(string host, string dll)
    {
        _host = host;
        _dll = dll;
    }

    public string Header(string file)
    {
        _process ??= Start();
        _process.StandardInput.WriteLine(file);
        _process.StandardInput.Flush();
        var header = Next(_process, "HEADER ");
        if (header is not null)
        {
            return header;
        }

        var crash = _process.WaitForExit(2000) ? "CRASH:exit " + _process.ExitCode : "CRASH:timeout";
        Stop();
        return crash;
    }

    /// <summary>A vocabulary-only model load in a process of its own.</summary>
    public string Vocab(string file)
    {
        var start = Info("vocab");
        start.ArgumentList.Add(file);
        using var process = Process.Start(start)!;
        process.ErrorDataReceived += (_, _) => { };
        process.BeginErrorReadLine();
        var line = Next(process, "OK", "REJECT");
        if (line is null || !process.WaitForExit(20_000))
        {
            var crash = process.WaitForExit(2000) ? "CRASH:exit " + process.ExitCode : "CRASH:timeout";
            if (!process.HasExited)
            {
                process.Kill(entireProcessTree: true);
            }

            return crash;
        }

        return process.ExitCode != 0 ? "CRASH:exit " + process.ExitCode : line.StartsWith("OK", StringComparison.Ordinal) ? "OK" : line;
    }

    public void Dispose() => Stop();

    /// <summary>The next line with <paramref name="prefix"/>, without it; null when the child dies or hangs for 20 s first.</summary>
    private static string? Next(Process process, string prefix)
    {
        var line = Next(process, prefix, prefix);
        return line?.Substring(prefix.Length);
    }

    /// <summary>The next output line starting with either prefix; null when the process ends or hangs for 20 s first.</summary>
    private static string? Next(Process process, string prefix, string other)
    {
        var read = Read(process, prefix, other);
        return read.Wait(TimeSpan.FromSeconds(20)) ? read.Result : null;
    }

    private static async System.Threading.Tasks.Task<string?> Read(Process process, string prefix, string other)
    {
        string? line;
        while ((line = await process.StandardOutput.ReadLineAsync()) is not null)
        {
            if (line.StartsWith(prefix, StringComparison.Ordinal) || line.StartsWith(other, StringComparison.Ordinal))
            {
                return line;
            }
        }

        return null;
    }

    private ProcessStartInfo Info(string mode)
    {
        var start = new ProcessStartInfo(_host) { RedirectStandardInput = true, RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        if (Path.GetFileNameWithoutExtension(_host) == "dotnet")
        {
            start.ArgumentList.Add(_dll);
        }

        start.ArgumentList.Add(mode);
        return start;
    }

    private Process Start()
    {
        var process = Process.Start(Info("serve"))!;
        process.ErrorDataReceived += (_, _) => { };
        process.BeginErrorReadLine();
        return process;
    }

    private void Stop()
    {
        if (_process is null)
        {
            return;
        }

        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
        }

        _process.Dispose();
        _process = null;
    }
}

/// <summary>llama.cpp's GGUF reader, called directly from the ggml-base library LLamaSharp ships (the variant it loads).</summary>
internal static class GgufNative
{
    [StructLayout(LayoutKind.Sequential)]
    private struct InitParams
    {
        [MarshalAs(UnmanagedType.U1)]
        public bool NoAlloc;
        public IntPtr Context;
    }

    private delegate IntPtr InitFromFile([MarshalAs(UnmanagedType.LPUTF8Str)] string path, InitParams parameters);

    private delegate void FreeContext(IntPtr context);

    private static readonly IntPtr Library = NativeLibrary.Load(Path.Combine(AppContext.BaseDirectory, "runtimes", "linux-x64", "native", "noavx", "libggml-base.so"));

    public static IntPtr Open(string path)
        => Marshal.GetDelegateForFunctionPointer<InitFromFile>(NativeLibrary.GetExport(Library, "gguf_init_from_file"))(path, new InitParams { NoAlloc = true, Context = IntPtr.Zero });

    public static void Free(IntPtr context)
    {
        if (context != IntPtr.Zero)
        {
            Marshal.GetDelegateForFunctionPointer<FreeContext>(NativeLibrary.GetExport(Library, "gguf_free"))(context);
        }
    }
}

/// <summary>Keeps llama.cpp's log lines out of the verdict on stdout.</summary>
internal static class NativeLogs
{
    public static void Silence() => LLama.Native.NativeLibraryConfig.All.WithLogCallback((_, _) => { });
}
