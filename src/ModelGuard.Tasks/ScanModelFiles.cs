using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Globalization;
using System.IO;
using System.Runtime.InteropServices;
using System.Threading.Tasks;
using Microsoft.Build.Framework;
using Microsoft.Build.Utilities;
using ModelGuard.Engine.Findings;
using ModelGuard.Engine.Rules;
using ModelGuard.Engine.Scanning;

namespace ModelGuard.Tasks;

/// <summary>
/// Scans the files a project bundles (the targets pass <c>@(Content);@(None);@(EmbeddedResource)</c>) and reports every
/// finding as an MSBuild error, warning or message with its rule ID, so a malicious model fails the build. A thin layer
/// over <see cref="ModelScanner"/>: all format knowledge lives in the engine.
/// </summary>
public sealed class ScanModelFiles : Microsoft.Build.Utilities.Task
{
    /// <summary>Item metadata that excludes one item from the scan when it is <c>false</c>.</summary>
    public const string EnabledMetadata = "ModelGuard";

    /// <summary>Item metadata with rule IDs to suppress for that item only (same syntax as <see cref="NoWarn"/>).</summary>
    public const string NoWarnMetadata = "ModelGuardNoWarn";

    private static readonly char[] IdSeparators = { ';', ',', ' ', '\t', '\r', '\n' };

    private static readonly StringComparer PathComparer =
        RuntimeInformation.IsOSPlatform(OSPlatform.Linux) ? StringComparer.Ordinal : StringComparer.OrdinalIgnoreCase;

    private static readonly ModelScanner Scanner = new();

    /// <summary>The candidate files. Items whose content is not a model format produce no findings.</summary>
    [Required]
    public ITaskItem[] Files { get; set; } = Array.Empty<ITaskItem>();

    /// <summary>Rule IDs to suppress, separated by semicolons or commas (the project's <c>$(NoWarn)</c>).</summary>
    public string? NoWarn { get; set; }

    /// <summary>The project's directory; display paths of items under it are shown relative to it.</summary>
    public string ProjectDirectory { get; set; } = string.Empty;

    /// <summary>The items that were scanned (after exclusions and de-duplication), in input order, with <c>ModelGuardFormat</c> metadata.</summary>
    [Output]
    public ITaskItem[] ScannedFiles { get; private set; } = Array.Empty<ITaskItem>();

    /// <inheritdoc />
    public override bool Execute()
    {
        var stopwatch = Stopwatch.StartNew();
        var globalNoWarn = ParseIds(NoWarn);
        var targets = SelectTargets(Files ?? Array.Empty<ITaskItem>());

        var results = new ScanResult?[targets.Count];
        var failures = new Exception?[targets.Count];
        Parallel.For(0, targets.Count, i =>
        {
            try
            {
                results[i] = Scanner.ScanFile(targets[i].FullPath, targets[i].DisplayPath);
            }
#pragma warning disable CA1031 // A failure on one file must become an MG9001 error for that file, never a crashed build.
            catch (Exception ex)
#pragma warning restore CA1031
            {
                failures[i] = ex;
            }
        });

        int errors = 0, warnings = 0;
        var scanned = new ITaskItem[targets.Count];
        for (var i = 0; i < targets.Count; i++)
        {
            var target = targets[i];
            var output = new TaskItem(target.Item);
            scanned[i] = output;
            if (failures[i] is { } failure)
            {
                output.SetMetadata("ModelGuardFormat", nameof(ContentFormat.Unknown));
                var message = $"ModelGuard failed while scanning '{target.DisplayPath}' ({failure.GetType().Name}: {failure.Message}); the file was not verified";
                Report(RuleCatalog.InternalError, target, message, globalNoWarn, ref errors, ref warnings);
                continue;
            }

            var result = results[i]!;
            output.SetMetadata("ModelGuardFormat", result.Format.ToString());
            foreach (var finding in result.Findings)
            {
                Report(finding.Rule, target, finding.FormatMessage(), globalNoWarn, ref errors, ref warnings);
            }
        }

        ScannedFiles = scanned;
        Log.LogMessage(
            MessageImportance.Normal,
            string.Format(CultureInfo.InvariantCulture, "ModelGuard: scanned {0} file(s), {1} error(s), {2} warning(s) in {3} ms", targets.Count, errors, warnings, stopwatch.ElapsedMilliseconds));
        return !Log.HasLoggedErrors;
    }

    private void Report(RuleDescriptor rule, Target target, string message, HashSet<string> globalNoWarn, ref int errors, ref int warnings)
    {
        if (globalNoWarn.Contains(rule.Id) || target.NoWarn.Contains(rule.Id))
        {
            return;
        }

        var code = rule.Id;
        var helpLink = rule.HelpLink.ToString();
        switch (rule.DefaultSeverity)
        {
            case RuleSeverity.Error:
                errors++;
                Log.LogError(null, code, code, helpLink, target.DisplayPath, 0, 0, 0, 0, message);
                break;
            case RuleSeverity.Warning:
                warnings++;
                Log.LogWarning(null, code, code, helpLink, target.DisplayPath, 0, 0, 0, 0, message);
                break;
            case RuleSeverity.Info:
                Log.LogMessage(null, code, code, target.DisplayPath, 0, 0, 0, 0, MessageImportance.High, message);
                break;
            default:
                break;
        }
    }

    /// <summary>Drops items excluded with <c>ModelGuard="false"</c> and merges items that name the same file.</summary>
    private List<Target> SelectTargets(ITaskItem[] items)
    {
        var targets = new List<Target>(items.Length);
        var byPath = new Dictionary<string, Target>(PathComparer);
        foreach (var item in items)
        {
            if (item is null || string.Equals(item.GetMetadata(EnabledMetadata).Trim(), "false", StringComparison.OrdinalIgnoreCase))
            {
                continue;
            }

            var fullPath = ResolveFullPath(item);
            var itemNoWarn = ParseIds(item.GetMetadata(NoWarnMetadata));
            if (byPath.TryGetValue(fullPath, out var existing))
            {
                // The same file listed twice (e.g. as None and EmbeddedResource) is scanned once. A rule stays
                // suppressed only if every item suppresses it: fail closed.
                existing.NoWarn.IntersectWith(itemNoWarn);
                continue;
            }

            var target = new Target(item, fullPath, DisplayPathOf(item), itemNoWarn);
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
        if (!string.IsNullOrEmpty(fullPath))
        {
            return fullPath;
        }

        var spec = item.ItemSpec;
        return Path.GetFullPath(Path.IsPathRooted(spec) || string.IsNullOrEmpty(ProjectDirectory) ? spec : Path.Combine(ProjectDirectory, spec));
    }

    private string DisplayPathOf(ITaskItem item)
    {
        var spec = item.ItemSpec;
        if (!Path.IsPathRooted(spec) || string.IsNullOrEmpty(ProjectDirectory))
        {
            return spec;
        }

        // Absolute specs under the project folder (items added with $(MSBuildProjectDirectory)/...) read better relative;
        // MSBuild and Visual Studio resolve a relative diagnostic path against the project directory.
        var root = ProjectDirectory.TrimEnd(Path.DirectorySeparatorChar, Path.AltDirectorySeparatorChar) + Path.DirectorySeparatorChar;
        var comparison = ReferenceEquals(PathComparer, StringComparer.Ordinal) ? StringComparison.Ordinal : StringComparison.OrdinalIgnoreCase;
        return spec.StartsWith(root, comparison) ? spec.Substring(root.Length) : spec;
    }

    private static HashSet<string> ParseIds(string? list)
    {
        var ids = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        if (!string.IsNullOrEmpty(list))
        {
            foreach (var id in list!.Split(IdSeparators, StringSplitOptions.RemoveEmptyEntries))
            {
                ids.Add(id.Trim());
            }
        }

        return ids;
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
    }
}
