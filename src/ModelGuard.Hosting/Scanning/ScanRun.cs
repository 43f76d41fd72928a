using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Runtime.InteropServices;
using System.Threading.Tasks;
using ModelGuard.Engine.Findings;
using ModelGuard.Engine.Rules;
using ModelGuard.Engine.Scanning;
using ModelGuard.Hosting.Caching;
using ModelGuard.Hosting.Configuration;
using ModelGuard.Hosting.Reporting;

namespace ModelGuard.Hosting.Scanning;

/// <summary>
/// The steps of a scan that the MSBuild task and the command line share, so both report the same findings with the same levels:
/// load the analyzer configuration, give each file a scanner for its allowlist, scan on every core (through the cache when there
/// is one), and resolve every finding's level.
/// </summary>
internal static class ScanRun
{
    /// <summary>How the file system compares paths.</summary>
    public static StringComparer PathComparer { get; } =
        RuntimeInformation.IsOSPlatform(OSPlatform.Linux) ? StringComparer.Ordinal : StringComparer.OrdinalIgnoreCase;

    /// <summary>How the file system compares path prefixes.</summary>
    public static StringComparison PathComparison { get; } =
        RuntimeInformation.IsOSPlatform(OSPlatform.Linux) ? StringComparison.Ordinal : StringComparison.OrdinalIgnoreCase;

    /// <summary>
    /// The seconds one file may take (<c>ModelGuardMaxScanTime</c>, <c>--max-scan-time</c>) as a time span: empty for the default,
    /// 0 for no limit. A value that is not a number of seconds keeps the default and <paramref name="problem"/> says why (MG9004).
    /// </summary>
    public static TimeSpan ParseMaxScanTime(string? text, string settingName, out string? problem)
    {
        problem = null;
        text = text?.Trim();
        if (string.IsNullOrEmpty(text))
        {
            return ScanOptions.Default.MaxScanTime;
        }

        if (double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var seconds) && seconds >= 0 && seconds <= TimeSpan.MaxValue.TotalSeconds / 2)
        {
            return seconds == 0 ? TimeSpan.Zero : TimeSpan.FromSeconds(seconds);
        }

        problem = $"{settingName} '{text}' is not a number of seconds; the default of {ScanOptions.Default.MaxScanTime.TotalSeconds:0} seconds applies";
        return ScanOptions.Default.MaxScanTime;
    }

    /// <summary>
    /// The .editorconfig and global config settings for the targets: <paramref name="cached"/> (an earlier run's) while the
    /// configuration files, the model list and the switches are unchanged, else combined again. Whatever goes wrong while reading
    /// or combining them is an MG9004 and the defaults apply (fail closed: no setting that could lower a severity is applied).
    /// </summary>
    public static ResolvedConfiguration LoadConfiguration(IEnumerable<string> configFiles, IReadOnlyList<ScanTarget> targets, bool discoverEditorConfigs, bool discoverGlobalConfigs, ResolvedConfiguration? cached)
    {
        var models = targets.Where(t => t.InvalidPath is null).Select(t => t.FullPath).ToList();
        try
        {
            var inputs = ConfigurationInputs.Collect(configFiles, models, discoverEditorConfigs, discoverGlobalConfigs, PathComparer);
            return ResolvedConfiguration.Resolve(inputs, cached);
        }
#pragma warning disable CA1031 // A configuration ModelGuard cannot read is reported (MG9004), not a crash.
        catch (Exception ex)
#pragma warning restore CA1031
        {
            return ResolvedConfiguration.Unavailable($"the analyzer configuration cannot be read ({ex.GetType().Name}: {ex.Message}); no .editorconfig or global config setting is applied", models.Count);
        }
    }

    /// <summary>
    /// Gives every target its settings and a scanner for its allowlist: <paramref name="allowedGlobals"/> (the project's, or the
    /// command line's) plus the file's <c>modelguard_allowed_globals</c>, and its allowlist profiles: <paramref name="profiles"/>
    /// plus the file's <c>modelguard_allow_profiles</c>, and the native libraries an ONNX Runtime GenAI config may load. One scanner per distinct allowlist; files share
    /// <see cref="FileSettings"/> instances, so the options and their fingerprint are built once per instance.
    /// </summary>
    public static void AssignScanners(IReadOnlyList<ScanTarget> targets, ResolvedConfiguration configuration, IReadOnlyCollection<string> allowedGlobals, AllowProfileSelection profiles, IReadOnlyCollection<string> allowedNativeLibraries, TimeSpan maxScanTime)
    {
        var scanners = new Dictionary<string, ModelScanner>(StringComparer.Ordinal);
        var bySettings = new Dictionary<FileSettings, ScannerChoice>();
        var modelIndex = 0;
        foreach (var target in targets)
        {
            target.Settings = target.InvalidPath is null ? configuration.ForModel(modelIndex++) : FileSettings.Empty;
            if (!bySettings.TryGetValue(target.Settings, out var chosen))
            {
                var options = new ScanOptions
                {
                    AllowedGlobals = allowedGlobals.Concat(target.Settings.AllowedGlobals).ToArray(),
                    AllowProfiles = profiles.For(target.Settings.AllowProfiles),
                    AllowedNativeLibraries = allowedNativeLibraries,
                    MaxScanTime = maxScanTime,
                };
                var fingerprint = options.Fingerprint;
                if (!scanners.TryGetValue(fingerprint, out var scanner))
                {
                    scanner = new ModelScanner(options);
                    scanners.Add(fingerprint, scanner);
                }

                chosen = new ScannerChoice(scanner, fingerprint);
                bySettings.Add(target.Settings, chosen);
            }

            target.Scanner = chosen.Scanner;
            target.OptionsFingerprint = chosen.Fingerprint;
        }
    }

    /// <summary>
    /// Scans every target on every core, except those <paramref name="cache"/> holds a verdict for. <paramref name="scanned"/>
    /// is called (from any thread) after each file, for progress.
    /// </summary>
    public static void ScanAll(IReadOnlyList<ScanTarget> targets, ScanCache? cache, DateTime scanStartUtc, Action<ScanTarget>? scanned = null)
    {
        var pending = new List<ScanTarget>();
        foreach (var target in targets)
        {
            if (target.InvalidPath is { } reason)
            {
                target.Findings = new[] { new Finding(RuleCatalog.UnreadableFile, target.DisplayPath, null, null, reason) };
                scanned?.Invoke(target);
                continue;
            }

            target.Stat();
            var hit = cache is null || target.Length < 0
                ? null
                : cache.TryGet(target.FullPath, target.Length, target.LastWriteTicksUtc, target.OptionsFingerprint, target.Stamp);
            if (hit is not null && TryRestore(target, hit))
            {
                target.FromCache = true;
                scanned?.Invoke(target);
            }
            else
            {
                pending.Add(target);
            }
        }

        if (pending.Count == 0)
        {
            // The no-op build: not even Parallel's setup (JIT compiled in every fresh MSBuild process).
            return;
        }

        Parallel.ForEach(pending, target =>
        {
            ScanOne(target, scanStartUtc);
            scanned?.Invoke(target);
        });
    }

    /// <summary>
    /// MG5006: a model reads other files (an ONNX model's external data) that exist but are not among the scanned files, so the
    /// published app does not have them. Models with such references are never cached, so every build checks this.
    /// </summary>
    public static void ReportUnbundledReferences(IReadOnlyList<ScanTarget> targets, Func<string, string> displayPathOf)
    {
        var bundled = new HashSet<string>(targets.Where(t => t.InvalidPath is null).Select(t => t.FullPath), PathComparer);
        foreach (var target in targets)
        {
            var missing = target.ReferencedFiles.Where(f => !bundled.Contains(f)).ToList();
            if (missing.Count == 0)
            {
                continue;
            }

            target.Findings = target.Findings.Concat(missing.Select(file => new Finding(
                RuleCatalog.OnnxExternalDataNotBundled,
                target.DisplayPath,
                null,
                null,
                $"the model reads external data from '{displayPathOf(file)}', which exists but is not an item of the project (see ModelGuardItemTypes); the published app would not find it"))).ToList();
        }
    }

    /// <summary>
    /// Every finding with the level configuration gives it: <paramref name="problems"/> (the caller's own, MG9004 and the like),
    /// the configuration's problems, <paramref name="inputProblems"/> (the caller's inputs located in a file or an option: allowlist
    /// entries, <see cref="AllowlistValidation"/>), then each target's findings in target order.
    /// </summary>
    public static List<ReportedFinding> Resolve(IReadOnlyList<ScanTarget> targets, ResolvedConfiguration configuration, SeverityResolver resolver, IEnumerable<string> problems, Func<string, string> displayPathOf, IEnumerable<ConfigProblem>? inputProblems = null)
    {
        var reported = new List<ReportedFinding>();
        foreach (var problem in problems)
        {
            var rule = RuleCatalog.InvalidAnalyzerConfiguration;
            reported.Add(new ReportedFinding(rule, null, null, 0, null, null, problem, resolver.Resolve(rule, configuration.ProjectSettings)));
        }

        foreach (var problem in configuration.Problems.Concat(inputProblems ?? Array.Empty<ConfigProblem>()))
        {
            var display = problem.FilePath is null ? null : displayPathOf(problem.FilePath);
            reported.Add(new ReportedFinding(problem.Rule, problem.FilePath, display, problem.Line, null, null, problem.Message, resolver.Resolve(problem.Rule, configuration.ProjectSettings)));
        }

        foreach (var target in targets)
        {
            foreach (var finding in target.Findings)
            {
                var decision = resolver.Resolve(finding.Rule, target.Settings, target.NoWarn);
                reported.Add(new ReportedFinding(finding.Rule, target.FullPath, target.DisplayPath, 0, finding.ArchiveMember, finding.Offset, finding.FormatMessage(), decision));
            }
        }

        return reported;
    }

    private static void ScanOne(ScanTarget target, DateTime scanStartUtc)
    {
        try
        {
            var result = target.Scanner!.ScanFile(target.FullPath, target.DisplayPath);
            target.Format = result.Format.ToString();
            target.Findings = result.Findings;
            target.ReferencedFiles = result.ReferencedFiles;

            // Cache only complete verdicts on files that did not change while they were read: never an unreadable file, an
            // internal failure or a file written within the racy window. A verdict that depends on other files (an ONNX model's
            // external data) is not cached: they can change on their own.
            target.Cacheable = target.Length >= 0
                && result.ReferencedFiles.Count == 0
                && result.Findings.All(f => f.Rule.Id is not (RuleIds.InternalError or RuleIds.UnreadableFile or RuleIds.ScanTimeLimitExceeded))
                && !RacyWindow.Contains(target.LastWriteTicksUtc, scanStartUtc)
                && !(target.Stamp.HasIdentity && RacyWindow.Contains(target.Stamp.ChangeTicksUtc, scanStartUtc))
                && target.IsUnchangedOnDisk();
        }
#pragma warning disable CA1031 // A failure on one file must become an MG9001 error for that file, never a crashed build or run.
        catch (Exception ex)
#pragma warning restore CA1031
        {
            target.Format = nameof(ContentFormat.Unknown);
            target.Findings = new[]
            {
                new Finding(
                    RuleCatalog.InternalError,
                    target.DisplayPath,
                    null,
                    null,
                    $"ModelGuard failed while scanning '{target.DisplayPath}' ({ex.GetType().Name}: {ex.Message}); the file was not verified"),
            };
        }
    }

    /// <summary>Rebuilds engine findings from a cache entry; false (rescan) if the entry names a rule this version does not know.</summary>
    private static bool TryRestore(ScanTarget target, CachedScan entry)
    {
        var findings = new List<Finding>(entry.Findings.Count);
        foreach (var cached in entry.Findings)
        {
            var rule = RuleCatalog.Find(cached.RuleId);
            if (rule is null)
            {
                return false;
            }

            findings.Add(new Finding(rule, target.DisplayPath, cached.Member, cached.Offset, cached.Message));
        }

        target.Format = entry.Format;
        target.Findings = findings;
        return true;
    }

    /// <summary>A class, not a tuple: a Dictionary over a struct value is JIT compiled in every fresh MSBuild process.</summary>
    private sealed class ScannerChoice
    {
        public ScannerChoice(ModelScanner scanner, string fingerprint)
        {
            Scanner = scanner;
            Fingerprint = fingerprint;
        }

        public ModelScanner Scanner { get; }

        public string Fingerprint { get; }
    }
}
