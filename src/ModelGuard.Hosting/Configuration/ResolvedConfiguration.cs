using System;
using System.Collections.Generic;
using System.IO;
using System.Text;
using ModelGuard.Engine.Rules;
using ModelGuard.Hosting.Caching;

namespace ModelGuard.Hosting.Configuration;

/// <summary>
/// The outcome of the analyzer configuration for one build: the settings of every model file, the project-wide settings and the
/// problems, in the order <see cref="AnalyzerConfiguration"/> reports them. Settings keep only the keys ModelGuard reads.
/// Serializable, so the scan cache can keep it: combining the files with Roslyn costs a fresh build process (every build
/// of the command line) tens of milliseconds of assembly loading and JIT, and a build whose configuration files, model list
/// and switches are unchanged (the same <see cref="ConfigurationInputs.Key"/>) would get exactly this back.
/// </summary>
internal sealed class ResolvedConfiguration
{
    private readonly List<FileSettings> _table;
    private readonly int[] _modelSettings;
    private readonly int _projectSettings;

    private ResolvedConfiguration(string? key, List<ConfigProblem> problems, List<FileSettings> table, int projectSettings, int[] modelSettings)
    {
        Key = key;
        Problems = problems;
        _table = table;
        _projectSettings = projectSettings;
        _modelSettings = modelSettings;
    }

    /// <summary>The <see cref="ConfigurationInputs.Key"/> this was resolved from; null when it must not be reused.</summary>
    public string? Key { get; }

    /// <summary>Problems found while reading and combining the files and while applying them to the model files.</summary>
    public IReadOnlyList<ConfigProblem> Problems { get; }

    /// <summary>The project-wide settings (global configs only), for diagnostics that belong to no model file.</summary>
    public FileSettings ProjectSettings => _table[_projectSettings];

    /// <summary>How many model files this has settings for.</summary>
    public int ModelCount => _modelSettings.Length;

    /// <summary>
    /// The configuration for <paramref name="inputs"/>: <paramref name="cached"/> when it was resolved from the same inputs,
    /// otherwise the files are combined with Roslyn's <c>AnalyzerConfigSet</c> and applied to every model file.
    /// </summary>
    public static ResolvedConfiguration Resolve(ConfigurationInputs inputs, ResolvedConfiguration? cached)
    {
        if (cached is not null && cached.Key is not null && cached.ModelCount == inputs.ModelFiles.Count && string.Equals(cached.Key, inputs.Key, StringComparison.Ordinal))
        {
            return cached;
        }

        return Combine(inputs);
    }

    /// <summary>No setting applied, with the reason as an MG9004 problem (fail closed: the defaults apply). Never reused.</summary>
    public static ResolvedConfiguration Unavailable(string reason, int modelCount)
        => new(
            null,
            new List<ConfigProblem> { new(RuleCatalog.InvalidAnalyzerConfiguration, null, 0, reason) },
            new List<FileSettings> { FileSettings.Empty },
            0,
            new int[modelCount]);

    /// <summary>The settings of the model file at <paramref name="index"/> in <see cref="ConfigurationInputs.ModelFiles"/>.</summary>
    public FileSettings ForModel(int index) => _table[_modelSettings[index]];

    public void Write(BinaryWriter writer)
    {
        writer.Write(Key ?? throw new InvalidOperationException("an unavailable configuration is not cached"));
        writer.Write(Problems.Count);
        foreach (var problem in Problems)
        {
            writer.Write(problem.Rule.Id);
            writer.Write(problem.FilePath is not null);
            ExactText.Write(writer, problem.FilePath ?? string.Empty);
            writer.Write(problem.Line);
            ExactText.Write(writer, problem.Message);
        }

        writer.Write(_table.Count);
        foreach (var settings in _table)
        {
            settings.Write(writer);
        }

        writer.Write(_projectSettings);
        writer.Write(_modelSettings.Length);
        foreach (var index in _modelSettings)
        {
            writer.Write(index);
        }
    }

    public static ResolvedConfiguration Read(BinaryReader reader)
    {
        var key = reader.ReadString();
        var problemCount = ReadCount(reader);
        var problems = new List<ConfigProblem>(Math.Min(problemCount, 1024));
        for (var i = 0; i < problemCount; i++)
        {
            var rule = RuleCatalog.Find(reader.ReadString()) ?? throw new FormatException("a configuration problem names an unknown rule");
            var hasPath = reader.ReadBoolean();
            var path = ExactText.Read(reader);
            var line = reader.ReadInt32();
            problems.Add(new ConfigProblem(rule, hasPath ? path : null, line, ExactText.Read(reader)));
        }

        var tableCount = ReadCount(reader);
        if (tableCount == 0)
        {
            throw new FormatException("no settings");
        }

        var table = new List<FileSettings>(Math.Min(tableCount, 1024));
        for (var i = 0; i < tableCount; i++)
        {
            table.Add(FileSettings.Read(reader));
        }

        var projectSettings = ReadIndex(reader, tableCount);
        var modelCount = ReadCount(reader);
        var modelSettings = new int[modelCount];
        for (var i = 0; i < modelCount; i++)
        {
            modelSettings[i] = ReadIndex(reader, tableCount);
        }

        return new ResolvedConfiguration(key, problems, table, projectSettings, modelSettings);
    }

    private static ResolvedConfiguration Combine(ConfigurationInputs inputs)
    {
        if (inputs.Files.Count == 0 && inputs.PathProblems.Count == 0)
        {
            // No configuration file at all: every file gets the defaults, without loading and JIT compiling Roslyn (about half
            // of a one-file `modelguard scan`, docs/benchmarks.md).
            return new ResolvedConfiguration(inputs.Key, new List<ConfigProblem>(), new List<FileSettings> { FileSettings.Empty }, 0, new int[inputs.ModelFiles.Count]);
        }

        var configuration = AnalyzerConfiguration.Load(inputs);

        // Most model files share their settings (usually none that concern ModelGuard): one table entry per distinct set.
        var table = new List<FileSettings>();
        var indexes = new Dictionary<string, int>(StringComparer.Ordinal);
        int IndexOf(FileSettings settings)
        {
            var relevant = settings.OnlyModelGuardKeys();
            var signature = Signature(relevant);
            if (!indexes.TryGetValue(signature, out var index))
            {
                index = table.Count;
                table.Add(relevant);
                indexes.Add(signature, index);
            }

            return index;
        }

        var projectSettings = IndexOf(configuration.ProjectSettings);
        var modelSettings = new int[inputs.ModelFiles.Count];
        for (var i = 0; i < modelSettings.Length; i++)
        {
            modelSettings[i] = IndexOf(configuration.ForFile(inputs.ModelFiles[i]));
        }

        // Read after every ForFile: applying the files to the model paths can add problems.
        return new ResolvedConfiguration(inputs.Key, new List<ConfigProblem>(configuration.Problems), table, projectSettings, modelSettings);
    }

    private static string Signature(FileSettings settings)
    {
        using var buffer = new MemoryStream();
        using (var writer = new BinaryWriter(buffer, Encoding.UTF8, leaveOpen: true))
        {
            settings.Write(writer);
        }

        return Convert.ToBase64String(buffer.GetBuffer(), 0, (int)buffer.Length);
    }

    private static int ReadCount(BinaryReader reader)
    {
        var count = reader.ReadInt32();
        return count is >= 0 and <= 10_000_000 ? count : throw new FormatException("invalid count");
    }

    private static int ReadIndex(BinaryReader reader, int tableCount)
    {
        var index = reader.ReadInt32();
        return index >= 0 && index < tableCount ? index : throw new FormatException("settings index out of range");
    }
}
