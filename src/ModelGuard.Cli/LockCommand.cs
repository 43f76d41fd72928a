using System;
using System.Collections.Generic;
using System.IO;
using ModelGuard.Engine.Integrity;
using ModelGuard.Hosting.Caching;
using ModelGuard.Hosting.Integrity;

namespace ModelGuard.Cli;

/// <summary>
/// <c>modelguard lock</c> and <c>modelguard verify --locked</c>: the scan of <see cref="ScanCommand"/> (same options, formats and
/// exit codes) followed by the build's lock step (<see cref="LockFileRun"/>), so a folder pinned by the tool and by a build gets
/// the same lock file and the same findings. <c>lock</c> writes or updates the lock (MG4005 for each change); <c>verify --locked</c>
/// never writes it and reports every difference (MG4001-MG4004).
/// </summary>
internal static class LockCommand
{
    internal const string LockVerb = "lock";
    internal const string VerifyVerb = "verify";

    internal static readonly string Help =
        "Usage: modelguard lock <dir> [--lock-file <file>] [scan options]\n"
        + "       modelguard verify --locked <dir> [--lock-file <file>] [scan options]\n"
        + "\n"
        + "Pins every model file of a folder by SHA-256 in " + ModelLockFile.FileName + ", as a build with ModelGuardUseLockFile does, and\n"
        + "checks a folder against it as a build with ModelGuardLockedMode does. Files are scanned as by 'modelguard scan'; the\n"
        + "models it recognises (and sharded safetensors indexes, ONNX external data) are pinned.\n"
        + "\n"
        + "  lock                 write or update the lock file (a message MG4005 for each entry added, changed or removed)\n"
        + "  verify --locked      never write it: a changed model is MG4001, a model without an entry MG4002, an entry without\n"
        + "                       a file MG4003, a lock file that cannot be read MG4004\n"
        + "  --lock-file <file>   the lock file (default: " + ModelLockFile.FileName + " in <dir>, or beside <dir> when it is a file);\n"
        + "                       entries are keyed by paths relative to its folder\n"
        + "\n"
        + "Every option of 'modelguard scan' applies (--format, --output, --fail-on, --no-warn, ...); see 'modelguard scan --help'.\n"
        + "\n"
        + "Examples:\n"
        + "  modelguard lock models/\n"
        + "  modelguard verify --locked models/ --format sarif --output modelguard.sarif";

    public static int Run(string verb, IReadOnlyList<string> args, string workingDirectory, TextWriter stdout, TextWriter stderr, bool stderrIsTerminal)
    {
        var scanArgs = new List<string>();
        string? lockFile = null;
        var locked = false;
        for (var i = 0; i < args.Count; i++)
        {
            var arg = args[i];
            if (arg == "--")
            {
                scanArgs.AddRange(Rest(args, i));
                break;
            }

            if (arg == "--locked" && verb == VerifyVerb)
            {
                locked = true;
            }
            else if (arg == "--lock-file" || arg.StartsWith("--lock-file=", StringComparison.Ordinal))
            {
                lockFile = arg.Length > "--lock-file".Length ? arg.Substring("--lock-file=".Length) : (i + 1 < args.Count ? args[++i] : null);
                if (string.IsNullOrEmpty(lockFile))
                {
                    return Usage(stderr, "--lock-file needs a value");
                }
            }
            else
            {
                scanArgs.Add(arg);
            }
        }

        var settings = ScanArguments.Parse(scanArgs, workingDirectory, out var problem, out var help);
        if (help)
        {
            stdout.WriteLine(Help);
            return ExitCodes.Clean;
        }

        if (verb == VerifyVerb && !locked)
        {
            return Usage(stderr, "verify needs --locked (check the folder against its lock file)");
        }

        if (settings is null)
        {
            return Usage(stderr, problem!);
        }

        var lockPath = Path.GetFullPath(Path.Combine(workingDirectory, lockFile ?? DefaultLockFile(Path.Combine(workingDirectory, settings.Paths[0]))));
        var lockDisplayPath = FileWalker.DisplayPathOf(lockPath, workingDirectory);
        return ScanCommand.Run(
            settings,
            workingDirectory,
            stdout,
            stderr,
            showProgress: stderrIsTerminal && !settings.Quiet,
            (targets, _, resolver) => LockFileRun.Resolve(LockFileRun.Run(targets, lockPath, lockDisplayPath, locked, new FileHashCache()), resolver, settings.ConfigFiles, discoverEditorConfigs: true, discoverGlobalConfigs: true));
    }

    /// <summary><c>models.lock.json</c> in the folder, or beside the file.</summary>
    private static string DefaultLockFile(string path)
        => Path.Combine(Directory.Exists(path) ? path : Path.GetDirectoryName(Path.GetFullPath(path)) ?? path, ModelLockFile.FileName);

    private static IEnumerable<string> Rest(IReadOnlyList<string> args, int from)
    {
        for (var i = from; i < args.Count; i++)
        {
            yield return args[i];
        }
    }

    private static int Usage(TextWriter stderr, string problem)
    {
        stderr.WriteLine("modelguard: " + problem);
        stderr.WriteLine();
        stderr.WriteLine(Help);
        return ExitCodes.UsageError;
    }
}
