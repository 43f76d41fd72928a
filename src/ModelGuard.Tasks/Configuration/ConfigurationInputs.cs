using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Security.Cryptography;
using System.Text;
using ModelGuard.Engine.Rules;
using ModelGuard.Tasks.Caching;

namespace ModelGuard.Tasks.Configuration;

/// <summary>One configuration file to combine: its text, or why it could not be read.</summary>
internal sealed class ConfigFileInput
{
    public ConfigFileInput(string path, string? text, ConfigProblem? readProblem)
    {
        Path = path;
        Text = text;
        ReadProblem = readProblem;
    }

    /// <summary>The full path.</summary>
    public string Path { get; }

    /// <summary>The file's text, or null when it could not be read (then <see cref="ReadProblem"/> says why).</summary>
    public string? Text { get; }

    public ConfigProblem? ReadProblem { get; }
}

/// <summary>
/// Everything the analyzer configuration of a build depends on, gathered without Roslyn: the configuration files (listed and
/// discovered) with their text, the model files in order, and the switches. <see cref="Key"/> digests all of it, so a
/// configuration resolved by an earlier build can be reused while the key is the same (see <see cref="ResolvedConfiguration"/>).
/// </summary>
internal sealed class ConfigurationInputs
{
    private const string EditorConfigName = ".editorconfig";
    private const string GlobalConfigName = ".globalconfig";

    private readonly bool _discoverEditorConfigs;
    private readonly bool _discoverGlobalConfigs;
    private readonly StringComparer _pathComparer;
    private string? _key;

    private ConfigurationInputs(
        List<ConfigProblem> pathProblems,
        List<ConfigFileInput> files,
        List<string> modelFiles,
        bool discoverEditorConfigs,
        bool discoverGlobalConfigs,
        StringComparer pathComparer)
    {
        PathProblems = pathProblems;
        Files = files;
        ModelFiles = modelFiles;
        _discoverEditorConfigs = discoverEditorConfigs;
        _discoverGlobalConfigs = discoverGlobalConfigs;
        _pathComparer = pathComparer;
    }

    /// <summary>Listed configuration files whose path is not valid (MG9004), in list order.</summary>
    public IReadOnlyList<ConfigProblem> PathProblems { get; }

    /// <summary>The configuration files in the order they are combined: the listed ones, then the discovered ones.</summary>
    public IReadOnlyList<ConfigFileInput> Files { get; }

    /// <summary>The model files (full paths) in the order the task asks for their settings.</summary>
    public IReadOnlyList<string> ModelFiles { get; }

    /// <summary>
    /// A SHA-256 digest of every input: equal keys mean that combining the files again would give the same settings and the
    /// same problems. It includes this task assembly's identity (which changes with its code and with the Roslyn version it
    /// references) and the UI culture (exception messages in problems are localised).
    /// </summary>
    public string Key => _key ??= ComputeKey();

    /// <summary>
    /// Gathers <paramref name="configFiles"/> (the project's <c>@(EditorConfigFiles)</c>) and, when discovery is on, every
    /// <c>.editorconfig</c> and <c>.globalconfig</c> in the folders of <paramref name="modelFiles"/> and above them, and reads them.
    /// </summary>
    public static ConfigurationInputs Collect(IEnumerable<string> configFiles, IEnumerable<string> modelFiles, bool discoverEditorConfigs, bool discoverGlobalConfigs, StringComparer pathComparer)
    {
        var models = modelFiles.ToList();
        var problems = new List<ConfigProblem>();
        var paths = new List<string>();
        var seen = new HashSet<string>(pathComparer);
        foreach (var file in configFiles)
        {
            if (string.IsNullOrWhiteSpace(file))
            {
                continue;
            }

            string fullPath;
            try
            {
                fullPath = System.IO.Path.GetFullPath(file);
            }
            catch (Exception ex) when (ex is ArgumentException or NotSupportedException or PathTooLongException or System.Security.SecurityException)
            {
                problems.Add(new ConfigProblem(RuleCatalog.InvalidAnalyzerConfiguration, null, 0, $"the configuration file path '{file}' is not valid ({ex.Message}); its settings are not applied"));
                continue;
            }

            if (seen.Add(fullPath))
            {
                paths.Add(fullPath);
            }
        }

        if (discoverEditorConfigs || discoverGlobalConfigs)
        {
            var visited = new HashSet<string>(pathComparer);
            foreach (var model in models)
            {
                for (var dir = System.IO.Path.GetDirectoryName(model); !string.IsNullOrEmpty(dir) && visited.Add(dir!); dir = System.IO.Path.GetDirectoryName(dir))
                {
                    foreach (var (name, enabled) in new[] { (EditorConfigName, discoverEditorConfigs), (GlobalConfigName, discoverGlobalConfigs) })
                    {
                        var candidate = System.IO.Path.Combine(dir!, name);
                        if (enabled && File.Exists(candidate) && seen.Add(candidate))
                        {
                            paths.Add(candidate);
                        }
                    }
                }
            }
        }

        var files = new List<ConfigFileInput>(paths.Count);
        foreach (var path in paths)
        {
            try
            {
                files.Add(new ConfigFileInput(path, File.ReadAllText(path), null));
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or NotSupportedException or ArgumentException)
            {
                files.Add(new ConfigFileInput(path, null, new ConfigProblem(RuleCatalog.InvalidAnalyzerConfiguration, path, 0, $"the configuration file cannot be read ({ex.GetType().Name}: {ex.Message}); its settings are not applied")));
            }
        }

        return new ConfigurationInputs(problems, files, models, discoverEditorConfigs, discoverGlobalConfigs, pathComparer);
    }

    private string ComputeKey()
    {
        using var buffer = new MemoryStream();
        using (var writer = new BinaryWriter(buffer, Encoding.UTF8, leaveOpen: true))
        {
            writer.Write("ModelGuard analyzer configuration 1");
            writer.Write(typeof(ConfigurationInputs).Module.ModuleVersionId.ToByteArray());
            ExactText.Write(writer, CultureInfo.CurrentUICulture.Name);
            writer.Write(_discoverEditorConfigs);
            writer.Write(_discoverGlobalConfigs);
            writer.Write(ReferenceEquals(_pathComparer, StringComparer.Ordinal));
            writer.Write(PathProblems.Count);
            foreach (var problem in PathProblems)
            {
                ExactText.Write(writer, problem.Message);
            }

            writer.Write(Files.Count);
            foreach (var file in Files)
            {
                ExactText.Write(writer, file.Path);
                writer.Write(file.Text is not null);
                ExactText.Write(writer, file.Text ?? file.ReadProblem!.Message);
            }

            writer.Write(ModelFiles.Count);
            foreach (var model in ModelFiles)
            {
                ExactText.Write(writer, model);
            }
        }

        using var sha = SHA256.Create();
        return BitConverter.ToString(sha.ComputeHash(buffer.GetBuffer(), 0, (int)buffer.Length)).Replace("-", string.Empty);
    }
}
