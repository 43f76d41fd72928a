using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using ModelGuard.Hosting.Scanning;

namespace ModelGuard.Hosting.Reporting;

/// <summary>
/// What a SARIF log says about the run besides its results: where relative URIs start (the repository root, so GitHub code
/// scanning can map every location to a file of the repository), the <c>automationDetails.id</c> that keeps the alerts of one
/// project apart from another's, the files that were analyzed and when.
/// </summary>
internal sealed class SarifRun
{
    /// <summary>The <c>uriBaseId</c> of paths under <see cref="RootDirectory"/>, the name GitHub's and Microsoft's tools use.</summary>
    public const string RootBaseId = "SRCROOT";

    public SarifRun(string toolVersion, HelpLinks? helpLinks = null)
    {
        ToolVersion = toolVersion;
        HelpLinks = helpLinks ?? HelpLinks.Default;
    }

    public string ToolVersion { get; }

    public HelpLinks HelpLinks { get; }

    /// <summary>Full path of the folder relative URIs start from (<see cref="RootBaseId"/>), or null for absolute <c>file://</c> URIs only.</summary>
    public string? RootDirectory { get; set; }

    /// <summary><c>runs[0].automationDetails.id</c>, such as <c>modelguard/MyApp/</c>; null writes none.</summary>
    public string? AutomationId { get; set; }

    /// <summary>The files analyzed as models, with their size: <c>artifacts</c> lists them besides the files results point to.</summary>
    public IReadOnlyList<KeyValuePair<string, long>> AnalyzedFiles { get; set; } = Array.Empty<KeyValuePair<string, long>>();

    public DateTime? StartTimeUtc { get; set; }

    public DateTime? EndTimeUtc { get; set; }

    /// <summary>
    /// The run of a scan over <paramref name="targets"/>: relative URIs from <paramref name="rootDirectory"/> (or the repository that
    /// holds <paramref name="startDirectory"/>), the models among the targets as the analyzed artifacts.
    /// </summary>
    public static SarifRun ForScan(IReadOnlyList<ScanTarget> targets, string toolVersion, HelpLinks helpLinks, string? rootDirectory, string startDirectory, string automationId, DateTime startTimeUtc)
    {
        if (string.IsNullOrEmpty(startDirectory))
        {
            startDirectory = Directory.GetCurrentDirectory();
        }

        return new SarifRun(toolVersion, helpLinks)
        {
            RootDirectory = string.IsNullOrWhiteSpace(rootDirectory) ? FindRepositoryRoot(startDirectory) : Path.GetFullPath(Path.Combine(startDirectory, rootDirectory!.Trim())),
            AutomationId = automationId,
            AnalyzedFiles = targets.Where(t => t.InvalidPath is null && ScanSummary.IsModel(t)).Select(t => new KeyValuePair<string, long>(t.FullPath, t.Length)).ToArray(),
            StartTimeUtc = startTimeUtc,
            EndTimeUtc = DateTime.UtcNow,
        };
    }

    /// <summary>
    /// The repository that holds <paramref name="directory"/>: the nearest folder at or above it with a <c>.git</c> folder or file
    /// (a worktree or submodule has a file), or <paramref name="directory"/> itself when there is none.
    /// </summary>
    public static string FindRepositoryRoot(string directory)
    {
        var start = Path.GetFullPath(directory);
        try
        {
            for (var current = new DirectoryInfo(start); current is not null; current = current.Parent)
            {
                var git = Path.Combine(current.FullName, ".git");
                if (Directory.Exists(git) || File.Exists(git))
                {
                    return current.FullName;
                }
            }
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or System.Security.SecurityException)
        {
            // A folder above that cannot be read: the start folder is the best root left.
        }

        return start;
    }
}
