using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Security.Cryptography;
using ModelGuard.Engine.Rules;
using ModelGuard.Hosting.Caching;

namespace ModelGuard.Hosting.Configuration;

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
        using var hasher = new KeyHasher();
        hasher.Add("ModelGuard analyzer configuration 1");
        hasher.Add(typeof(ConfigurationInputs).Module.ModuleVersionId.ToString("N"));
        hasher.Add(CultureInfo.CurrentUICulture.Name);
        hasher.Add(_discoverEditorConfigs ? 1 : 0);
        hasher.Add(_discoverGlobalConfigs ? 1 : 0);
        hasher.Add(ReferenceEquals(_pathComparer, StringComparer.Ordinal) ? 1 : 0);
        hasher.Add(PathProblems.Count);
        foreach (var problem in PathProblems)
        {
            hasher.Add(problem.Message);
        }

        hasher.Add(Files.Count);
        foreach (var file in Files)
        {
            hasher.Add(file.Path);
            hasher.Add(file.Text is null ? 0 : 1);
            hasher.Add(file.Text ?? file.ReadProblem!.Message);
        }

        hasher.Add(ModelFiles.Count);
        foreach (var model in ModelFiles)
        {
            hasher.Add(model);
        }

        return hasher.Finish();
    }

    /// <summary>
    /// SHA-256 over a sequence of integers and strings (length first, every UTF-16 code unit as it is, see <see cref="ExactText"/>),
    /// fed through one small buffer: the model list alone is hundreds of kilobytes that need not be held at once.
    /// </summary>
    private sealed class KeyHasher : IDisposable
    {
        private readonly SHA256 _sha = SHA256.Create();
        private readonly byte[] _buffer = new byte[8192];
        private int _used;

        public void Add(int value)
        {
            Reserve(4);
            _buffer[_used++] = (byte)value;
            _buffer[_used++] = (byte)(value >> 8);
            _buffer[_used++] = (byte)(value >> 16);
            _buffer[_used++] = (byte)(value >> 24);
        }

        public void Add(string text)
        {
            Add(text.Length);
            foreach (var c in text)
            {
                Reserve(2);
                _buffer[_used++] = (byte)c;
                _buffer[_used++] = (byte)(c >> 8);
            }
        }

        public string Finish()
        {
            _sha.TransformFinalBlock(_buffer, 0, _used);
            _used = 0;
            return BitConverter.ToString(_sha.Hash!).Replace("-", string.Empty);
        }

        public void Dispose() => _sha.Dispose();

        private void Reserve(int count)
        {
            if (_used + count > _buffer.Length)
            {
                _sha.TransformBlock(_buffer, 0, _used, null, 0);
                _used = 0;
            }
        }
    }
}
