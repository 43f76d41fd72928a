using System;
using System.IO;
using System.Linq;
using System.Text.RegularExpressions;
using ModelGuard.Cli;
using ModelGuard.TestSupport;

namespace ModelGuard.IntegrationTests.Integrity;

/// <summary>
/// <c>modelguard lock</c> and <c>modelguard verify --locked</c> in process on a temporary folder: the user's scenario from the
/// first lock to a swapped, an added and a removed model and a lock file with merge-conflict markers.
/// </summary>
public sealed class LockCommandTests : IDisposable
{
    private const string Source = "hf://org/repo@3f1c2e9/a.safetensors";

    private readonly string _dir = Path.Combine(Path.GetTempPath(), "modelguard-lockcli-" + Guid.NewGuid().ToString("N").Substring(0, 12));

    public LockCommandTests() => Directory.CreateDirectory(Path.Combine(_dir, "models"));

    private string LockPath => Path.Combine(_dir, "models", "models.lock.json");

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    /// <summary>A valid safetensors file whose one tensor holds <paramref name="fill"/>: a swapped one is just as well-formed.</summary>
    internal static byte[] Safetensors(byte fill) => new SafetensorsWriter().Tensor("w", "F32", new long[] { 4 }, Enumerable.Repeat(fill, 16).ToArray()).ToArray();

    [Fact]
    public void Lock_then_verify_a_swapped_an_added_and_a_removed_model()
    {
        File.WriteAllBytes(Path.Combine(_dir, "models", "a.safetensors"), Safetensors(1));
        File.WriteAllBytes(Path.Combine(_dir, "models", "b.safetensors"), Safetensors(2));
        File.WriteAllText(Path.Combine(_dir, "models", "README.txt"), "not a model");

        // 1. lock: one entry per model, keyed relative to the lock file's folder; MG4005 says what was added.
        var (code, stdout, _) = Run("lock", "models");
        Assert.True(code == 0, stdout);
        Assert.Equal(2, Count(stdout, "info MG4005"));
        var text = File.ReadAllText(LockPath);
        Assert.Contains("\"a.safetensors\": { \"sha256\": ", text, StringComparison.Ordinal);
        Assert.Contains("\"b.safetensors\": {", text, StringComparison.Ordinal);
        Assert.DoesNotContain("README", text, StringComparison.Ordinal);
        Assert.DoesNotContain("\r", text, StringComparison.Ordinal);

        // The user records where a came from; verify passes and writes nothing.
        File.WriteAllText(LockPath, text.Replace("\"format\": \"safetensors\" }", $"\"format\": \"safetensors\", \"source\": \"{Source}\" }}", StringComparison.Ordinal));
        var locked = File.ReadAllBytes(LockPath);
        (code, stdout, _) = Run("verify", "--locked", "models");
        Assert.True(code == 0, stdout);
        Assert.DoesNotContain("MG40", stdout, StringComparison.Ordinal);

        // 2. One byte of a's weights changed: MG4001 with both hashes, the size and the source; the lock is not written.
        var swapped = Safetensors(1);
        swapped[^1] ^= 0x40;
        File.WriteAllBytes(Path.Combine(_dir, "models", "a.safetensors"), swapped);
        (code, stdout, _) = Run("verify", "--locked", "models");
        Assert.Equal(1, code);
        var size = swapped.Length.ToString(System.Globalization.CultureInfo.InvariantCulture);
        Assert.Matches(new Regex(@"models/a\.safetensors : error MG4001: the content differs from models\.lock\.json: sha256 [0-9a-f]{64} \(locked [0-9a-f]{64}\), " + size + @" bytes \(locked " + size + @"\); source: " + Regex.Escape(Source)), stdout);
        Assert.Equal(locked, File.ReadAllBytes(LockPath));

        // 3. New model and removed model: MG4002 (error) and MG4003 (warning, with the entry's line).
        File.WriteAllBytes(Path.Combine(_dir, "models", "c.safetensors"), Safetensors(3));
        File.Delete(Path.Combine(_dir, "models", "b.safetensors"));
        (code, stdout, _) = Run("verify", "--locked", "models", "--format", "text");
        Assert.Equal(1, code);
        Assert.Contains("models/c.safetensors : error MG4002: the project bundles this model but models.lock.json has no entry for 'c.safetensors'", stdout, StringComparison.Ordinal);
        Assert.Contains("models/models.lock.json(5) : warning MG4003: the entry 'b.safetensors' names a file the project no longer bundles", stdout, StringComparison.Ordinal);
        Assert.Equal(locked, File.ReadAllBytes(LockPath));

        // 4. lock brings it up to date (MG4005 for each change) and keeps the source.
        (code, stdout, _) = Run("lock", "models");
        Assert.True(code == 0, stdout);
        Assert.Contains("models/a.safetensors : info MG4005: models.lock.json: changed from sha256 ", stdout, StringComparison.Ordinal);
        Assert.Contains("info MG4005: models.lock.json: removed the entry 'b.safetensors'", stdout, StringComparison.Ordinal);
        Assert.Contains("models/c.safetensors : info MG4005: models.lock.json: added with sha256 ", stdout, StringComparison.Ordinal);
        Assert.Contains(Source, File.ReadAllText(LockPath), StringComparison.Ordinal);
        (code, _, _) = Run("verify", "--locked", "models");
        Assert.Equal(0, code);
    }

    [Fact]
    public void Multi_file_models_are_pinned_file_by_file()
    {
        // A sharded safetensors model (index + two shards) and an ONNX model with its external data file.
        var models = Path.Combine(_dir, "models");
        File.WriteAllBytes(Path.Combine(models, "model-00001-of-00002.safetensors"), new SafetensorsWriter().Tensor("w", "F32", new long[] { 4 }, new byte[16]).ToArray());
        File.WriteAllBytes(Path.Combine(models, "model-00002-of-00002.safetensors"), new SafetensorsWriter().Tensor("v", "F32", new long[] { 4 }, new byte[16]).ToArray());
        File.WriteAllText(Path.Combine(models, "model.safetensors.index.json"), "{\"metadata\": {\"total_size\": 32}, \"weight_map\": {\"w\": \"model-00001-of-00002.safetensors\", \"v\": \"model-00002-of-00002.safetensors\"}}");
        var onnx = RepositoryRoot.Combine("tests", "ModelGuard.Engine.Tests", "Fixtures", "onnx", "benign", "external_one_file");
        Directory.CreateDirectory(Path.Combine(models, "onnx"));
        File.Copy(Path.Combine(onnx, "model.onnx"), Path.Combine(models, "onnx", "model.onnx"));
        File.Copy(Path.Combine(onnx, "model.onnx.data"), Path.Combine(models, "onnx", "model.onnx.data"));

        var (code, stdout, _) = Run("lock", "models");
        Assert.True(code == 0, stdout);
        var entries = ModelGuard.Engine.Integrity.ModelLockFileReader.Read(File.ReadAllBytes(LockPath)).LockFile!.Entries.Select(e => e.Path + " " + e.Format);
        Assert.Equal(
            new[]
            {
                "model-00001-of-00002.safetensors safetensors",
                "model-00002-of-00002.safetensors safetensors",
                "model.safetensors.index.json safetensors-index",
                "onnx/model.onnx onnx",
                "onnx/model.onnx.data external-data",
            },
            entries);

        // Swapped external weights are caught like a swapped model.
        var data = File.ReadAllBytes(Path.Combine(models, "onnx", "model.onnx.data"));
        data[0] ^= 0x01;
        File.WriteAllBytes(Path.Combine(models, "onnx", "model.onnx.data"), data);
        (code, stdout, _) = Run("verify", "--locked", "models");
        Assert.Equal(1, code);
        Assert.Contains("models/onnx/model.onnx.data : error MG4001:", stdout, StringComparison.Ordinal);
    }

    [Fact]
    public void Conflict_markers_are_MG4004_with_their_line_and_the_lock_is_never_overwritten()
    {
        File.WriteAllBytes(Path.Combine(_dir, "models", "a.safetensors"), Safetensors(1));
        var conflicted = "{\n  \"version\": 1,\n  \"models\": {\n<<<<<<< HEAD\n    \"a.safetensors\": { \"sha256\": \"00\", \"size\": 1, \"format\": \"safetensors\" }\n=======\n>>>>>>> theirs\n  }\n}\n";
        File.WriteAllText(LockPath, conflicted);

        foreach (var verb in new[] { new[] { "verify", "--locked" }, new[] { "lock" } })
        {
            var (code, stdout, _) = Run(verb.Concat(new[] { "models", "--format", "github" }).ToArray());
            Assert.Equal(1, code);
            Assert.Contains("::error file=models/models.lock.json,line=4,title=MG4004::", stdout, StringComparison.Ordinal);
            Assert.Equal(conflicted, File.ReadAllText(LockPath));
        }
    }

    [Fact]
    public void Verify_without_a_lock_file_fails_closed_and_lock_file_option_names_another_one()
    {
        File.WriteAllBytes(Path.Combine(_dir, "models", "a.safetensors"), Safetensors(1));
        var (code, stdout, _) = Run("verify", "--locked", "models", "--format", "json");
        Assert.Equal(1, code);
        Assert.Contains("\"MG4004\"", stdout, StringComparison.Ordinal);
        Assert.False(File.Exists(LockPath));

        (code, _, _) = Run("lock", "models", "--lock-file", "pins/models.lock.json");
        Assert.Equal(0, code);
        Assert.Contains("\"../models/a.safetensors\"", File.ReadAllText(Path.Combine(_dir, "pins", "models.lock.json")), StringComparison.Ordinal);
        (code, _, _) = Run("verify", "--locked", "--lock-file=pins/models.lock.json", "models");
        Assert.Equal(0, code);
    }

    [Fact]
    public void A_file_that_cannot_be_read_is_MG9002_and_keeps_its_entry()
    {
        if (OperatingSystem.IsWindows())
        {
            return;
        }

        File.WriteAllBytes(Path.Combine(_dir, "models", "a.safetensors"), Safetensors(1));
        File.WriteAllBytes(Path.Combine(_dir, "models", "b.safetensors"), Safetensors(2));
        Assert.Equal(0, Run("lock", "models").Code);
        var locked = File.ReadAllText(LockPath);

        // A FIFO where b was: reported without being opened; its entry is neither changed nor stale.
        File.Delete(Path.Combine(_dir, "models", "b.safetensors"));
        using (var mkfifo = System.Diagnostics.Process.Start("mkfifo", Path.Combine(_dir, "models", "b.safetensors")))
        {
            mkfifo.WaitForExit();
        }

        var (code, stdout, _) = Run("verify", "--locked", "models");
        Assert.Equal(1, code);
        Assert.Contains("models/b.safetensors : error MG9002:", stdout, StringComparison.Ordinal);
        Assert.DoesNotContain("MG400", stdout, StringComparison.Ordinal);
        (code, stdout, _) = Run("lock", "models");
        Assert.Equal(1, code);
        Assert.DoesNotContain("MG4005", stdout, StringComparison.Ordinal);
        Assert.Equal(locked, File.ReadAllText(LockPath));
    }

    [Fact]
    public void Findings_on_the_lock_file_follow_its_editorconfig_section()
    {
        File.WriteAllBytes(Path.Combine(_dir, "models", "a.safetensors"), Safetensors(1));
        File.WriteAllBytes(Path.Combine(_dir, "models", "b.safetensors"), Safetensors(2));
        Assert.Equal(0, Run("lock", "models").Code);
        File.Delete(Path.Combine(_dir, "models", "b.safetensors"));

        var (_, stdout, _) = Run("verify", "--locked", "models");
        Assert.Contains("warning MG4003", stdout, StringComparison.Ordinal);

        File.WriteAllText(Path.Combine(_dir, ".editorconfig"), "root = true\n\n[models/models.lock.json]\ndotnet_diagnostic.MG4003.severity = error\n");
        var (code, raised, _) = Run("verify", "--locked", "models");
        Assert.Equal(1, code);
        Assert.Contains("models/models.lock.json(5) : error MG4003", raised, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("verify models")]
    [InlineData("lock")]
    [InlineData("lock models --lock-file")]
    [InlineData("lock models --locked")]
    public void Usage_errors_exit_with_2(string commandLine)
    {
        var (code, stdout, stderr) = Run(commandLine.Split(' '));
        Assert.Equal(2, code);
        Assert.Empty(stdout);
        Assert.StartsWith("modelguard: ", stderr, StringComparison.Ordinal);
    }

    [Fact]
    public void Help_describes_both_verbs()
    {
        var (code, stdout, _) = Run("lock", "--help");
        Assert.Equal(0, code);
        Assert.Contains("modelguard verify --locked <dir>", stdout, StringComparison.Ordinal);
        Assert.Contains("lock <dir>", Run("--help").Stdout, StringComparison.Ordinal);
    }

    private static int Count(string text, string value) => Regex.Matches(text, Regex.Escape(value)).Count;

    private (int Code, string Stdout, string Stderr) Run(params string[] args)
    {
        using var stdout = new StringWriter();
        using var stderr = new StringWriter();
        var code = CommandLine.Run(args, stdout, stderr, stderrIsTerminal: false, workingDirectory: _dir);
        return (code, stdout.ToString(), stderr.ToString());
    }
}
