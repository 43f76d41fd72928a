using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Threading.Tasks;
using ModelGuard.Engine.Findings;
using ModelGuard.Engine.Integrity;
using ModelGuard.Engine.Rules;
using ModelGuard.Engine.Scanning;
using ModelGuard.Hosting.Caching;
using ModelGuard.Hosting.Configuration;
using ModelGuard.Hosting.Reporting;
using ModelGuard.Hosting.Scanning;

namespace ModelGuard.Hosting.Integrity;

/// <summary>
/// The lock-file step the MSBuild task and the command line share, run after the scan: pins every scanned file that is a model
/// (the scan recognised its format), a sharded safetensors index, or a file a bundled model reads (ONNX external data), by
/// SHA-256 through <see cref="FileHashCache"/>; compares them with the lock file (<see cref="ModelLockVerifier"/>); and, outside
/// locked mode, replaces the lock file when something changed. A lock file that cannot be read is reported (MG4004) and never
/// overwritten; in locked mode nothing is ever written.
/// </summary>
internal static class LockFileRun
{
    private const string ShardIndexSuffix = ".safetensors.index.json";

    /// <summary>
    /// Whether the lock step runs: <paramref name="useLockFile"/> <c>true</c> or <c>false</c> decides; empty means on when the lock
    /// file exists or locked mode is asked for (a CI build in locked mode whose lock file went missing must fail, not pass). Any
    /// other value is reported in <paramref name="problem"/> and turns it on (fail closed).
    /// </summary>
    public static bool IsEnabled(string? useLockFile, string lockFilePath, bool lockedMode, out string? problem)
    {
        problem = null;
        var value = useLockFile?.Trim() ?? string.Empty;
        if (value.Length == 0)
        {
            return lockedMode || File.Exists(lockFilePath);
        }

        if (string.Equals(value, "false", StringComparison.OrdinalIgnoreCase))
        {
            return false;
        }

        if (!string.Equals(value, "true", StringComparison.OrdinalIgnoreCase))
        {
            problem = $"ModelGuardUseLockFile '{value}' is neither true nor false; the lock file is used";
        }

        return true;
    }

    /// <summary>Hashes the pinned files, compares them with the lock at <paramref name="lockFilePath"/> and writes it when allowed.</summary>
    public static LockRunResult Run(IReadOnlyList<ScanTarget> targets, string lockFilePath, string lockDisplayPath, bool lockedMode, FileHashCache hashes)
    {
        var result = new LockRunResult(lockFilePath, lockDisplayPath);
        ModelLockReadResult? read;
        try
        {
            read = ModelLockFileStore.Read(lockFilePath);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            result.Add(LockFileFinding(lockDisplayPath, 0, $"the lock file cannot be read ({ex.Message}); it is not overwritten"), null);
            return result;
        }

        if (read is { LockFile: null })
        {
            result.Add(LockFileFinding(lockDisplayPath, read.Line, read.Error + (lockedMode ? string.Empty : "; it is not overwritten")), null);
            return result;
        }

        if (read is null && lockedMode)
        {
            result.Add(LockFileFinding(lockDisplayPath, 0, $"locked mode (ModelGuardLockedMode) needs a lock file and there is none; build once without locked mode to write {ModelLockFile.FileName} and commit it"), null);
            return result;
        }

        var existing = read?.LockFile;
        var lockDirectory = Path.GetDirectoryName(Path.GetFullPath(lockFilePath))!;
        var pinned = Pinned(targets);
        var models = new LockedModel?[pinned.Count];
        Parallel.For(0, pinned.Count, i => models[i] = Hash(pinned[i], lockDirectory, existing, hashes, result));

        var check = ModelLockVerifier.Verify(existing, models.OfType<LockedModel>().Concat(Unverified(targets, pinned, lockDirectory, existing)).ToList(), lockDisplayPath, lockedMode);
        var byDisplayPath = pinned.GroupBy(p => p.Target.DisplayPath, StringComparer.Ordinal).ToDictionary(g => g.Key, g => g.First().Target, StringComparer.Ordinal);
        foreach (var finding in check.Findings)
        {
            result.Add(finding, byDisplayPath.TryGetValue(finding.FilePath, out var target) ? target : null);
        }

        result.Pinned = pinned.Count;
        if (check.ToWrite is { } toWrite && !lockedMode)
        {
            try
            {
                ModelLockFileStore.Write(lockFilePath, toWrite);
                result.Written = true;
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
                result.Add(LockFileFinding(lockDisplayPath, 0, $"the lock file cannot be written ({ex.Message})"), null);
            }
        }

        return result;
    }

    /// <summary>
    /// The level of each finding: a model's through its own settings (its .editorconfig sections, its item's ModelGuardNoWarn),
    /// the lock file's through the settings of the lock file's path (<paramref name="configFiles"/> and the .editorconfig and
    /// global config files discovered above it, resolved only when there is such a finding).
    /// </summary>
    public static IEnumerable<ReportedFinding> Resolve(LockRunResult run, SeverityResolver resolver, IEnumerable<string> configFiles, bool discoverEditorConfigs, bool discoverGlobalConfigs)
    {
        FileSettings? lockFileSettings = null;
        foreach (var (finding, target) in run.Findings)
        {
            lockFileSettings ??= target is null ? SettingsOf(run.LockFilePath, configFiles, discoverEditorConfigs, discoverGlobalConfigs) : null;
            var decision = target is null
                ? resolver.Resolve(finding.Rule, lockFileSettings!)
                : resolver.Resolve(finding.Rule, target.Settings, target.NoWarn);
            yield return new ReportedFinding(finding.Rule, target?.FullPath ?? run.LockFilePath, finding.FilePath, finding.Line ?? 0, null, null, finding.Message, decision);
        }
    }

    /// <summary>The .editorconfig and global config settings of the lock file, as a model at its path would get them.</summary>
    private static FileSettings SettingsOf(string lockFilePath, IEnumerable<string> configFiles, bool discoverEditorConfigs, bool discoverGlobalConfigs)
    {
        var configuration = ScanRun.LoadConfiguration(configFiles, new[] { new ScanTarget(lockFilePath, lockFilePath, new HashSet<string>()) }, discoverEditorConfigs, discoverGlobalConfigs, cached: null);
        return configuration.ModelCount == 1 ? configuration.ForModel(0) : configuration.ProjectSettings;
    }

    /// <summary>The files the lock pins, with the format name their entry records.</summary>
    private static List<PinnedFile> Pinned(IReadOnlyList<ScanTarget> targets)
    {
        var referenced = new HashSet<string>(targets.SelectMany(t => t.ReferencedFiles), ScanRun.PathComparer);
        var pinned = new List<PinnedFile>();
        foreach (var target in targets)
        {
            if (target.InvalidPath is not null)
            {
                continue;
            }

            var format = target.Format != nameof(ContentFormat.Unknown) ? target.Format.ToLowerInvariant()
                : target.FullPath.EndsWith(ShardIndexSuffix, StringComparison.OrdinalIgnoreCase) ? "safetensors-index"
                : referenced.Contains(target.FullPath) ? "external-data"
                : null;
            if (format is not null)
            {
                pinned.Add(new PinnedFile(target, format));
            }
        }

        return pinned;
    }

    /// <summary>
    /// Entries of files the scan could not read or finish (MG9001, MG9002, MG3021): their own error is the finding, and their entry
    /// stays as it is, neither reported as changed nor removed as no longer bundled.
    /// </summary>
    private static IEnumerable<LockedModel> Unverified(IReadOnlyList<ScanTarget> targets, List<PinnedFile> pinned, string lockDirectory, ModelLockFile? existing)
    {
        if (existing is null)
        {
            yield break;
        }

        var pinnedTargets = new HashSet<ScanTarget>(pinned.Select(p => p.Target));
        foreach (var target in targets)
        {
            if (target.InvalidPath is null && !pinnedTargets.Contains(target)
                && target.Findings.Any(f => f.Rule.Id is RuleIds.UnreadableFile or RuleIds.InternalError or RuleIds.ScanTimeLimitExceeded)
                && existing.Find(ModelLockPath.FromFullPath(lockDirectory, target.FullPath)) is { } entry)
            {
                yield return new LockedModel(entry.Path, target.DisplayPath, new FileDigest(entry.Sha256, entry.Size), entry.Format);
            }
        }
    }

    private static LockedModel? Hash(PinnedFile file, string lockDirectory, ModelLockFile? existing, FileHashCache hashes, LockRunResult result)
    {
        var key = ModelLockPath.FromFullPath(lockDirectory, file.Target.FullPath);
        try
        {
            return new LockedModel(key, file.Target.DisplayPath, hashes.HashFile(file.Target.FullPath), file.Format);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or NotSupportedException)
        {
            lock (result)
            {
                result.Add(new Finding(RuleCatalog.UnreadableFile, file.Target.DisplayPath, null, null, $"the file cannot be read to compare it with {ModelLockFile.FileName} ({ex.Message}); it was not verified"), file.Target);
            }

            // Its entry stays as it is (neither changed nor removed): the MG9002 above is the finding.
            return existing?.Find(key) is { } entry ? new LockedModel(key, file.Target.DisplayPath, new FileDigest(entry.Sha256, entry.Size), entry.Format) : null;
        }
    }

    private static Finding LockFileFinding(string lockDisplayPath, int line, string message)
        => new(RuleCatalog.LockFileUnreadable, lockDisplayPath, null, null, message) { Line = line > 0 ? line : null };

    private sealed class PinnedFile
    {
        public PinnedFile(ScanTarget target, string format)
        {
            Target = target;
            Format = format;
        }

        public ScanTarget Target { get; }

        public string Format { get; }
    }
}

/// <summary>What the lock step found and did.</summary>
internal sealed class LockRunResult
{
    private readonly List<(Finding Finding, ScanTarget? Target)> _findings = new();

    public LockRunResult(string lockFilePath, string lockDisplayPath)
    {
        LockFilePath = lockFilePath;
        LockDisplayPath = lockDisplayPath;
    }

    public string LockFilePath { get; }

    public string LockDisplayPath { get; }

    /// <summary>Each finding with the scanned file it is about (null: the lock file itself).</summary>
    public IReadOnlyList<(Finding Finding, ScanTarget? Target)> Findings => _findings;

    /// <summary>Files pinned (hashed or taken from the cache).</summary>
    public int Pinned { get; set; }

    /// <summary>True when the lock file was replaced.</summary>
    public bool Written { get; set; }

    public void Add(Finding finding, ScanTarget? target) => _findings.Add((finding, target));
}
