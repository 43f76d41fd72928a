using System;
using System.IO;
using System.Linq;
using System.Text.RegularExpressions;
using System.Threading.Tasks;
using ModelGuard.Cli;
using ModelGuard.Engine.Integrity;
using ModelGuard.IntegrationTests.Infrastructure;
using static ModelGuard.IntegrationTests.Infrastructure.BuildAssertions;

namespace ModelGuard.IntegrationTests.Integrity;

/// <summary>
/// <c>models.lock.json</c> through the packed package and real <c>dotnet build</c>s: written on the first build, kept current
/// (MG4005) by normal builds, enforced (MG4001-MG4004) and never written by locked builds, configurable like every rule, and
/// agreeing with <c>modelguard verify --locked</c> on the same folder.
/// </summary>
[Collection(PackageCollection.Name)]
public sealed class LockFileEndToEndTests
{
    private const string Locked = "-p:ModelGuardLockedMode=true";
    private static readonly DateTime Old = new(2024, 5, 1, 12, 0, 0, DateTimeKind.Utc);

    private readonly PackageFixture _fixture;

    public LockFileEndToEndTests(PackageFixture fixture) => _fixture = fixture;

    [Fact]
    public async Task Lock_is_written_kept_current_and_enforced()
    {
        var project = _fixture.CreateProject("lock-scenario")
            .SetProperty("ModelGuardUseLockFile", "true")
            .AddFile("None", "models/a.safetensors", LockCommandTests.Safetensors(1))
            .AddFile("None", "models/b.safetensors", LockCommandTests.Safetensors(2))
            .AddFile("None", "docs/notes.txt", "not a model"u8.ToArray());
        var lockPath = Path.Combine(project.Directory, ModelLockFile.FileName);
        var a = Path.Combine(project.Directory, "models", "a.safetensors");
        File.SetLastWriteTimeUtc(a, Old);
        await CachingDelay.WaitOutRacyWindowAsync();

        // 1. First build: the lock is written, one line per model, keyed by project-relative path; each entry is an MG4005 message.
        var first = await project.BuildAsync();
        Assert.True(first.ExitCode == 0, first.Describe());
        AssertShownAsMessage(first, "models/a.safetensors", "MG4005");
        var text = File.ReadAllText(lockPath);
        Assert.Matches(new Regex("^    \"models/a\\.safetensors\": \\{ \"sha256\": \"[0-9a-f]{64}\", \"size\": [0-9]+, \"format\": \"safetensors\" \\},$", RegexOptions.Multiline), text);
        Assert.Contains("\"models/b.safetensors\"", text, StringComparison.Ordinal);
        Assert.DoesNotContain("notes.txt", text, StringComparison.Ordinal);

        // 2. No-op build: nothing changes and no model byte is read for hashing.
        var noop = await project.BuildAsync();
        Assert.True(noop.ExitCode == 0, noop.Describe());
        AssertContains(noop, "ModelGuard: models.lock.json: 2 file(s) pinned, 0 hashed (0 bytes), 2 from cache");
        AssertDoesNotContain(noop, "MG4005");
        Assert.Equal(text, File.ReadAllText(lockPath));

        // 3. One byte of a's weights swapped, size and write time restored (touch -r): the locked build fails and writes nothing.
        var swapped = File.ReadAllBytes(a);
        swapped[^1] ^= 0x40;
        File.WriteAllBytes(a, swapped);
        File.SetLastWriteTimeUtc(a, Old);
        var lockWritten = File.GetLastWriteTimeUtc(lockPath);
        var locked = await project.BuildAsync(Locked);
        Assert.True(locked.ExitCode != 0, locked.Describe());
        AssertContains(locked, "models/a.safetensors : error MG4001: the content differs from models.lock.json: sha256 ");
        AssertContains(locked, "; locked mode, the lock file is not written");
        Assert.Equal(text, File.ReadAllText(lockPath));
        Assert.Equal(lockWritten, File.GetLastWriteTimeUtc(lockPath));

        // The command line on the same folder reports the same finding.
        var cli = RunCli(project.Directory, "verify", "--locked", "models", "--lock-file", ModelLockFile.FileName);
        Assert.Equal(1, cli.Code);
        Assert.Equal(Diagnostics(locked.Output, "MG4001"), Diagnostics(cli.Stdout, "MG4001"));

        // 4. A normal build takes the change: MG4005 from the old hash to the new one, the lock updated.
        var updated = await project.BuildAsync();
        Assert.True(updated.ExitCode == 0, updated.Describe());
        AssertContains(updated, "MG4005: models.lock.json: changed from sha256 ");
        Assert.NotEqual(text, File.ReadAllText(lockPath));
        Assert.Equal(0, RunCli(project.Directory, "verify", "--locked", "models", "--lock-file", ModelLockFile.FileName).Code);

        // 5. A new model (MG4002) and a removed one (MG4003 at the entry's line) in locked mode.
        var changed = new TestProject(_fixture, project.Directory)
            .SetProperty("ModelGuardUseLockFile", "true")
            .AddFile("None", "models/a.safetensors", swapped)
            .AddFile("None", "models/c.safetensors", LockCommandTests.Safetensors(3));
        File.Delete(Path.Combine(project.Directory, "models", "b.safetensors"));
        var drift = await changed.BuildAsync(Locked);
        Assert.True(drift.ExitCode != 0, drift.Describe());
        AssertContains(drift, "models/c.safetensors : error MG4002: the project bundles this model but models.lock.json has no entry for 'models/c.safetensors'");
        AssertContains(drift, "models.lock.json(5): warning MG4003: the entry 'models/b.safetensors' names a file the project no longer bundles");

        // 6. Merge-conflict markers: MG4004 at their line, in locked and in normal builds, and the file is never overwritten.
        var conflicted = "{\n  \"version\": 1,\n  \"models\": {\n<<<<<<< HEAD\n    \"models/a.safetensors\": { \"sha256\": \"00\", \"size\": 1, \"format\": \"safetensors\" }\n=======\n>>>>>>> theirs\n  }\n}\n";
        File.WriteAllText(lockPath, conflicted);
        foreach (var arguments in new[] { new[] { Locked }, Array.Empty<string>() })
        {
            var build = await changed.BuildAsync(arguments);
            Assert.True(build.ExitCode != 0, build.Describe());
            AssertContains(build, "models.lock.json(4): error MG4004: the lock file has merge-conflict markers");
            Assert.Equal(conflicted, File.ReadAllText(lockPath));
        }
    }

    [Fact]
    public async Task Lock_rules_follow_editorconfig_NoWarn_and_WarningsAsErrors()
    {
        var lockText = "{\n  \"version\": 1,\n  \"models\": {\n    \"models/gone.safetensors\": { \"sha256\": \"" + new string('0', 64) + "\", \"size\": 104, \"format\": \"safetensors\" }\n  }\n}\n";
        var project = _fixture.CreateProject("lock-configuration")
            .SetProperty("NoWarn", "$(NoWarn);MG4003")
            .WriteFile(".editorconfig", "root = true\n\n[models/extra/*.safetensors]\ndotnet_diagnostic.MG4002.severity = warning\n")
            .WriteFile(ModelLockFile.FileName, lockText)
            .AddFile("None", "models/extra/new.safetensors", LockCommandTests.Safetensors(4));

        // The committed lock file turns the feature on; locked mode: MG4002 lowered to a warning, MG4003 suppressed.
        var locked = await project.BuildAsync(Locked);
        Assert.True(locked.ExitCode == 0, locked.Describe());
        AssertContains(locked, "models/extra/new.safetensors : warning MG4002:");
        AssertNoLineMentions(locked, "MG4003");

        // WarningsAsErrors raises it again.
        var strict = await project.BuildAsync(Locked, "-p:WarningsAsErrors=MG4002");
        Assert.True(strict.ExitCode != 0, strict.Describe());
        AssertContains(strict, "models/extra/new.safetensors : error MG4002:");

        // ModelGuardUseLockFile=false turns it off although the file exists: nothing reported, nothing written.
        var off = await project.BuildAsync("-p:ModelGuardUseLockFile=false");
        Assert.True(off.ExitCode == 0, off.Describe());
        AssertNoLineMentions(off, "models.lock.json");
        AssertDoesNotContain(off, "ModelGuard: models.lock.json:");
        Assert.Equal(lockText, File.ReadAllText(Path.Combine(project.Directory, ModelLockFile.FileName)));
    }

    /// <summary>The build's diagnostic lines for <paramref name="code"/>, without MSBuild's node prefix and project suffix.</summary>
    private static string[] Diagnostics(string output, string code)
        => output.Split('\n')
            .Where(l => l.Contains(" " + code + ":", StringComparison.Ordinal))
            .Select(l => Regex.Replace(l.Trim(), "^[0-9]+>", string.Empty))
            .Select(l => l.Substring(0, l.LastIndexOf(" [", StringComparison.Ordinal)))
            .Distinct()
            .ToArray();

    private static (int Code, string Stdout) RunCli(string directory, params string[] args)
    {
        using var stdout = new StringWriter();
        using var stderr = new StringWriter();
        var code = CommandLine.Run(args, stdout, stderr, stderrIsTerminal: false, workingDirectory: directory);
        return (code, stdout.ToString());
    }
}
