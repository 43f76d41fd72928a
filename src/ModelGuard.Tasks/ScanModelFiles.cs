using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Runtime.InteropServices;
using System.Threading.Tasks;
using Microsoft.Build.Framework;
using Microsoft.Build.Utilities;
using ModelGuard.Engine.Findings;
using ModelGuard.Engine.Rules;
using ModelGuard.Engine.Scanning;
using ModelGuard.Tasks.Caching;
using ModelGuard.Tasks.Configuration;
using ModelGuard.Tasks.Reporting;

namespace ModelGuard.Tasks;

/// <summary>
/// Scans the files a project bundles (the targets pass <c>@(Content);@(None);@(EmbeddedResource)</c>) and reports every
/// finding as an MSBuild error, warning or message with its rule ID, so a malicious model fails the build. A thin layer:
/// format knowledge lives in the engine, severity resolution in <see cref="SeverityResolver"/> and
/// <see cref="AnalyzerConfiguration"/>, the cache in <see cref="ScanCache"/>, the SARIF log in <see cref="SarifLogWriter"/>.
/// </summary>
public sealed class ScanModelFiles : Microsoft.Build.Utilities.Task
{
    /// <summary>Item metadata that excludes one item from the scan when it is <c>false</c>.</summary>
    public const string EnabledMetadata = "ModelGuard";

    /// <summary>Item metadata with rule IDs to suppress for that item only (same syntax as <see cref="NoWarn"/>).</summary>
    public const string NoWarnMetadata = "ModelGuardNoWarn";

    /// <summary>Files whose last write is more recent than this when the scan starts are not cached: a coarse file system
    /// clock (FAT: 2 s) could hide a rewrite of the same size within the same tick.</summary>
    private static readonly TimeSpan RacyWindow = TimeSpan.FromSeconds(2);

    private static readonly HashSet<string> NoIds = new(StringComparer.OrdinalIgnoreCase);

    private static readonly StringComparer PathComparer =
        RuntimeInformation.IsOSPlatform(OSPlatform.Linux) ? StringComparer.Ordinal : StringComparer.OrdinalIgnoreCase;

    // The project directory as a prefix, computed once: display paths are worked out for every item.
    private string? _projectPrefix;

    private static readonly StringComparison PathComparison =
        RuntimeInformation.IsOSPlatform(OSPlatform.Linux) ? StringComparison.Ordinal : StringComparison.OrdinalIgnoreCase;

    /// <summary>The candidate files. Items whose content is not a model format produce no findings.</summary>
    [Required]
    public ITaskItem[] Files { get; set; } = Array.Empty<ITaskItem>();

    /// <summary>Rule IDs to suppress, separated by semicolons or commas (the project's <c>$(NoWarn)</c>).</summary>
    public string? NoWarn { get; set; }

    /// <summary>Rule IDs reported as errors (<c>$(WarningsAsErrors)</c>).</summary>
    public string? WarningsAsErrors { get; set; }

    /// <summary>Rule IDs kept at their configured level when warnings become errors (<c>$(WarningsNotAsErrors)</c>).</summary>
    public string? WarningsNotAsErrors { get; set; }

    /// <summary>Turns warnings into errors (<c>$(ModelGuardTreatWarningsAsErrors)</c>, which defaults to <c>$(TreatWarningsAsErrors)</c>).</summary>
    public bool TreatWarningsAsErrors { get; set; }

    /// <summary>The project's analyzer configuration files (<c>@(EditorConfigFiles)</c>).</summary>
    public ITaskItem[] EditorConfigFiles { get; set; } = Array.Empty<ITaskItem>();

    /// <summary>Also read the <c>.editorconfig</c> files in the folders of the model files and above (<c>$(DiscoverEditorConfigFiles)</c>).</summary>
    public bool DiscoverEditorConfigFiles { get; set; } = true;

    /// <summary>Also read the <c>.globalconfig</c> files in the folders of the model files and above (<c>$(DiscoverGlobalAnalyzerConfigFiles)</c>).</summary>
    public bool DiscoverGlobalAnalyzerConfigFiles { get; set; } = true;

    /// <summary>The user's own pickled globals (<c>@(ModelGuardAllowedGlobal)</c>), as <c>module.name</c>.</summary>
    public ITaskItem[] AllowedGlobals { get; set; } = Array.Empty<ITaskItem>();

    /// <summary>Native custom-op libraries an ONNX Runtime GenAI config may load (<c>@(ModelGuardAllowedNativeLibrary)</c>).</summary>
    public ITaskItem[] AllowedNativeLibraries { get; set; } = Array.Empty<ITaskItem>();

    /// <summary>The per-file result cache (<c>$(IntermediateOutputPath)modelguard.cache</c>); empty turns caching off.</summary>
    public string? CacheFile { get; set; }

    /// <summary>Where to write a SARIF 2.1.0 log (<c>$(ModelGuardErrorLog)</c>); empty writes none.</summary>
    public string? ErrorLog { get; set; }

    /// <summary>
    /// Seconds one file may take to scan (<c>$(ModelGuardMaxScanTime)</c>); empty for the default (60), 0 for no limit. A file that
    /// takes longer is reported (MG3021), never passed.
    /// </summary>
    public string? MaxScanTime { get; set; }

    /// <summary>The project's directory; display paths of items under it are shown relative to it.</summary>
    public string ProjectDirectory { get; set; } = string.Empty;

    /// <summary>
    /// The project's intermediate folder (<c>$(BaseIntermediateOutputPath)</c>). A listed file under it that does not exist yet
    /// is one the build writes later (the SDK lists the apphost as None before it creates it) and is left out; a missing file
    /// anywhere else is reported (MG9002). Checked here rather than in the target, which had to test every candidate's existence.
    /// </summary>
    public string? IntermediateDirectory { get; set; }

    /// <summary>The items that were scanned (after exclusions and de-duplication), in input order, with <c>ModelGuardFormat</c> metadata.</summary>
    [Output]
    public ITaskItem[] ScannedFiles { get; private set; } = Array.Empty<ITaskItem>();

    /// <inheritdoc />
    public override bool Execute()
    {
        try
        {
            return ExecuteCore();
        }
#pragma warning disable CA1031 // The task must never fail with MSBuild's "task failed unexpectedly" and a stack trace: MG9001 instead.
        catch (Exception ex)
#pragma warning restore CA1031
        {
            var rule = RuleCatalog.InternalError;
            var project = BuildEngine?.ProjectFileOfTaskNode ?? string.Empty;
            Log.LogError(null, rule.Id, rule.Id, rule.HelpLink.AbsoluteUri, project, 0, 0, 0, 0, $"ModelGuard failed before it could report on the project's files ({ex.GetType().Name}: {ex.Message}); the model files were not verified");
            return false;
        }
    }

    private bool ExecuteCore()
    {
        var stopwatch = Stopwatch.StartNew();
        var scanStartUtc = DateTime.UtcNow;
        var resolver = new SeverityResolver(NoWarn, WarningsAsErrors, WarningsNotAsErrors, TreatWarningsAsErrors);
        var targets = SelectTargets(Files ?? Array.Empty<ITaskItem>());
        var cache = LoadCache();
        var configuration = LoadConfiguration(targets, cache?.Configuration);
        var maxScanTime = ParseMaxScanTime(out var maxScanTimeProblem);

        // One scanner per distinct allowlist: @(ModelGuardAllowedGlobal) plus the file's modelguard_allowed_globals. Files share
        // FileSettings instances (see ResolvedConfiguration), so the options and their fingerprint are built once per instance.
        var projectAllowed = (AllowedGlobals ?? Array.Empty<ITaskItem>()).Select(i => i.ItemSpec.Trim()).Where(s => s.Length > 0).ToArray();
        var nativeAllowed = (AllowedNativeLibraries ?? Array.Empty<ITaskItem>()).Select(i => i.ItemSpec.Trim()).Where(s => s.Length > 0).ToArray();
        var scanners = new Dictionary<string, ModelScanner>(StringComparer.Ordinal);
        var bySettings = new Dictionary<FileSettings, ScannerChoice>();
        var modelIndex = 0;
        foreach (var target in targets)
        {
            target.Settings = target.InvalidPath is null ? configuration.ForModel(modelIndex++) : FileSettings.Empty;
            if (!bySettings.TryGetValue(target.Settings, out var chosen))
            {
                var options = new ScanOptions { AllowedGlobals = projectAllowed.Concat(target.Settings.AllowedGlobals).ToArray(), AllowedNativeLibraries = nativeAllowed, MaxScanTime = maxScanTime };
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

        ScanAll(targets, cache, scanStartUtc);
        ReportUnbundledReferences(targets);
        SaveCache(cache, targets, configuration);

        var reported = new List<ReportedFinding>();
        if (maxScanTimeProblem is not null)
        {
            var rule = RuleCatalog.InvalidAnalyzerConfiguration;
            reported.Add(new ReportedFinding(rule, null, null, 0, null, null, maxScanTimeProblem, resolver.Resolve(rule, configuration.ProjectSettings)));
        }

        foreach (var problem in configuration.Problems)
        {
            var display = problem.FilePath is null ? null : DisplayPathOf(problem.FilePath);
            reported.Add(new ReportedFinding(problem.Rule, problem.FilePath, display, problem.Line, null, null, problem.Message, resolver.Resolve(problem.Rule, configuration.ProjectSettings)));
        }

        var scanned = new ITaskItem[targets.Count];
        for (var i = 0; i < targets.Count; i++)
        {
            var target = targets[i];
            var output = new TaskItem(target.Item);
            output.SetMetadata("ModelGuardFormat", target.Format);
            scanned[i] = output;
            foreach (var finding in target.Findings)
            {
                var decision = resolver.Resolve(finding.Rule, target.Settings, target.NoWarn);
                reported.Add(new ReportedFinding(finding.Rule, target.FullPath, target.DisplayPath, 0, finding.ArchiveMember, finding.Offset, finding.FormatMessage(), decision));
            }
        }

        foreach (var finding in reported)
        {
            Report(finding);
        }

        if (!string.IsNullOrWhiteSpace(ErrorLog))
        {
            WriteErrorLog(reported, resolver);
        }

        ScannedFiles = scanned;
        LogSummary(targets, reported, stopwatch.ElapsedMilliseconds);
        return !Log.HasLoggedErrors;
    }

    private void ScanAll(List<Target> targets, ScanCache? cache, DateTime scanStartUtc)
    {
        var pending = new List<Target>();
        foreach (var target in targets)
        {
            if (target.InvalidPath is { } reason)
            {
                target.Findings = new[] { new Finding(RuleCatalog.UnreadableFile, target.DisplayPath, null, null, reason) };
                continue;
            }

            target.Stat();
            var hit = cache is null || target.Length < 0
                ? null
                : cache.TryGet(target.FullPath, target.Length, target.LastWriteTicksUtc, target.OptionsFingerprint);
            if (hit is not null && TryRestore(target, hit))
            {
                target.FromCache = true;
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
            try
            {
                var result = target.Scanner!.ScanFile(target.FullPath, target.DisplayPath);
                target.Format = result.Format.ToString();
                target.Findings = result.Findings;
                target.ReferencedFiles = result.ReferencedFiles;

                // Cache only complete verdicts on files that did not change while they were read: never an unreadable file, an
                // internal failure or a file written within the racy window.
                // A verdict that depends on other files (an ONNX model's external data) is not cached: they can change on their own.
                target.Cacheable = target.Length >= 0
                    && result.ReferencedFiles.Count == 0
                    && result.Findings.All(f => f.Rule.Id is not (RuleIds.InternalError or RuleIds.UnreadableFile or RuleIds.ScanTimeLimitExceeded))
                    && scanStartUtc - new DateTime(target.LastWriteTicksUtc, DateTimeKind.Utc) > RacyWindow
                    && target.IsUnchangedOnDisk();
            }
#pragma warning disable CA1031 // A failure on one file must become an MG9001 error for that file, never a crashed build.
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
        });
    }

    /// <summary>
    /// MG5006: a model reads other files (an ONNX model's external data) that exist but are not items of the project, so the
    /// published app does not have them. Models with such references are never cached, so every build checks this.
    /// </summary>
    private void ReportUnbundledReferences(List<Target> targets)
    {
        var bundled = new HashSet<string>(targets.Where(t => t.InvalidPath is null).Select(t => t.FullPath), PathComparer);
        foreach (var target in targets)
        {
            var missing = target.ReferencedFiles.Where(f => !bundled.Contains(f)).ToList();
            if (missing.Count == 0)
            {
                continue;
            }

            var findings = target.Findings.ToList();
            foreach (var file in missing)
            {
                findings.Add(new Finding(
                    RuleCatalog.OnnxExternalDataNotBundled,
                    target.DisplayPath,
                    null,
                    null,
                    $"the model reads external data from '{DisplayPathOf(file)}', which exists but is not an item of the project (Content, None or EmbeddedResource); the published app would not find it"));
            }

            target.Findings = findings;
        }
    }

    /// <summary>Rebuilds engine findings from a cache entry; false (rescan) if the entry names a rule this build does not know.</summary>
    private static bool TryRestore(Target target, CachedScan entry)
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

    /// <summary><see cref="MaxScanTime"/> as a time span; a value that is not a number of seconds keeps the default and is reported.</summary>
    private TimeSpan ParseMaxScanTime(out string? problem)
    {
        problem = null;
        var text = MaxScanTime?.Trim();
        if (string.IsNullOrEmpty(text))
        {
            return ScanOptions.Default.MaxScanTime;
        }

        if (double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var seconds) && seconds >= 0 && seconds <= TimeSpan.MaxValue.TotalSeconds / 2)
        {
            return seconds == 0 ? TimeSpan.Zero : TimeSpan.FromSeconds(seconds);
        }

        problem = $"ModelGuardMaxScanTime '{text}' is not a number of seconds; the default of {ScanOptions.Default.MaxScanTime.TotalSeconds:0} seconds applies";
        return ScanOptions.Default.MaxScanTime;
    }

    /// <summary>
    /// The .editorconfig and global config settings for the targets: <paramref name="cached"/> (the previous build's) while the
    /// configuration files, the model list and the switches are unchanged, else combined again. Whatever goes wrong while reading
    /// or combining them is an MG9004 and the defaults apply (fail closed: no setting that could lower a severity is applied),
    /// never a failed task.
    /// </summary>
    private ResolvedConfiguration LoadConfiguration(List<Target> targets, ResolvedConfiguration? cached)
    {
        var models = targets.Where(t => t.InvalidPath is null).Select(t => t.FullPath).ToList();
        try
        {
            var inputs = ConfigurationInputs.Collect(
                (EditorConfigFiles ?? Array.Empty<ITaskItem>()).Select(ResolveFullPath),
                models,
                DiscoverEditorConfigFiles,
                DiscoverGlobalAnalyzerConfigFiles,
                PathComparer);
            return ResolvedConfiguration.Resolve(inputs, cached);
        }
#pragma warning disable CA1031 // A configuration ModelGuard cannot read is reported (MG9004), not a crashed build.
        catch (Exception ex)
#pragma warning restore CA1031
        {
            return ResolvedConfiguration.Unavailable($"the analyzer configuration cannot be read ({ex.GetType().Name}: {ex.Message}); no .editorconfig or global config setting is applied", models.Count);
        }
    }

    private ScanCache? LoadCache()
    {
        if (string.IsNullOrWhiteSpace(CacheFile))
        {
            return null;
        }

        try
        {
            var cache = ScanCache.Load(ResolvePath(CacheFile!), EngineInfo.Version, PathComparer, out var problem);
            if (problem is not null)
            {
                // Not a finding: nothing is passed on the strength of a bad cache, every file is scanned again.
                Log.LogMessage(MessageImportance.Normal, $"ModelGuard: the cache '{CacheFile}' {problem}; every file is scanned again");
            }

            return cache;
        }
#pragma warning disable CA1031 // Without a cache every file is scanned: slower, never less safe.
        catch (Exception ex)
#pragma warning restore CA1031
        {
            Log.LogMessage(MessageImportance.Normal, $"ModelGuard: the cache '{CacheFile}' cannot be used ({ex.GetType().Name}: {ex.Message}); every file is scanned again and the cache is not written");
            return null;
        }
    }

    private void SaveCache(ScanCache? cache, List<Target> targets, ResolvedConfiguration configuration)
    {
        if (cache is null)
        {
            return;
        }

        // The new cache holds exactly this build's files and configuration; it is rewritten only when something changed.
        var keptConfiguration = configuration.Key is null ? null : configuration;
        if (cache.Count == targets.Count && ReferenceEquals(cache.Configuration, keptConfiguration) && targets.TrueForAll(t => t.FromCache))
        {
            return;
        }

        var fresh = ScanCache.Empty(EngineInfo.Version, PathComparer);
        fresh.Configuration = keptConfiguration;
        foreach (var target in targets)
        {
            if (target.FromCache)
            {
                fresh.Set(cache.TryGet(target.FullPath, target.Length, target.LastWriteTicksUtc, target.OptionsFingerprint)!);
            }
            else
            {
                if (target.Cacheable)
                {
                    fresh.Set(new CachedScan(
                        target.FullPath,
                        target.Length,
                        target.LastWriteTicksUtc,
                        target.OptionsFingerprint,
                        target.Format,
                        target.Findings.Select(f => new CachedFinding(f.Rule.Id, f.ArchiveMember, f.Offset, f.Message)).ToArray()));
                }
            }
        }

        try
        {
            fresh.Save(ResolvePath(CacheFile!));
        }
#pragma warning disable CA1031 // A cache that cannot be written only costs time on the next build.
        catch (Exception ex)
#pragma warning restore CA1031
        {
            // A cache that cannot be written only costs time on the next build.
            Log.LogMessage(MessageImportance.Normal, $"ModelGuard: the cache '{CacheFile}' cannot be written ({ex.GetType().Name}: {ex.Message})");
        }
    }

    private void WriteErrorLog(List<ReportedFinding> reported, SeverityResolver resolver)
    {
        try
        {
            SarifLogWriter.Write(ResolvePath(ErrorLog!), reported, EngineInfo.Version);
        }
#pragma warning disable CA1031 // Whatever stops the log from being written is MG9005, never a crashed build.
        catch (Exception ex)
#pragma warning restore CA1031
        {
            var rule = RuleCatalog.ErrorLogNotWritten;
            var finding = new ReportedFinding(rule, null, null, 0, null, null, $"the SARIF log '{ErrorLog}' cannot be written ({ex.GetType().Name}: {ex.Message})", resolver.Resolve(rule, FileSettings.Empty));
            reported.Add(finding);
            Report(finding);
        }
    }

    private void Report(ReportedFinding finding)
    {
        var code = finding.Rule.Id;
        var helpLink = finding.Rule.HelpLink.AbsoluteUri;
        var file = finding.DisplayPath ?? string.Empty;
        switch (finding.Decision.Level)
        {
            case ReportLevel.Error:
                Log.LogError(null, code, code, helpLink, file, finding.Line, 0, 0, 0, finding.Message);
                break;
            case ReportLevel.Warning:
                Log.LogWarning(null, code, code, helpLink, file, finding.Line, 0, 0, 0, finding.Message);
                break;
            case ReportLevel.Info:
                Log.LogMessage(null, code, code, file, finding.Line, 0, 0, 0, MessageImportance.High, finding.Message);
                break;
            default:
                // silent and none: not shown in the build; the SARIF log keeps them.
                break;
        }
    }

    private void LogSummary(List<Target> targets, List<ReportedFinding> reported, long elapsedMs)
    {
        int Count(ReportLevel level) => reported.Count(r => r.Decision.Level == level);
        long bytes = 0;
        foreach (var target in targets)
        {
            bytes += Math.Max(target.Length, 0);
        }

        var fromCache = targets.Count(t => t.FromCache);
        Log.LogMessage(
            MessageImportance.Normal,
            string.Format(
                CultureInfo.InvariantCulture,
                "ModelGuard: scanned {0} file(s) ({1:N0} bytes, {2} from cache): {3} error(s), {4} warning(s), {5} message(s), {6} hidden or suppressed in {7} ms",
                targets.Count,
                bytes,
                fromCache,
                Count(ReportLevel.Error),
                Count(ReportLevel.Warning),
                Count(ReportLevel.Info),
                Count(ReportLevel.Hidden) + Count(ReportLevel.Suppressed),
                elapsedMs));
    }

    /// <summary>Drops items excluded with <c>ModelGuard="false"</c> and merges items that name the same file.</summary>
    private List<Target> SelectTargets(ITaskItem[] items)
    {
        var targets = new List<Target>(items.Length);
        var byPath = new Dictionary<string, Target>(PathComparer);
        var notYetBuiltUnder = string.IsNullOrWhiteSpace(IntermediateDirectory) ? null : DirectoryPrefix(ResolvePath(IntermediateDirectory!));
        foreach (var item in items)
        {
            if (item is null || string.Equals(item.GetMetadata(EnabledMetadata).Trim(), "false", StringComparison.OrdinalIgnoreCase))
            {
                continue;
            }

            string fullPath;
            string? invalidPath = null;
            try
            {
                fullPath = ResolveFullPath(item);
            }
            catch (Exception ex) when (ex is ArgumentException or NotSupportedException or PathTooLongException or InvalidOperationException or System.Security.SecurityException)
            {
                // Reported as that item's MG9002, not as a failed task.
                fullPath = item.ItemSpec;
                invalidPath = $"the path is not valid ({ex.Message})";
            }

            // Items without the metadata (nearly all) share one empty set instead of allocating their own; it is never modified:
            // intersecting leaves an empty set as it is.
            var noWarnText = item.GetMetadata(NoWarnMetadata);
            var itemNoWarn = string.IsNullOrEmpty(noWarnText) ? NoIds : SeverityResolver.ParseIds(noWarnText);
            if (byPath.TryGetValue(fullPath, out var existing))
            {
                // The same file listed twice (e.g. as None and EmbeddedResource) is scanned once. A rule stays
                // suppressed only if every item suppresses it: fail closed.
                if (existing.NoWarn.Count > 0)
                {
                    existing.NoWarn.IntersectWith(itemNoWarn);
                }

                continue;
            }

            if (invalidPath is null && notYetBuiltUnder is not null && fullPath.StartsWith(notYetBuiltUnder, PathComparison) && !File.Exists(fullPath))
            {
                continue;
            }

            var target = new Target(item, fullPath, SafeDisplayPathOf(item.ItemSpec), itemNoWarn) { InvalidPath = invalidPath };
            byPath.Add(fullPath, target);
            targets.Add(target);
        }

        return targets;
    }

    private string ResolveFullPath(ITaskItem item)
    {
        // MSBuild computes FullPath against the directory of the project that defined the item. Items made up by other
        // tasks (or by tests) may lack it; resolve those against the project directory, never the process's current one.
        var fullPath = item.GetMetadata("FullPath");
        return !string.IsNullOrEmpty(fullPath) ? fullPath : ResolvePath(item.ItemSpec);
    }

    /// <summary>The directory with one trailing separator: a prefix that matches the paths inside it and no sibling's.</summary>
    private static string DirectoryPrefix(string directory)
        => directory.TrimEnd(Path.DirectorySeparatorChar, Path.AltDirectorySeparatorChar) + Path.DirectorySeparatorChar;

    private string ResolvePath(string spec)
        => Path.GetFullPath(Path.IsPathRooted(spec) || string.IsNullOrEmpty(ProjectDirectory) ? spec : Path.Combine(ProjectDirectory, spec));

    private string SafeDisplayPathOf(string spec)
    {
        try
        {
            return DisplayPathOf(spec);
        }
        catch (Exception ex) when (ex is ArgumentException or NotSupportedException)
        {
            return spec;
        }
    }

    private string DisplayPathOf(string spec)
    {
        if (!Path.IsPathRooted(spec) || string.IsNullOrEmpty(ProjectDirectory))
        {
            return spec;
        }

        // Absolute specs under the project folder (items added with $(MSBuildProjectDirectory)/...) read better relative;
        // MSBuild and Visual Studio resolve a relative diagnostic path against the project directory.
        var root = _projectPrefix ??= DirectoryPrefix(ProjectDirectory);
        return spec.StartsWith(root, PathComparison) ? spec.Substring(root.Length) : spec;
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

    private sealed class Target
    {
        public Target(ITaskItem item, string fullPath, string displayPath, HashSet<string> noWarn)
        {
            Item = item;
            FullPath = fullPath;
            DisplayPath = displayPath;
            NoWarn = noWarn;
        }

        public ITaskItem Item { get; }

        public string FullPath { get; }

        public string DisplayPath { get; }

        public HashSet<string> NoWarn { get; }

        /// <summary>Why the item's path cannot be resolved (reported as MG9002), or null.</summary>
        public string? InvalidPath { get; set; }

        public FileSettings Settings { get; set; } = FileSettings.Empty;

        public ModelScanner? Scanner { get; set; }

        public string OptionsFingerprint { get; set; } = string.Empty;

        /// <summary>Size in bytes, or -1 when the file cannot be seen (the scan then reports why).</summary>
        public long Length { get; private set; } = -1;

        public long LastWriteTicksUtc { get; private set; }

        public string Format { get; set; } = nameof(ContentFormat.Unknown);

        public IReadOnlyList<Finding> Findings { get; set; } = Array.Empty<Finding>();

        /// <summary>Other files the verdict depends on (<see cref="ScanResult.ReferencedFiles"/>).</summary>
        public IReadOnlyList<string> ReferencedFiles { get; set; } = Array.Empty<string>();

        public bool FromCache { get; set; }

        public bool Cacheable { get; set; }

        public void Stat()
        {
            try
            {
                var info = new FileInfo(FullPath);
                if (info.Exists)
                {
                    Length = info.Length;
                    LastWriteTicksUtc = info.LastWriteTimeUtc.Ticks;
                }
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or NotSupportedException or ArgumentException)
            {
                Length = -1;
            }
        }

        public bool IsUnchangedOnDisk()
        {
            try
            {
                var info = new FileInfo(FullPath);
                return info.Exists && info.Length == Length && info.LastWriteTimeUtc.Ticks == LastWriteTicksUtc;
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or NotSupportedException or ArgumentException)
            {
                return false;
            }
        }
    }
}
