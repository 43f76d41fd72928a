using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using ModelGuard.Hosting.Configuration;

namespace ModelGuard.Cli;

/// <summary>Parses the arguments of <c>modelguard scan</c>. Options take their value as the next argument or after <c>=</c>.</summary>
internal static class ScanArguments
{
    private static readonly HashSet<string> ValueOptions = new(StringComparer.Ordinal)
    {
        "-f", "--format", "-o", "--output", "--allow", "--allow-profile", "--allowlist", "--allow-native-library", "--config", "--no-warn", "--nowarn", "--warnnotaserror",
        "--max-scan-time", "--help-link-base", "--fail-on", "--sarif-root",
    };

    /// <summary>The settings, or null with <paramref name="problem"/> saying what is wrong (a usage error).</summary>
    public static ScanSettings? Parse(IReadOnlyList<string> args, string workingDirectory, out string? problem, out bool help)
    {
        var settings = new ScanSettings();
        problem = null;
        help = false;
        var optionsEnded = false;
        for (var i = 0; i < args.Count; i++)
        {
            var arg = args[i];
            if (optionsEnded || !arg.StartsWith("-", StringComparison.Ordinal) || arg == "-")
            {
                settings.Paths.Add(arg);
                continue;
            }

            var name = arg;
            string? inline = null;
            var equals = arg.IndexOf('=');
            if (equals > 0 && arg.StartsWith("--", StringComparison.Ordinal))
            {
                name = arg.Substring(0, equals);
                inline = arg.Substring(equals + 1);
            }

            string? Value()
            {
                if (inline is not null)
                {
                    return inline;
                }

                if (i + 1 < args.Count)
                {
                    return args[++i];
                }

                return null;
            }

            string? value;
            switch (name)
            {
                case "--":
                    optionsEnded = true;
                    continue;
                case "-h":
                case "--help":
                    help = true;
                    return settings;
                case "-q":
                case "--quiet":
                    settings.Quiet = true;
                    continue;
                case "--warnaserror":
                    // --warnaserror alone: every warning becomes an error; --warnaserror=IDs: those rules only (csc's switches).
                    if (inline is null)
                    {
                        settings.TreatWarningsAsErrors = true;
                    }
                    else
                    {
                        settings.WarningsAsErrors.AddRange(SplitList(inline));
                    }

                    continue;
            }

            if (!ValueOptions.Contains(name))
            {
                problem = $"unknown option '{name}'";
                return null;
            }

            value = Value();
            if (value is null)
            {
                problem = $"{name} needs a value";
                return null;
            }

            switch (name)
            {
                case "-f":
                case "--format":
                    if (!TryParseFormat(value, out var format))
                    {
                        problem = $"unknown format '{value}' (supported: text, json, sarif, github)";
                        return null;
                    }

                    settings.Format = format;
                    break;
                case "-o":
                case "--output":
                    settings.Output = Path.Combine(workingDirectory, value);
                    break;
                case "--allow":
                    settings.AllowedGlobals.AddRange(SplitList(value).Select(entry => new AllowlistEntrySource(entry, "--allow")));
                    break;
                case "--allow-profile":
                    foreach (var profile in SplitList(value))
                    {
                        if (!ModelGuard.Engine.Policy.AllowProfiles.Exists(profile))
                        {
                            problem = $"unknown allowlist profile '{profile}' (profiles: {string.Join(", ", ModelGuard.Engine.Policy.AllowProfiles.Names)})";
                            return null;
                        }

                        settings.AllowProfiles.Add(profile);
                    }

                    break;
                case "--allowlist":
                    if (!TryReadAllowlist(Path.Combine(workingDirectory, value), settings.AllowedGlobals, out problem))
                    {
                        return null;
                    }

                    break;
                case "--sarif-root":
                    settings.SarifRoot = Path.GetFullPath(Path.Combine(workingDirectory, value));
                    break;
                case "--allow-native-library":
                    settings.AllowedNativeLibraries.AddRange(SplitList(value));
                    break;
                case "--config":
                    settings.ConfigFiles.Add(Path.GetFullPath(Path.Combine(workingDirectory, value)));
                    break;
                case "--no-warn":
                case "--nowarn":
                    settings.NoWarn.AddRange(SplitList(value));
                    break;
                case "--warnnotaserror":
                    settings.WarningsNotAsErrors.AddRange(SplitList(value));
                    break;
                case "--max-scan-time":
                    settings.MaxScanTime = value;
                    break;
                case "--help-link-base":
                    settings.HelpLinkBase = value;
                    break;
                case "--fail-on":
                    if (!TryParseFailLevel(value, out var level))
                    {
                        problem = $"unknown --fail-on level '{value}' (error, warning or note)";
                        return null;
                    }

                    settings.FailOn = level;
                    break;
                default:
                    problem = $"unknown option '{name}'";
                    return null;
            }
        }

        if (settings.Paths.Count == 0)
        {
            problem = "no file or directory to scan";
            return null;
        }

        return settings;
    }

    private static IEnumerable<string> SplitList(string value) => FileSettings.SplitList(value);

    private static bool TryParseFormat(string value, out ReportFormat format)
    {
        switch (value.ToLowerInvariant())
        {
            case "text":
                format = ReportFormat.Text;
                return true;
            case "json":
                format = ReportFormat.Json;
                return true;
            case "sarif":
                format = ReportFormat.Sarif;
                return true;
            case "github":
                format = ReportFormat.GitHub;
                return true;
            default:
                format = ReportFormat.Text;
                return false;
        }
    }

    private static bool TryParseFailLevel(string value, out FailLevel level)
    {
        switch (value.ToLowerInvariant())
        {
            case "error":
                level = FailLevel.Error;
                return true;
            case "warning":
                level = FailLevel.Warning;
                return true;
            case "note":
            case "suggestion":
                level = FailLevel.Note;
                return true;
            default:
                level = FailLevel.Error;
                return false;
        }
    }

    /// <summary>An allowlist file: one <c>module.name</c> per line (or several separated by commas or spaces); <c>#</c> starts a comment.</summary>
    private static bool TryReadAllowlist(string path, List<AllowlistEntrySource> allowed, out string? problem)
    {
        problem = null;
        string[] lines;
        try
        {
            lines = File.ReadAllLines(path);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or ArgumentException or NotSupportedException)
        {
            problem = $"the allowlist '{path}' cannot be read ({ex.Message})";
            return false;
        }

        var fullPath = Path.GetFullPath(path);
        for (var i = 0; i < lines.Length; i++)
        {
            var line = lines[i];
            var comment = line.IndexOf('#');
            allowed.AddRange(SplitList(comment >= 0 ? line.Substring(0, comment) : line).Select(entry => new AllowlistEntrySource(entry, "--allowlist", fullPath, i + 1)));
        }

        return true;
    }
}
