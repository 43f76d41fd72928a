using System;
using System.Collections.Generic;
using ModelGuard.Engine.Policy;
using ModelGuard.Engine.Rules;

namespace ModelGuard.Hosting.Configuration;

/// <summary>One of the user's allowlist entries and where it was written, so a problem with it can point there.</summary>
internal sealed class AllowlistEntrySource
{
    public AllowlistEntrySource(string entry, string origin, string? filePath = null, int line = 0)
    {
        Entry = entry;
        Origin = origin;
        FilePath = filePath;
        Line = line;
    }

    public string Entry { get; }

    /// <summary>The setting that holds it: "ModelGuardAllowedGlobal item", "modelguard_allowed_globals", "--allow", "--allowlist".</summary>
    public string Origin { get; }

    /// <summary>The file that declares it (project, .editorconfig, allowlist file), or null (the command line).</summary>
    public string? FilePath { get; }

    /// <summary>1-based line in <see cref="FilePath"/>, or 0 when unknown.</summary>
    public int Line { get; }
}

/// <summary>
/// MG9006/MG9007 for allowlist entries that do nothing: ones no pickled global can match and ones that name a denied global.
/// The build and the command line both call this, for the project's items or the command line's entries; the entries of
/// configuration files are checked while the files are read (<see cref="FindInConfigFile"/>), so their line is known and the
/// problems are cached with the rest of the configuration.
/// </summary>
internal static class AllowlistValidation
{
    public static List<ConfigProblem> Check(IEnumerable<AllowlistEntrySource> entries)
    {
        var problems = new List<ConfigProblem>();
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var source in entries)
        {
            var entry = source.Entry.Trim();
            if (entry.Length == 0 || !seen.Add(entry + "\n" + source.Origin + "\n" + source.FilePath + "\n" + source.Line))
            {
                continue;
            }

            if (AllowlistEntries.Check(entry) is { } problem)
            {
                var rule = problem.Kind == AllowlistEntryProblemKind.Denied ? RuleCatalog.AllowlistEntryDenied : RuleCatalog.AllowlistEntryNeverMatches;
                problems.Add(new ConfigProblem(rule, source.FilePath, source.Line, $"the allowlist entry '{entry}' ({source.Origin}) {problem.Reason}"));
            }
        }

        return problems;
    }

    /// <summary>The entries of every <c>modelguard_allowed_globals</c> line of a configuration file, with their line numbers.</summary>
    public static IEnumerable<AllowlistEntrySource> FindInConfigFile(string text, string path)
    {
        foreach (var setting in ConfigFileLines.Settings(text))
        {
            if (!string.Equals(setting.Key, FileSettings.AllowedGlobalsKey, StringComparison.OrdinalIgnoreCase))
            {
                continue;
            }

            foreach (var entry in FileSettings.SplitList(setting.Value))
            {
                yield return new AllowlistEntrySource(entry, FileSettings.AllowedGlobalsKey, path, setting.Line);
            }
        }
    }
}
