using System;
using System.Collections.Generic;
using System.Linq;
using Microsoft.CodeAnalysis;

namespace ModelGuard.Tasks.Configuration;

/// <summary>
/// What the analyzer configuration (.editorconfig files and global configs, combined by Roslyn's <c>AnalyzerConfigSet</c>) says
/// for one file. Keys and IDs are case-insensitive, as in Roslyn.
/// </summary>
internal sealed class FileSettings
{
    /// <summary>The key of the per-file allowlist of the user's own pickled globals.</summary>
    public const string AllowedGlobalsKey = "modelguard_allowed_globals";

    private static readonly char[] ListSeparators = { ',', ';', ' ', '\t' };

    private readonly Dictionary<string, ReportDiagnostic> _fileSeverities;
    private readonly Dictionary<string, ReportDiagnostic> _globalSeverities;
    private readonly Dictionary<string, string> _options;

    /// <param name="fileSeverities"><c>dotnet_diagnostic.ID.severity</c> from .editorconfig sections matching the file (and global config sections for its absolute path).</param>
    /// <param name="globalSeverities"><c>dotnet_diagnostic.ID.severity</c> from the global section of the global configs.</param>
    /// <param name="options">Every other key for the file: .editorconfig sections over global configs.</param>
    public FileSettings(
        IEnumerable<KeyValuePair<string, ReportDiagnostic>>? fileSeverities,
        IEnumerable<KeyValuePair<string, ReportDiagnostic>>? globalSeverities,
        IEnumerable<KeyValuePair<string, string>>? options)
    {
        _fileSeverities = ToDictionary(fileSeverities);
        _globalSeverities = ToDictionary(globalSeverities);
        _options = ToDictionary(options);
    }

    /// <summary>No configuration at all.</summary>
    public static FileSettings Empty { get; } = new(null, null, null);

    public bool TryGetFileSeverity(string id, out ReportDiagnostic severity) => _fileSeverities.TryGetValue(id, out severity);

    public bool TryGetGlobalSeverity(string id, out ReportDiagnostic severity) => _globalSeverities.TryGetValue(id, out severity);

    public bool TryGetOption(string key, out string value)
    {
        if (_options.TryGetValue(key, out var found))
        {
            value = found;
            return true;
        }

        value = string.Empty;
        return false;
    }

    /// <summary>The globals <c>modelguard_allowed_globals</c> allows for this file (comma or space separated; <c>;</c> and <c>#</c> start a comment in .editorconfig).</summary>
    public IReadOnlyList<string> AllowedGlobals
        => TryGetOption(AllowedGlobalsKey, out var value)
            ? value.Split(ListSeparators, StringSplitOptions.RemoveEmptyEntries).Select(v => v.Trim()).Where(v => v.Length > 0).ToArray()
            : Array.Empty<string>();

    private static Dictionary<string, TValue> ToDictionary<TValue>(IEnumerable<KeyValuePair<string, TValue>>? pairs)
    {
        var dictionary = new Dictionary<string, TValue>(StringComparer.OrdinalIgnoreCase);
        if (pairs is not null)
        {
            foreach (var pair in pairs)
            {
                dictionary[pair.Key] = pair.Value;
            }
        }

        return dictionary;
    }
}
