using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Threading.Tasks;
using ModelGuard.Engine.Findings;
using ModelGuard.Engine.Rules;
using ModelGuard.Engine.Scanning;

namespace ModelGuard.Cli;

/// <summary>Parses the command line, scans, prints findings in MSBuild's diagnostic format and picks the exit code.</summary>
internal static class CommandLine
{
    /// <summary>No error-level finding.</summary>
    public const int Clean = 0;

    /// <summary>At least one error-level finding (including files that could not be read or verified).</summary>
    public const int FoundErrors = 1;

    /// <summary>The command line was not understood.</summary>
    public const int UsageError = 2;

    private static readonly string Usage =
        "Usage: modelguard scan <file-or-dir>... [--format text] [--allow-profile <name>[,<name>...]]\n"
        + "\n"
        + "Statically scans model files (pickles, PyTorch checkpoints, ...) for content that runs code when loaded.\n"
        + "Directories are scanned recursively; files are recognised by content, not by extension.\n"
        + "Never executes or modifies the files.\n"
        + "--allow-profile also allows the classes an ecosystem's checkpoints pickle (repeatable; profiles: "
        + string.Join(", ", ModelGuard.Engine.Policy.AllowProfiles.Names) + "). A profile never allows what MG1001 denies.\n"
        + "\n"
        + "Exit codes: 0 no error-level finding, 1 at least one, 2 usage error.";

    public static int Run(string[] args, TextWriter stdout, TextWriter stderr)
    {
        if (args.Length == 1 && args[0] is "-h" or "--help" or "help")
        {
            stdout.WriteLine(Usage);
            return Clean;
        }

        if (args.Length == 0 || args[0] != "scan")
        {
            return Fail(stderr, args.Length == 0 ? "missing command" : $"unknown command '{args[0]}'");
        }

        var inputs = new List<string>();
        var profiles = new List<string>();
        for (var i = 1; i < args.Length; i++)
        {
            var arg = args[i];
            if (arg is "--allow-profile" || arg.StartsWith("--allow-profile=", StringComparison.Ordinal))
            {
                var value = arg.Length > "--allow-profile".Length ? arg.Substring("--allow-profile=".Length) : i + 1 < args.Length ? args[++i] : null;
                if (value is null)
                {
                    return Fail(stderr, "--allow-profile needs a value");
                }

                foreach (var name in value.Split(new[] { ',', ' ' }, StringSplitOptions.RemoveEmptyEntries))
                {
                    if (!ModelGuard.Engine.Policy.AllowProfiles.Exists(name))
                    {
                        return Fail(stderr, $"unknown allowlist profile '{name}' (profiles: {string.Join(", ", ModelGuard.Engine.Policy.AllowProfiles.Names)})");
                    }

                    profiles.Add(name);
                }
            }
            else if (arg is "--format")
            {
                if (i + 1 >= args.Length)
                {
                    return Fail(stderr, "--format needs a value");
                }

                if (args[++i] != "text")
                {
                    return Fail(stderr, $"unknown format '{args[i]}' (supported: text)");
                }
            }
            else if (arg.StartsWith("--format=", StringComparison.Ordinal))
            {
                if (arg.Substring("--format=".Length) != "text")
                {
                    return Fail(stderr, $"unknown format '{arg.Substring("--format=".Length)}' (supported: text)");
                }
            }
            else if (arg is "-h" or "--help")
            {
                stdout.WriteLine(Usage);
                return Clean;
            }
            else if (arg.StartsWith("-", StringComparison.Ordinal) && arg != "-" && !File.Exists(arg) && !Directory.Exists(arg))
            {
                return Fail(stderr, $"unknown option '{arg}'");
            }
            else
            {
                inputs.Add(arg);
            }
        }

        if (inputs.Count == 0)
        {
            return Fail(stderr, "no file or directory to scan");
        }

        return Scan(inputs, new ScanOptions { AllowProfiles = profiles }, stdout);
    }

    private static int Scan(List<string> inputs, ScanOptions options, TextWriter stdout)
    {
        var stopwatch = Stopwatch.StartNew();
        var walkFindings = new List<Finding>();
        var files = FileWalker.Expand(inputs, walkFindings);

        var scanner = new ModelScanner(options);
        var results = new ScanResult[files.Count];
        Parallel.For(0, files.Count, i => results[i] = ScanOne(scanner, files[i]));

        int errors = 0, warnings = 0;
        foreach (var finding in walkFindings.Concat(results.SelectMany(r => r.Findings)))
        {
            var severity = finding.Rule.DefaultSeverity;
            if (severity == RuleSeverity.Hidden)
            {
                continue;
            }

            if (severity == RuleSeverity.Error)
            {
                errors++;
            }
            else if (severity == RuleSeverity.Warning)
            {
                warnings++;
            }

            stdout.WriteLine(Format(finding));
        }

        stdout.WriteLine(string.Format(
            CultureInfo.InvariantCulture,
            "ModelGuard: scanned {0} file(s), {1} error(s), {2} warning(s) in {3} ms",
            files.Count,
            errors,
            warnings,
            stopwatch.ElapsedMilliseconds));
        return errors > 0 ? FoundErrors : Clean;
    }

    private static ScanResult ScanOne(ModelScanner scanner, string path)
    {
        try
        {
            return scanner.ScanFile(path);
        }
#pragma warning disable CA1031 // One file failing must not stop the others; it is reported as MG9001.
        catch (Exception ex)
#pragma warning restore CA1031
        {
            var message = $"ModelGuard failed while scanning '{path}' ({ex.GetType().Name}: {ex.Message}); the file was not verified";
            return new ScanResult(path, ContentFormat.Unknown, new[] { new Finding(RuleCatalog.InternalError, path, null, null, message) });
        }
    }

    /// <summary><c>path : error MG1001: message [helpLink]</c>, the shape MSBuild and editors recognise.</summary>
    internal static string Format(Finding finding)
    {
        var severity = finding.Rule.DefaultSeverity switch
        {
            RuleSeverity.Error => "error",
            RuleSeverity.Warning => "warning",
            _ => "info",
        };
        return $"{finding.FilePath} : {severity} {finding.Rule.Id}: {finding.FormatMessage()} [{finding.Rule.HelpLink}]";
    }

    private static int Fail(TextWriter stderr, string problem)
    {
        stderr.WriteLine("modelguard: " + problem);
        stderr.WriteLine();
        stderr.WriteLine(Usage);
        return UsageError;
    }
}
