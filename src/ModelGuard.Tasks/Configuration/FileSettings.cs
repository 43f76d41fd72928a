using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using Microsoft.CodeAnalysis;
using ModelGuard.Engine.Rules;
using ModelGuard.Tasks.Caching;

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

    /// <summary>
    /// The same settings restricted to the keys ModelGuard reads: severities of catalog rules, ModelGuard's category keys,
    /// <c>dotnet_analyzer_diagnostic.severity</c> and the allowlist key. Resolving any catalog rule against the result gives
    /// what it gives against this instance, so the result can stand in for it (the configuration cache stores it).
    /// </summary>
    public FileSettings OnlyModelGuardKeys()
        => new(
            _fileSeverities.Where(p => ModelGuardKeys.RuleIds.Contains(p.Key)),
            _globalSeverities.Where(p => ModelGuardKeys.RuleIds.Contains(p.Key)),
            _options.Where(p => ModelGuardKeys.OptionKeys.Contains(p.Key)));

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
        var options = new KeyValuePair<string, string>[ReadCount(reader)];
        for (var i = 0; i < options.Length; i++)
        {
            options[i] = new KeyValuePair<string, string>(ExactText.Read(reader), ExactText.Read(reader));
        }

        return new FileSettings(fileSeverities, globalSeverities, options);
    }

    private static void WriteSeverities(BinaryWriter writer, Dictionary<string, ReportDiagnostic> severities)
    {
        writer.Write(severities.Count);
        foreach (var pair in severities.OrderBy(p => p.Key, StringComparer.Ordinal))
        {
            ExactText.Write(writer, pair.Key);
            writer.Write((int)pair.Value);
        }
    }

    private static KeyValuePair<string, ReportDiagnostic>[] ReadSeverities(BinaryReader reader)
    {
        var severities = new KeyValuePair<string, ReportDiagnostic>[ReadCount(reader)];
        for (var i = 0; i < severities.Length; i++)
        {
            var key = ExactText.Read(reader);
            var value = reader.ReadInt32();
            if (value < (int)ReportDiagnostic.Default || value > (int)ReportDiagnostic.Suppress)
            {
                throw new FormatException("unknown severity " + value.ToString(System.Globalization.CultureInfo.InvariantCulture));
            }

            severities[i] = new KeyValuePair<string, ReportDiagnostic>(key, (ReportDiagnostic)value);
        }

        return severities;
    }

    private static int ReadCount(BinaryReader reader)
    {
        var count = reader.ReadInt32();
        return count is >= 0 and <= 1_000_000 ? count : throw new FormatException("invalid entry count");
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
        RuleCatalog.All.Select(r => SeverityResolver.CategoryKey(r.Category)).Concat(new[] { SeverityResolver.AllAnalyzersKey, FileSettings.AllowedGlobalsKey }),
        StringComparer.OrdinalIgnoreCase);
}
