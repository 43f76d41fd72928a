using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using SharpFuzz;

namespace ModelGuard.Fuzzing;

/// <summary>
/// The fuzzing harness. Modes:
/// <list type="bullet">
/// <item><c>run &lt;target&gt;</c>: the AFL++ loop (SharpFuzz, out of process so a stack overflow is a crash, not a dead fork server).</item>
/// <item><c>once &lt;target&gt; &lt;file&gt;...</c>: replays inputs without AFL++ and prints what each did (exit 1 if one failed).</item>
/// <item><c>seeds &lt;target&gt; &lt;output-dir&gt; &lt;root&gt;...</c>: writes the target's seed corpus from the fixtures under each root.</item>
/// <item><c>list</c>: the targets.</item>
/// </list>
/// </summary>
internal static class Program
{
    /// <summary>AFL++ refuses seeds above 1 MB and fuzzes small ones best.</summary>
    private const int MaxSeedBytes = 256 * 1024;

    public static int Main(string[] args)
    {
        if (args.Length == 1 && args[0] == "list")
        {
            foreach (var target in FuzzTargets.All)
            {
                Console.WriteLine($"{target.Name}\t{target.Description}");
            }

            return 0;
        }

        if (args.Length < 2 || FuzzTargets.Find(args[1]) is not { } chosen)
        {
            Console.Error.WriteLine("usage: ModelGuard.Fuzzing run <target> | once <target> <file>... | seeds <target> <output-dir> <root>... | list");
            return 2;
        }

        switch (args[0])
        {
            case "run":
                Fuzzer.OutOfProcess.Run(stream => RunLogged(chosen, ReadAll(stream)));
                return 0;
            case "once":
                return Once(chosen, args.Skip(2));
            case "seeds" when args.Length >= 4:
                return Seeds(chosen, args[2], args.Skip(3));
            default:
                Console.Error.WriteLine($"unknown mode '{args[0]}'");
                return 2;
        }
    }

    /// <summary>
    /// Runs one input under AFL++; an exception is rethrown (SharpFuzz reports it as a crash) after it is appended, with the
    /// input's size, to MODELGUARD_FUZZ_LOG when that names a file, so crashes that do not replay can still be diagnosed.
    /// </summary>
    private static void RunLogged(FuzzTarget target, byte[] input)
    {
        try
        {
            target.Run(input);
        }
        catch (Exception ex) when (Log(target, input, ex))
        {
            throw;
        }
    }

    private static bool Log(FuzzTarget target, byte[] input, Exception ex)
    {
        if (Environment.GetEnvironmentVariable("MODELGUARD_FUZZ_LOG") is { Length: > 0 } log)
        {
            try
            {
                File.AppendAllText(log, $"--- {target.Name}, {input.Length} bytes, base64 {Convert.ToBase64String(input, 0, Math.Min(input.Length, 2048))}\n{ex}\n");
            }
            catch (IOException)
            {
            }
        }

        return true;
    }

    private static int Once(FuzzTarget target, IEnumerable<string> files)
    {
        var failed = 0;
        foreach (var file in files)
        {
            var stopwatch = System.Diagnostics.Stopwatch.StartNew();
            try
            {
                target.Run(File.ReadAllBytes(file));
                Console.WriteLine($"ok\t{stopwatch.ElapsedMilliseconds} ms\t{file}");
            }
            catch (Exception ex)
            {
                failed++;
                Console.WriteLine($"FAIL\t{stopwatch.ElapsedMilliseconds} ms\t{file}\n{ex}");
            }
        }

        return failed == 0 ? 0 : 1;
    }

    private static int Seeds(FuzzTarget target, string output, IEnumerable<string> roots)
    {
        Directory.CreateDirectory(output);
        var written = 0;
        foreach (var root in roots.Where(Directory.Exists))
        {
            var rootName = Path.GetFileName(Path.GetFullPath(root).TrimEnd(Path.DirectorySeparatorChar));
            foreach (var file in Directory.EnumerateFiles(root, "*", SearchOption.AllDirectories).OrderBy(f => f, StringComparer.Ordinal))
            {
                var relative = rootName + "/" + Path.GetRelativePath(root, file).Replace(Path.DirectorySeparatorChar, '/');
                var length = new FileInfo(file).Length;
                if (length == 0 || length > MaxSeedBytes || !target.IsSeed(relative))
                {
                    continue;
                }

                File.Copy(file, Path.Combine(output, relative.Replace('/', '_')), overwrite: true);
                written++;
            }
        }

        foreach (var (name, content) in target.GeneratedSeeds())
        {
            File.WriteAllBytes(Path.Combine(output, name), content);
            written++;
        }

        Console.WriteLine($"{written} seed(s) for {target.Name} in {output}");
        return written > 0 ? 0 : 1;
    }

    private static byte[] ReadAll(Stream stream)
    {
        using var copy = new MemoryStream();
        stream.CopyTo(copy);
        return copy.ToArray();
    }
}
