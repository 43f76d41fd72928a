using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using Microsoft.CodeAnalysis;
using ModelGuard.Engine.Rules;
using ModelGuard.Hosting.Caching;

namespace ModelGuard.Hosting.Configuration;

/// <summary>
/// What the analyzer configuration (.editorconfig files and global configs, combined by Roslyn's <c>AnalyzerConfigSet</c>) says
/// for one file. Keys and IDs are case-insensitive, as in Roslyn.
/// </summary>
internal sealed class FileSettings
{
    /// <summary>The key of the per-file allowlist of the user's own pickled globals.</summary>
    public const string AllowedGlobalsKey = "modelguard_allowed_globals";

    /// <summary>The key that opts the files it covers into allowlist profiles (<c>modelguard_allow_profiles = pandas, lightning</c>).</summary>
    public const string AllowProfilesKey = "modelguard_allow_profiles";

    private static readonly char[] ListSeparators = { ',', ';', ' ', '\t' };

    // Severities are kept as their int values: Dictionary<string, int> runs precompiled framework code, while an instantiation
    // over Roslyn's enum is JIT compiled in every fresh MSBuild process (a no-op build, where these come from the cache).
    private readonly Dictionary<string, int> _fileSeverities;
    private readonly Dictionary<string, int> _globalSeverities;
    private readonly Dictionary<string, string> _options;

    /// <param name="fileSeverities"><c>dotnet_diagnostic.ID.severity</c> from .editorconfig sections matching the file (and global config sections for its absolute path).</param>
    /// <param name="globalSeverities"><c>dotnet_diagnostic.ID.severity</c> from the global section of the global configs.</param>
    /// <param name="options">Every other key for the file: .editorconfig sections over global configs.</param>
    public FileSettings(
        IEnumerable<KeyValuePair<string, ReportDiagnostic>>? fileSeverities,
        IEnumerable<KeyValuePair<string, ReportDiagnostic>>? globalSeverities,
        IEnumerable<KeyValuePair<string, string>>? options)
        : this(ToSeverityDictionary(fileSeverities), ToSeverityDictionary(globalSeverities), ToDictionary(options))
    {
    }

    private FileSettings(Dictionary<string, int> fileSeverities, Dictionary<string, int> globalSeverities, Dictionary<string, string> options)
    {
        _fileSeverities = fileSeverities;
        _globalSeverities = globalSeverities;
        _options = options;
    }

    /// <summary>No configuration at all.</summary>
    public static FileSettings Empty { get; } = new(
        new Dictionary<string, int>(StringComparer.OrdinalIgnoreCase),
        new Dictionary<string, int>(StringComparer.OrdinalIgnoreCase),
        new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase));

    public bool TryGetFileSeverity(string id, out ReportDiagnostic severity) => TryGetSeverity(_fileSeverities, id, out severity);

    public bool TryGetGlobalSeverity(string id, out ReportDiagnostic severity) => TryGetSeverity(_globalSeverities, id, out severity);

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
            ? SplitList(value)
            : Array.Empty<string>();

    /// <summary>The entries of a list setting (comma, semicolon or space separated).</summary>
    public static IReadOnlyList<string> SplitList(string value)
        => value.Split(ListSeparators, StringSplitOptions.RemoveEmptyEntries).Select(v => v.Trim()).Where(v => v.Length > 0).ToArray();

    /// <summary>The allowlist profiles <c>modelguard_allow_profiles</c> names for this file, as written (comma or space separated).</summary>
    public IReadOnlyList<string> AllowProfiles
        => TryGetOption(AllowProfilesKey, out var value)
            ? SplitList(value)
            : Array.Empty<string>();

    /// <summary>
    /// The same settings restricted to the keys ModelGuard reads: severities of catalog rules, ModelGuard's category keys,
    /// <c>dotnet_analyzer_diagnostic.severity</c> and the allowlist key. Resolving any catalog rule against the result gives
    /// what it gives against this instance, so the result can stand in for it (the configuration cache stores it).
    /// </summary>
    public FileSettings OnlyModelGuardKeys()
        => new(
            Only(_fileSeverities, ModelGuardKeys.RuleIds),
            Only(_globalSeverities, ModelGuardKeys.RuleIds),
            Only(_options, ModelGuardKeys.OptionKeys));

    /// <summary>Writes every entry in a canonical order (equal settings give equal bytes).</summary>
    public void Write(BinaryWriter writer)
    {
        WriteSeverities(writer, _fileSeverities);
        WriteSeverities(writer, _globalSeverities);
        writer.Write(_options.Count);
        foreach (var pair in _options.OrderBy(p => p.Key, StringComparer.Ordinal))
        {
            ExactText.Write(writer, pair.Key);
            ExactText.Write(writer, pair.Value);
        }
    }

    /// <summary>Reads what <see cref="Write"/> wrote.</summary>
    public static FileSettings Read(BinaryReader reader)
    {
        var fileSeverities = ReadSeverities(reader);
        var globalSeverities = ReadSeverities(reader);
        var options = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        for (var count = ReadCount(reader); count > 0; count--)
        {
            var key = ExactText.Read(reader);
            options[key] = ExactText.Read(reader);
        }

        return new FileSettings(fileSeverities, globalSeverities, options);
    }

    private static bool TryGetSeverity(Dictionary<string, int> severities, string id, out ReportDiagnostic severity)
    {
        var found = severities.TryGetValue(id, out var value);
        severity = (ReportDiagnostic)value;
        return found;
    }

    private static Dictionary<string, TValue> Only<TValue>(Dictionary<string, TValue> entries, HashSet<string> keys)
    {
        var kept = new Dictionary<string, TValue>(StringComparer.OrdinalIgnoreCase);
        foreach (var pair in entries)
        {
            if (keys.Contains(pair.Key))
            {
                kept[pair.Key] = pair.Value;
            }
        }

        return kept;
    }

    private static void WriteSeverities(BinaryWriter writer, Dictionary<string, int> severities)
    {
        writer.Write(severities.Count);
        foreach (var pair in severities.OrderBy(p => p.Key, StringComparer.Ordinal))
        {
            ExactText.Write(writer, pair.Key);
            writer.Write(pair.Value);
        }
    }

    private static Dictionary<string, int> ReadSeverities(BinaryReader reader)
    {
        var severities = new Dictionary<string, int>(StringComparer.OrdinalIgnoreCase);
        for (var count = ReadCount(reader); count > 0; count--)
        {
            var key = ExactText.Read(reader);
            var value = reader.ReadInt32();
            if (value < (int)ReportDiagnostic.Default || value > (int)ReportDiagnostic.Suppress)
            {
                throw new FormatException("unknown severity " + value.ToString(System.Globalization.CultureInfo.InvariantCulture));
            }

            severities[key] = value;
        }

        return severities;
    }

    private static int ReadCount(BinaryReader reader)
    {
        var count = reader.ReadInt32();
        return count is >= 0 and <= 1_000_000 ? count : throw new FormatException("invalid entry count");
    }

    private static Dictionary<string, int> ToSeverityDictionary(IEnumerable<KeyValuePair<string, ReportDiagnostic>>? pairs)
    {
        var dictionary = new Dictionary<string, int>(StringComparer.OrdinalIgnoreCase);
        if (pairs is not null)
        {
            foreach (var pair in pairs)
            {
                dictionary[pair.Key] = (int)pair.Value;
            }
        }

        return dictionary;
    }

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

/// <summary>The configuration keys ModelGuard reads, case-insensitive as in Roslyn.</summary>
internal static class ModelGuardKeys
{
    /// <summary>Every catalog rule ID (the IDs of <c>dotnet_diagnostic.ID.severity</c> that concern ModelGuard).</summary>
    public static HashSet<string> RuleIds { get; } = new(RuleCatalog.All.Select(r => r.Id), StringComparer.OrdinalIgnoreCase);

    /// <summary>The option keys <see cref="SeverityResolver"/> and the allowlist read.</summary>
    public static HashSet<string> OptionKeys { get; } = new(
        RuleCatalog.All.Select(r => SeverityResolver.CategoryKey(r.Category)).Concat(new[] { SeverityResolver.AllAnalyzersKey, FileSettings.AllowedGlobalsKey, FileSettings.AllowProfilesKey }),
        StringComparer.OrdinalIgnoreCase);
}
