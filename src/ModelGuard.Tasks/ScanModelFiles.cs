using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Globalization;
using System.IO;
using System.Linq;
using Microsoft.Build.Framework;
using Microsoft.Build.Utilities;
using ModelGuard.Engine.Rules;
using ModelGuard.Engine.Scanning;
using ModelGuard.Hosting.Caching;
using ModelGuard.Hosting.Configuration;
using ModelGuard.Hosting.Integrity;
using ModelGuard.Hosting.Reporting;
using ModelGuard.Hosting.Scanning;

namespace ModelGuard.Tasks;

/// <summary>
/// Scans the files a project bundles (the targets pass the items of <c>$(ModelGuardItemTypes)</c>) and reports every finding as an
/// MSBuild error, warning or message with its rule ID, so a malicious model fails the build. A thin layer over what the command
/// line uses too: format knowledge lives in the engine; configuration, scanning on every core, severities (<see cref="ScanRun"/>,
/// <see cref="SeverityResolver"/>), the cache (<see cref="ScanCache"/>) and the SARIF log (<see cref="SarifLogWriter"/>) in
/// ModelGuard.Hosting. What is left here is MSBuild's: items, metadata and logging.
/// </summary>
public sealed partial class ScanModelFiles : Microsoft.Build.Utilities.Task
{
    /// <summary>Item metadata that excludes one item from the scan when it is <c>false</c>.</summary>
    public const string EnabledMetadata = "ModelGuard";

    /// <summary>Item metadata with rule IDs to suppress for that item only (same syntax as <see cref="NoWarn"/>).</summary>
    public const string NoWarnMetadata = "ModelGuardNoWarn";

    private static readonly HashSet<string> NoIds = new(StringComparer.OrdinalIgnoreCase);

    private static readonly StringComparer PathComparer = ScanRun.PathComparer;

    private HelpLinks _helpLinks = HelpLinks.Default;

    // The project directory as a prefix, computed once: display paths are worked out for every item.
    private string? _projectPrefix;

    private static readonly StringComparison PathComparison = ScanRun.PathComparison;

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

    /// <summary>Allowlist profiles for the whole project (<c>@(ModelGuardAllowProfile)</c>: pandas, transformers, lightning, ...).</summary>
    public ITaskItem[] AllowProfiles { get; set; } = Array.Empty<ITaskItem>();

    /// <summary>Native custom-op libraries an ONNX Runtime GenAI config may load (<c>@(ModelGuardAllowedNativeLibrary)</c>).</summary>
    public ITaskItem[] AllowedNativeLibraries { get; set; } = Array.Empty<ITaskItem>();

    /// <summary>The per-file result cache (<c>$(IntermediateOutputPath)modelguard.cache</c>); empty turns caching off.</summary>
    public string? CacheFile { get; set; }

    /// <summary>Where to write a SARIF 2.1.0 log (<c>$(ModelGuardErrorLog)</c>); empty writes none.</summary>
    public string? ErrorLog { get; set; }

    /// <summary>
    /// The folder the SARIF log's relative URIs start from (<c>$(ModelGuardSarifRoot)</c>); empty for the repository that holds the
    /// project (the nearest folder with <c>.git</c>), or the project's folder outside a repository.
    /// </summary>
    public string? SarifRoot { get; set; }

    /// <summary>The project's name (<c>$(MSBuildProjectName)</c>), which tells its SARIF log apart: <c>automationDetails.id</c> is <c>modelguard/&lt;name&gt;/</c>.</summary>
    public string? ProjectName { get; set; }

    /// <summary>
    /// Seconds one file may take to scan (<c>$(ModelGuardMaxScanTime)</c>); empty for the default (60), 0 for no limit. A file that
    /// takes longer is reported (MG3021), never passed.
    /// </summary>
    public string? MaxScanTime { get; set; }

    /// <summary>
    /// Where help links point (<c>$(ModelGuardHelpLinkBase)</c>): a rule's link is this base, its ID and <c>.md</c> (or the base with
    /// <c>{id}</c> replaced). Empty for the repository's rule pages.
    /// </summary>
    public string? HelpLinkBase { get; set; }

    /// <summary>
    /// Pin the bundled models in a lock file (<c>$(ModelGuardUseLockFile)</c>): <c>true</c>, <c>false</c>, or empty to use it when
    /// <see cref="LockFile"/> exists (or <see cref="LockedMode"/> is on).
    /// </summary>
    public string? UseLockFile { get; set; }

    /// <summary>The lock file (<c>$(ModelGuardLockFile)</c>); empty for <c>models.lock.json</c> in the project directory.</summary>
    public string? LockFile { get; set; }

    /// <summary>Verify the lock file and never write it (<c>$(ModelGuardLockedMode)</c>): differences are MG4001-MG4003 errors.</summary>
    public bool LockedMode { get; set; }

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
        var items = new List<ITaskItem>();
        var targets = SelectTargets(WithoutOwnLog(Files ?? Array.Empty<ITaskItem>()), items);
        var cache = LoadCache();
        var configuration = ScanRun.LoadConfiguration(
            (EditorConfigFiles ?? Array.Empty<ITaskItem>()).Select(ResolveFullPath),
            targets,
            DiscoverEditorConfigFiles,
            DiscoverGlobalAnalyzerConfigFiles,
            cache?.Configuration);
        var maxScanTime = ScanRun.ParseMaxScanTime(MaxScanTime, "ModelGuardMaxScanTime", out var maxScanTimeProblem);
        var projectAllowed = (AllowedGlobals ?? Array.Empty<ITaskItem>()).Select(i => i.ItemSpec.Trim()).Where(s => s.Length > 0).ToArray();
        var profiles = new AllowProfileSelection((AllowProfiles ?? Array.Empty<ITaskItem>()).Select(i => i.ItemSpec));
        var nativeAllowed = (AllowedNativeLibraries ?? Array.Empty<ITaskItem>()).Select(i => i.ItemSpec.Trim()).Where(s => s.Length > 0).ToArray();
        ScanRun.AssignScanners(targets, configuration, projectAllowed, profiles, nativeAllowed, maxScanTime);

        ScanRun.ScanAll(targets, cache, scanStartUtc);
        ScanRun.ReportUnbundledReferences(targets, DisplayPathOf);
        // One hash cache for the lock file and the signatures, filled before the cache is saved: a signed, pinned model is hashed
        // once per change.
        var hashes = cache?.Hashes ?? new FileHashCache();
        var lockRun = RunLockFile(targets, hashes, out var lockProblem);
        var signatureFindings = VerifySignatures(targets, configuration, resolver, hashes);
        SaveCache(cache, targets, configuration);

        _helpLinks = HelpLinks.Parse(HelpLinkBase, "ModelGuardHelpLinkBase", out var helpLinkProblem);
        var problems = new[] { maxScanTimeProblem, helpLinkProblem, lockProblem }.OfType<string>().Concat(profiles.Problems);
        var reported = ScanRun.Resolve(targets, configuration, resolver, problems, DisplayPathOf, AllowlistValidation.Check(AllowlistSources()));
        reported.AddRange(signatureFindings);
        reported.AddRange(lockRun is null ? Enumerable.Empty<ReportedFinding>() : LockFileRun.Resolve(lockRun, resolver, (EditorConfigFiles ?? Array.Empty<ITaskItem>()).Select(ResolveFullPath), DiscoverEditorConfigFiles, DiscoverGlobalAnalyzerConfigFiles));
        var scanned = new ITaskItem[targets.Count];
        for (var i = 0; i < targets.Count; i++)
        {
            var output = new TaskItem(items[i]);
            output.SetMetadata("ModelGuardFormat", targets[i].Format);
            scanned[i] = output;
        }

        foreach (var finding in reported)
        {
            Report(finding);
        }

        if (!string.IsNullOrWhiteSpace(ErrorLog))
        {
            WriteErrorLog(reported, resolver, targets, scanStartUtc);
        }

        ScannedFiles = scanned;
        LogSummary(targets, reported, stopwatch.ElapsedMilliseconds);
        return !Log.HasLoggedErrors;
    }

    /// <summary>The <c>ModelGuardAllowedGlobal</c> items, located in the project file that declares each (MSBuild keeps no line).</summary>
    private IEnumerable<AllowlistEntrySource> AllowlistSources()
        => (AllowedGlobals ?? Array.Empty<ITaskItem>()).Select(item => new AllowlistEntrySource(
            item.ItemSpec,
            "ModelGuardAllowedGlobal item",
            item.GetMetadata("DefiningProjectFullPath") is { Length: > 0 } project ? project : null));

    /// <summary>The lock step (<see cref="LockFileRun"/>) when it is on, with a line on what it read.</summary>
    private LockRunResult? RunLockFile(List<ScanTarget> targets, FileHashCache hashes, out string? problem)
    {
        var path = ResolvePath(string.IsNullOrWhiteSpace(LockFile) ? Engine.Integrity.ModelLockFile.FileName : LockFile!.Trim());
        if (!LockFileRun.IsEnabled(UseLockFile, path, LockedMode, out problem))
        {
            return null;
        }

        var run = LockFileRun.Run(targets, path, SafeDisplayPathOf(path), LockedMode, hashes);
        Log.LogMessage(
            MessageImportance.Normal,
            string.Format(
                CultureInfo.InvariantCulture,
                "ModelGuard: {0}: {1} file(s) pinned, {2} hashed ({3:N0} bytes), {4} from cache{5}",
                run.LockDisplayPath,
                run.Pinned,
                hashes.FilesHashed,
                hashes.BytesHashed,
                hashes.FilesFromCache,
                LockedMode ? "; locked mode, the lock file is not written" : run.Written ? "; the lock file was updated" : string.Empty));
        return run;
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

    private void SaveCache(ScanCache? cache, List<ScanTarget> targets, ResolvedConfiguration configuration)
    {
        if (cache is null)
        {
            return;
        }

        // The new cache holds exactly this build's files and configuration; it is rewritten only when something changed.
        var keptConfiguration = configuration.Key is null ? null : configuration;
        if (cache.Count == targets.Count && ReferenceEquals(cache.Configuration, keptConfiguration) && !cache.Hashes.Changed && targets.TrueForAll(t => t.FromCache))
        {
            return;
        }

        var fresh = ScanCache.Empty(EngineInfo.Version, PathComparer);
        fresh.Configuration = keptConfiguration;
        fresh.Hashes = cache.Hashes;
        foreach (var target in targets)
        {
            if (target.FromCache)
            {
                fresh.Set(cache.TryGet(target.FullPath, target.Length, target.LastWriteTicksUtc, target.OptionsFingerprint, target.Stamp)!);
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
                        target.Findings.Select(f => new CachedFinding(f.Rule.Id, f.ArchiveMember, f.Offset, f.Message)).ToArray(),
                        target.Stamp));
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

    /// <summary>
    /// The candidates without the SARIF log this task writes: in the project folder the SDK lists it as a None item, and the next
    /// build would scan its own report.
    /// </summary>
    private ITaskItem[] WithoutOwnLog(ITaskItem[] files)
    {
        if (string.IsNullOrWhiteSpace(ErrorLog))
        {
            return files;
        }

        string log;
        try
        {
            log = ResolvePath(ErrorLog!);
        }
        catch (Exception ex) when (ex is ArgumentException or NotSupportedException or PathTooLongException)
        {
            return files; // Reported as MG9005 when the log is written.
        }

        return files.Where(item =>
        {
            try
            {
                return item is null || !PathComparer.Equals(ResolveFullPath(item), log);
            }
            catch (Exception ex) when (ex is ArgumentException or NotSupportedException or PathTooLongException or InvalidOperationException)
            {
                return true;
            }
        }).ToArray();
    }

    private void WriteErrorLog(List<ReportedFinding> reported, SeverityResolver resolver, List<ScanTarget> targets, DateTime scanStartUtc)
    {
        try
        {
            var automationId = $"modelguard/{(string.IsNullOrWhiteSpace(ProjectName) ? "project" : ProjectName!.Trim())}/";
            var run = SarifRun.ForScan(targets, EngineInfo.Version, _helpLinks, SarifRoot, ProjectDirectory, automationId, scanStartUtc);
            SarifLogWriter.Write(ResolvePath(ErrorLog!), reported, run);
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
        var helpLink = _helpLinks.For(finding.Rule);
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

    private void LogSummary(List<ScanTarget> targets, List<ReportedFinding> reported, long elapsedMs)
        => Log.LogMessage(MessageImportance.Normal, ScanSummary.Render(targets, reported, elapsedMs, withCache: true));

    /// <summary>
    /// Merges the items that name the same file and applies their ModelGuard metadata. The SDK lists a project's files as
    /// default <c>None</c> items besides the <c>Content</c> items the project declares, so the items that set <c>ModelGuard</c> or
    /// <c>ModelGuardNoWarn</c> decide for the file and items without that metadata have no say. Between items that do set it,
    /// the file is excluded only if all of them exclude it and a rule is suppressed only if all of them suppress it (fail closed),
    /// with a hint naming the items that disagree.
    /// </summary>
    private List<ScanTarget> SelectTargets(ITaskItem[] items, List<ITaskItem> selectedItems)
    {
        var targets = new List<ScanTarget>(items.Length);
        var notYetBuiltUnder = string.IsNullOrWhiteSpace(IntermediateDirectory) ? null : DirectoryPrefix(ResolvePath(IntermediateDirectory!));
        foreach (var group in GroupByFile(items))
        {
            var deciders = group.Items.Where(HasModelGuardMetadata).ToList();
            if (deciders.Count == 0)
            {
                deciders = group.Items;
            }

            var scanning = deciders.Where(i => !IsExcluded(i)).ToList();
            if (deciders.Count > 1 && deciders.Select(DescribeMetadata).Distinct(StringComparer.OrdinalIgnoreCase).Count() > 1)
            {
                Log.LogMessage(
                    MessageImportance.High,
                    $"ModelGuard: '{SafeDisplayPathOf(group.Items[0].ItemSpec)}' is listed by several items whose ModelGuard metadata disagree ({string.Join("; ", deciders.Select(DescribeItem))}); it is excluded only if all of them exclude it and a rule is suppressed only if all of them suppress it");
            }

            if (scanning.Count == 0)
            {
                continue;
            }

            if (group.InvalidPath is null && notYetBuiltUnder is not null && group.FullPath.StartsWith(notYetBuiltUnder, PathComparison) && !File.Exists(group.FullPath))
            {
                continue;
            }

            // Items without the metadata (nearly all) share one empty set instead of allocating their own; it is never modified.
            HashSet<string>? noWarn = null;
            foreach (var item in scanning)
            {
                var text = item.GetMetadata(NoWarnMetadata);
                var ids = string.IsNullOrEmpty(text) ? NoIds : SeverityResolver.ParseIds(text);
                if (noWarn is null)
                {
                    noWarn = ids.Count == 0 ? NoIds : new HashSet<string>(ids, StringComparer.OrdinalIgnoreCase);
                }
                else if (noWarn.Count > 0)
                {
                    noWarn.IntersectWith(ids);
                }
            }

            var first = scanning[0];
            targets.Add(new ScanTarget(group.FullPath, SafeDisplayPathOf(first.ItemSpec), noWarn ?? NoIds) { InvalidPath = group.InvalidPath });
            selectedItems.Add(first);
        }

        return targets;
    }

    /// <summary>The items in their order, grouped by the file they name (the first item's order decides the group's).</summary>
    private List<FileItems> GroupByFile(ITaskItem[] items)
    {
        var groups = new List<FileItems>();
        var byPath = new Dictionary<string, FileItems>(PathComparer);
        foreach (var item in items)
        {
            if (item is null)
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

            if (!byPath.TryGetValue(fullPath, out var group))
            {
                group = new FileItems(fullPath, invalidPath);
                byPath.Add(fullPath, group);
                groups.Add(group);
            }

            group.Items.Add(item);
        }

        return groups;
    }

    private static bool HasModelGuardMetadata(ITaskItem item)
        => !string.IsNullOrWhiteSpace(item.GetMetadata(EnabledMetadata)) || !string.IsNullOrWhiteSpace(item.GetMetadata(NoWarnMetadata));

    private static bool IsExcluded(ITaskItem item) => string.Equals(item.GetMetadata(EnabledMetadata).Trim(), "false", StringComparison.OrdinalIgnoreCase);

    private static string DescribeMetadata(ITaskItem item)
        => IsExcluded(item) ? "ModelGuard=false" : "ModelGuardNoWarn=" + string.Join(",", SeverityResolver.ParseIds(item.GetMetadata(NoWarnMetadata)).OrderBy(id => id, StringComparer.OrdinalIgnoreCase));

    private static string DescribeItem(ITaskItem item)
    {
        var type = item.GetMetadata("ModelGuardItemType");
        return (type.Length > 0 ? type + ": " : string.Empty) + DescribeMetadata(item);
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

    /// <summary>The items that name one file.</summary>
    private sealed class FileItems
    {
        public FileItems(string fullPath, string? invalidPath)
        {
            FullPath = fullPath;
            InvalidPath = invalidPath;
        }

        public string FullPath { get; }

        public string? InvalidPath { get; }

        public List<ITaskItem> Items { get; } = new();
    }
}
