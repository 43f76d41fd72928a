using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using ModelGuard.Hosting.Scanning;

namespace ModelGuard.Cli;

/// <summary>Turns the command line's files and directories into the files to scan.</summary>
internal static class FileWalker
{
    private static readonly HashSet<string> NoIds = new(StringComparer.OrdinalIgnoreCase);

    /// <summary>
    /// Files are kept as given (a missing one is scanned and reported by the engine as MG9002, a FIFO or socket is reported
    /// without being opened, as in the build); directories are walked recursively in ordinal order, hidden files included.
    /// A directory that cannot be listed is an MG9002 finding, not a silent skip. Symbolic links to directories are followed
    /// once (a set of visited real paths breaks cycles); a file reached twice is scanned once.
    /// The command's own report (<paramref name="report"/>, a full path) is never a target, also when it is written into a folder
    /// being walked (by an earlier run, or this one).
    /// </summary>
    public static List<ScanTarget> Expand(IEnumerable<string> inputs, string workingDirectory, string? report = null)
    {
        var targets = new List<ScanTarget>();
        var seenFiles = new HashSet<string>(ScanRun.PathComparer);
        var visitedDirectories = new HashSet<string>(ScanRun.PathComparer);
        foreach (var input in inputs)
        {
            string fullPath;
            try
            {
                fullPath = Path.GetFullPath(Path.Combine(workingDirectory, input));
            }
            catch (Exception ex) when (ex is ArgumentException or NotSupportedException or PathTooLongException)
            {
                targets.Add(new ScanTarget(input, input, NoIds) { InvalidPath = $"the path is not valid ({ex.Message})" });
                continue;
            }

            if (Directory.Exists(fullPath))
            {
                Walk(fullPath, workingDirectory, targets, seenFiles, visitedDirectories);
            }
            else if (seenFiles.Add(fullPath))
            {
                targets.Add(new ScanTarget(fullPath, DisplayPathOf(fullPath, workingDirectory), NoIds));
            }
        }

        if (report is not null)
        {
            var reportPath = Path.GetFullPath(report);
            targets.RemoveAll(t => t.InvalidPath is null && ScanRun.PathComparer.Equals(t.FullPath, reportPath));
        }

        return targets;
    }

    /// <summary>The path relative to the working directory when the file is under it (as a build shows paths under the project), else the full path.</summary>
    public static string DisplayPathOf(string fullPath, string workingDirectory)
    {
        var prefix = workingDirectory.TrimEnd(Path.DirectorySeparatorChar, Path.AltDirectorySeparatorChar) + Path.DirectorySeparatorChar;
        return fullPath.StartsWith(prefix, ScanRun.PathComparison) ? fullPath.Substring(prefix.Length) : fullPath;
    }

    private static void Walk(string directory, string workingDirectory, List<ScanTarget> targets, HashSet<string> seenFiles, HashSet<string> visited)
    {
        string[] entries;
        try
        {
            if (!visited.Add(RealPath(directory)))
            {
                return;
            }

            entries = Directory.GetFileSystemEntries(directory);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            var display = DisplayPathOf(directory, workingDirectory);
            targets.Add(new ScanTarget(directory, display, NoIds) { InvalidPath = $"the directory cannot be listed ({ex.Message}); its files were not verified" });
            return;
        }

        Array.Sort(entries, StringComparer.Ordinal);
        foreach (var entry in entries.Where(e => !Directory.Exists(e)))
        {
            if (seenFiles.Add(entry))
            {
                targets.Add(new ScanTarget(entry, DisplayPathOf(entry, workingDirectory), NoIds));
            }
        }

        foreach (var entry in entries.Where(Directory.Exists))
        {
            Walk(entry, workingDirectory, targets, seenFiles, visited);
        }
    }

    private static string RealPath(string directory)
    {
        var info = new DirectoryInfo(directory);
        var target = info.LinkTarget is null ? null : info.ResolveLinkTarget(returnFinalTarget: true);
        return Path.GetFullPath((target ?? info).FullName).TrimEnd(Path.DirectorySeparatorChar);
    }
}
