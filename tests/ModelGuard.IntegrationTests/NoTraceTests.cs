using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Security.Cryptography;
using System.Threading.Tasks;
using ModelGuard.IntegrationTests.Infrastructure;
using ModelGuard.TestSupport;

namespace ModelGuard.IntegrationTests;

/// <summary>
/// A real scan (the `modelguard` CLI in a child process) of every fixture, read-only, leaves no trace: every file hashes and is
/// timestamped as before, and nothing is written to the temporary folder (TMPDIR points at an empty folder of its own), so no
/// archive member is ever extracted to disk.
/// </summary>
public sealed class NoTraceTests : IDisposable
{
    private readonly string _dir = Path.Combine(Path.GetTempPath(), "modelguard-notrace-" + Guid.NewGuid().ToString("N").Substring(0, 12));

    public NoTraceTests() => Directory.CreateDirectory(_dir);

    public void Dispose()
    {
        foreach (var file in Directory.EnumerateFiles(_dir, "*", SearchOption.AllDirectories))
        {
            File.SetAttributes(file, FileAttributes.Normal);
        }

        Directory.Delete(_dir, recursive: true);
    }

    [Fact]
    public async Task Scanning_every_fixture_writes_nothing_anywhere()
    {
        var models = Path.Combine(_dir, "models");
        var temp = Path.Combine(_dir, "tmp");
        Directory.CreateDirectory(temp);
        Copy(Path.Combine(RepoPaths.Root, "tests", "ModelGuard.Engine.Tests", "Fixtures"), Path.Combine(models, "fixtures"));
        Copy(PeerCorpora.Directory("picklescan"), Path.Combine(models, "picklescan"));
        File.WriteAllBytes(Path.Combine(models, "generated.pt"), TorchCheckpointWriter.Malicious());

        var before = new Dictionary<string, (string Hash, DateTime Written)>(StringComparer.Ordinal);
        foreach (var file in Directory.EnumerateFiles(models, "*", SearchOption.AllDirectories))
        {
            File.SetAttributes(file, FileAttributes.ReadOnly);
            before[file] = (Hash(file), File.GetLastWriteTimeUtc(file));
        }

        var cli = Path.Combine(AppContext.BaseDirectory, "modelguard.dll");
        var scan = await ProcessRunner.RunAsync(
            ProcessRunner.DotnetPath,
            new[] { cli, "scan", models },
            _dir,
            new Dictionary<string, string?> { ["TMPDIR"] = temp, ["TMP"] = temp, ["TEMP"] = temp });

        // 1: the malicious fixtures are found (and nothing failed internally).
        Assert.True(scan.ExitCode == 1, scan.Describe());
        Assert.Contains(" error MG1001:", scan.Output, StringComparison.Ordinal);
        Assert.DoesNotContain("MG9001", scan.Output, StringComparison.Ordinal);
        Assert.Contains($" in {before.Count} file(s) looked at", scan.Output, StringComparison.Ordinal);

        Assert.Empty(Directory.EnumerateFileSystemEntries(temp));
        var after = Directory.EnumerateFiles(models, "*", SearchOption.AllDirectories).ToHashSet(StringComparer.Ordinal);
        Assert.Equal(before.Keys.OrderBy(k => k, StringComparer.Ordinal), after.OrderBy(k => k, StringComparer.Ordinal));
        foreach (var (file, (hash, written)) in before)
        {
            Assert.True(Hash(file) == hash, $"{file} changed");
            Assert.Equal(written, File.GetLastWriteTimeUtc(file));
        }
    }

    private static string Hash(string file) => Convert.ToHexString(SHA256.HashData(File.ReadAllBytes(file)));

    private static void Copy(string source, string destination)
    {
        foreach (var file in Directory.EnumerateFiles(source, "*", SearchOption.AllDirectories))
        {
            var target = Path.Combine(destination, Path.GetRelativePath(source, file));
            Directory.CreateDirectory(Path.GetDirectoryName(target)!);
            File.Copy(file, target);
        }
    }
}
