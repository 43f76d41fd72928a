using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Text;
using ModelGuard.Engine.Scanning;
using ModelGuard.Hosting.Configuration;
using ModelGuard.Hosting.Reporting;
using ModelGuard.Hosting.Scanning;

namespace ModelGuard.Cli;

/// <summary>
/// <c>modelguard scan</c>: the build's scan (<see cref="ScanRun"/>: the same configuration, allowlists, severities and SARIF
/// writer) over files and folders, reported in the format asked for.
/// </summary>
internal static class ScanCommand
{
    /// <summary>Scans and reports; <paramref name="afterScan"/> adds findings of a step that follows the scan (the lock file's).</summary>
    public static int Run(
        ScanSettings settings,
        string workingDirectory,
        TextWriter stdout,
        TextWriter stderr,
        bool showProgress,
        Func<IReadOnlyList<ScanTarget>, ResolvedConfiguration, SeverityResolver, IEnumerable<ReportedFinding>>? afterScan = null)
    {
        var stopwatch = Stopwatch.StartNew();
        var scanStartUtc = DateTime.UtcNow;

        // Unlike the build, where a bad property is reported as MG9004 and the default applies, a bad option is a usage error.
        var maxScanTime = ScanRun.ParseMaxScanTime(settings.MaxScanTime, "--max-scan-time", out var problem);
        var helpLinks = HelpLinks.Parse(settings.HelpLinkBase, "--help-link-base", out var linkProblem);
        if ((problem ?? linkProblem) is { } usage)
        {
            stderr.WriteLine("modelguard: " + usage);
            return ExitCodes.UsageError;
        }

        var targets = FileWalker.Expand(settings.Paths, workingDirectory, settings.Output);
        var configuration = ScanRun.LoadConfiguration(settings.ConfigFiles, targets, discoverEditorConfigs: true, discoverGlobalConfigs: true, cached: null);
        var profiles = new AllowProfileSelection(settings.AllowProfiles);
        ScanRun.AssignScanners(targets, configuration, settings.AllowedGlobals.Select(e => e.Entry).ToArray(), profiles, settings.AllowedNativeLibraries, maxScanTime);
        using (var progress = showProgress ? new ScanProgress(stderr, targets) : null)
        {
            ScanRun.ScanAll(targets, cache: null, scanStartUtc, progress is null ? null : progress.Scanned);
        }

        var resolver = new SeverityResolver(
            string.Join(";", settings.NoWarn),
            string.Join(";", settings.WarningsAsErrors),
            string.Join(";", settings.WarningsNotAsErrors),
            settings.TreatWarningsAsErrors);
        var reported = ScanRun.Resolve(targets, configuration, resolver, profiles.Problems, path => FileWalker.DisplayPathOf(path, workingDirectory), AllowlistValidation.Check(settings.AllowedGlobals));
        reported.AddRange(afterScan?.Invoke(targets, configuration, resolver) ?? Array.Empty<ReportedFinding>());

        var summary = ScanSummary.Render(targets, reported, stopwatch.ElapsedMilliseconds, withCache: false);
        return Emit(settings, reported, targets, summary, scanStartUtc, helpLinks, workingDirectory, stdout, stderr);
    }

    /// <summary>
    /// Writes <paramref name="reported"/> in the format and to the place <paramref name="settings"/> ask for, with
    /// <paramref name="summary"/> where a human reads it, and returns the exit code <c>--fail-on</c> gives (shared by every command
    /// that reports findings).
    /// </summary>
    internal static int Emit(ScanSettings settings, List<ReportedFinding> reported, IReadOnlyList<ScanTarget> targets, string summary, DateTime scanStartUtc, HelpLinks helpLinks, string workingDirectory, TextWriter stdout, TextWriter stderr)
    {
        var report = settings.Format switch
        {
            ReportFormat.Json => JsonReportWriter.Render(reported, targets.Count, targets.Count(ScanSummary.IsModel), EngineInfo.Version, helpLinks),
            ReportFormat.Sarif => SarifLogWriter.Render(reported, SarifRun.ForScan(targets, EngineInfo.Version, helpLinks, settings.SarifRoot, workingDirectory, "modelguard/", scanStartUtc)),
            ReportFormat.GitHub => GitHubAnnotations.Render(reported, helpLinks),
            _ => TextReport.Render(reported, helpLinks),
        };
        if (settings.Format == ReportFormat.Text && settings.Output is null && !settings.Quiet)
        {
            report += summary + "\n";
        }

        if (!TryWrite(report, settings.Output, stdout, stderr))
        {
            return ExitCodes.InternalFailure;
        }

        // Machine-readable output stays parseable: its summary goes to standard error.
        if (!settings.Quiet && (settings.Format != ReportFormat.Text || settings.Output is not null))
        {
            stderr.WriteLine(summary);
        }

        return reported.Any(f => Fails(f.Decision.Level, settings.FailOn)) ? ExitCodes.Findings : ExitCodes.Clean;
    }

    private static bool Fails(ReportLevel level, FailLevel failOn) => failOn switch
    {
        FailLevel.Note => level >= ReportLevel.Info,
        FailLevel.Warning => level >= ReportLevel.Warning,
        _ => level >= ReportLevel.Error,
    };

    private static bool TryWrite(string report, string? output, TextWriter stdout, TextWriter stderr)
    {
        if (output is null)
        {
            stdout.Write(report);
            return true;
        }

        try
        {
            var directory = Path.GetDirectoryName(Path.GetFullPath(output));
            if (!string.IsNullOrEmpty(directory))
            {
                Directory.CreateDirectory(directory);
            }

            File.WriteAllText(output, report, new UTF8Encoding(encoderShouldEmitUTF8Identifier: false));
            return true;
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or ArgumentException or NotSupportedException)
        {
            stderr.WriteLine($"modelguard: the report '{output}' cannot be written ({ex.Message})");
            return false;
        }
    }
}
