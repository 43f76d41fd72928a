using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using ModelGuard.Engine.Findings;
using ModelGuard.Engine.Rules;

namespace ModelGuard.Cli;

/// <summary>Turns the command line's files and directories into the list of files to scan.</summary>
internal static class FileWalker
{
    /// <summary>
    /// Files are kept as given (a missing one is scanned and reported by the engine as MG9002); directories are walked
    /// recursively in ordinal order, hidden files included. A directory that cannot be listed is an MG9002 finding, not a
    /// silent skip. Symbolic links to directories are followed once (a visited set breaks cycles).
    /// </summary>
    public static List<string> Expand(IEnumerable<string> inputs, List<Finding> problems)
    {
        var files = new List<string>();
        var seenFiles = new HashSet<string>(StringComparer.Ordinal);
        var visitedDirectories = new HashSet<string>(StringComparer.Ordinal);
        foreach (var input in inputs)
        {
            if (Directory.Exists(input))
            {
                Walk(input, files, seenFiles, visitedDirectories, problems);
            }
            else if (seenFiles.Add(Path.GetFullPath(input)))
            {
                files.Add(input);
            }
        }

        return files;
    }

    private static void Walk(string directory, List<string> files, HashSet<string> seenFiles, HashSet<string> visited, List<Finding> problems)
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
            problems.Add(new Finding(RuleCatalog.UnreadableFile, directory, null, null, $"the directory cannot be listed ({ex.Message}); its files were not verified"));
            return;
        }

        Array.Sort(entries, StringComparer.Ordinal);
        foreach (var entry in entries.Where(e => !Directory.Exists(e)))
        {
            if (seenFiles.Add(Path.GetFullPath(entry)))
            {
                files.Add(entry);
            }
        }

        foreach (var entry in entries.Where(Directory.Exists))
        {
            Walk(entry, files, seenFiles, visited, problems);
        }
    }

    private static string RealPath(string directory)
    {
        var info = new DirectoryInfo(directory);
        var target = info.LinkTarget is null ? null : info.ResolveLinkTarget(returnFinalTarget: true);
        return Path.GetFullPath((target ?? info).FullName).TrimEnd(Path.DirectorySeparatorChar);
    }
}
