using System;
using System.IO;
using ModelGuard.Engine.Scanning;

namespace ModelGuard.Cli;

/// <summary>Dispatches <c>modelguard &lt;command&gt;</c> and prints help and the version.</summary>
internal static class CommandLine
{
    internal const string Usage =
        "Usage: modelguard scan <file-or-dir>... [options]\n"
        + "       modelguard lock <dir> [options]                      (pin models in models.lock.json)\n"
        + "       modelguard verify --locked <dir> | --signature <dir>... [options]\n"
        + "       modelguard --version | --help | scan --help\n"
        + "\n"
        + "Statically scans ML model files (pickles, PyTorch checkpoints, safetensors, ...) for content that runs code when\n"
        + "loaded, with the engine and the configuration of the ModelGuard build package. Never executes or modifies the files.\n"
        + "\n"
        + "Exit codes: 0 nothing at or above --fail-on, 1 findings at or above it, 2 usage error, 3 internal failure.";

    internal static readonly string ScanHelp =
        "Usage: modelguard scan <file-or-dir>... [options]\n"
        + "\n"
        + "Scans files and folders (recursively, hidden files included, on every core). Files are recognised by content, not by\n"
        + "extension. Severities follow the .editorconfig and .globalconfig files in each file's folder and above, as in the build.\n"
        + "\n"
        + "Options:\n"
        + "  -f, --format <text|json|sarif|github>  report format (default text); github prints workflow commands (annotations)\n"
        + "  -o, --output <file>                    write the report to a file instead of standard output\n"
        + "  --sarif-root <dir>                     SARIF URIs relative to this folder (default: the enclosing git repository)\n"
        + "  --allow <module.name>[,...]            allow your own pickled globals (MG1002); never allows what MG1001 denies\n"
        + "  --allow-profile <name>[,...]           allow the classes an ecosystem's checkpoints pickle (profiles: " + string.Join(", ", ModelGuard.Engine.Policy.AllowProfiles.Names) + ")\n"
        + "  --allowlist <file>                     read globals to allow from a file, one per line, # comments\n"
        + "  --allow-native-library <name>[,...]    allow a native library a genai_config.json loads (custom_ops_library, MG5030)\n"
        + "  --config <file>                        an extra .editorconfig or global config (like @(EditorConfigFiles))\n"
        + "  --no-warn <IDs>                        suppress rules (NoWarn), IDs separated by , or ;\n"
        + "  --warnaserror                          report warnings as errors (TreatWarningsAsErrors)\n"
        + "  --warnaserror=<IDs>                    report these rules as errors (WarningsAsErrors)\n"
        + "  --warnnotaserror=<IDs>                 keep these rules at their level (WarningsNotAsErrors)\n"
        + "  --max-scan-time <seconds>              time limit per file (default 60, 0 for none); slower files are MG3021\n"
        + "  --fail-on <error|warning|note>         lowest level that makes the exit code 1 (default error)\n"
        + "  --help-link-base <url>                 where help links point (default: the repository's rule pages)\n"
        + "  -q, --quiet                            no progress and no summary line\n"
        + "  -h, --help                             this help\n"
        + "\n"
        + "Progress goes to standard error when it is a terminal; nothing when it is redirected.\n"
        + "\n"
        + "Examples:\n"
        + "  modelguard scan models/\n"
        + "  modelguard scan models/ --format sarif --output modelguard.sarif\n"
        + "  modelguard scan . --format github --fail-on warning\n"
        + "  modelguard scan model.pt --allow mypkg.layers.Custom --no-warn MG3010 --format json\n"
        + "\n"
        + "Exit codes: 0 nothing at or above --fail-on, 1 findings at or above it, 2 usage error, 3 internal failure.";

    /// <summary>Runs one command. Relative paths on the command line are resolved against <paramref name="workingDirectory"/> (the process's by default).</summary>
    public static int Run(string[] args, TextWriter stdout, TextWriter stderr, bool stderrIsTerminal = false, string? workingDirectory = null)
    {
        workingDirectory ??= Directory.GetCurrentDirectory();
        if (args.Length == 0)
        {
            return Fail(stderr, "missing command", Usage);
        }

        switch (args[0])
        {
            case "-h":
            case "--help":
                stdout.WriteLine(Usage);
                return ExitCodes.Clean;
            case "help":
                stdout.WriteLine(args.Length > 1 && args[1] == "scan" ? ScanHelp : args.Length > 1 && args[1] == LockCommand.LockVerb ? LockCommand.Help : args.Length > 1 && args[1] == LockCommand.VerifyVerb ? VerifyHelp : Usage);
                return ExitCodes.Clean;
            case "--version":
                stdout.WriteLine(EngineInfo.Version);
                return ExitCodes.Clean;
            case "scan":
                var settings = ScanArguments.Parse(new ArraySegment<string>(args, 1, args.Length - 1), workingDirectory, out var problem, out var help);
                if (help)
                {
                    stdout.WriteLine(ScanHelp);
                    return ExitCodes.Clean;
                }

                return settings is null
                    ? Fail(stderr, problem!, ScanHelp)
                    : ScanCommand.Run(settings, workingDirectory, stdout, stderr, showProgress: stderrIsTerminal && !settings.Quiet);
            case LockCommand.LockVerb:
                return LockCommand.Run(args[0], new ArraySegment<string>(args, 1, args.Length - 1), workingDirectory, stdout, stderr, stderrIsTerminal);
            case LockCommand.VerifyVerb:
                // Two checks share the verb; each takes its own options, so one runs at a time.
                var verifyArgs = new ArraySegment<string>(args, 1, args.Length - 1);
                var signature = Array.IndexOf(args, "--signature", 1) > 0;
                var locked = Array.IndexOf(args, "--locked", 1) > 0;
                return (signature, locked) switch
                {
                    (true, true) => Fail(stderr, "verify checks one thing at a time: run verify --locked and verify --signature separately", VerifyHelp),
                    (true, false) => SignatureVerification.Run(verifyArgs, workingDirectory, stdout, stderr),
                    (false, true) => LockCommand.Run(args[0], verifyArgs, workingDirectory, stdout, stderr, stderrIsTerminal),
                    _ => Fail(stderr, "verify needs what to verify: --locked (the lock file) or --signature (model.sig)", VerifyHelp),
                };
            default:
                return Fail(stderr, $"unknown command '{args[0]}'", Usage);
        }
    }

    private static string VerifyHelp => LockCommand.Help + "\n\n" + SignatureVerification.Help;

    private static int Fail(TextWriter stderr, string problem, string usage)
    {
        stderr.WriteLine("modelguard: " + problem);
        stderr.WriteLine();
        stderr.WriteLine(usage);
        return ExitCodes.UsageError;
    }
}
