using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using Microsoft.Build.Framework;
using Microsoft.Build.Utilities;
using ModelGuard.Engine.Scanning;
using ModelGuard.IntegrationTests.Infrastructure;
using ModelGuard.Tasks;
using ModelGuard.Hosting.Caching;
using ModelGuard.TestSupport;

namespace ModelGuard.IntegrationTests;

/// <summary>The MSBuild task in process, with a recording build engine: exclusions, suppression, ordering and failure reporting.</summary>
public sealed class ScanModelFilesTaskTests : IDisposable
{
    private readonly string _dir = Path.Combine(Path.GetTempPath(), "modelguard-task-" + Guid.NewGuid().ToString("N").Substring(0, 12));
    private readonly RecordingBuildEngine _engine = new();

    public ScanModelFilesTaskTests() => Directory.CreateDirectory(_dir);

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Fact]
    public void MissingFileIsAnErrorNamedByItsItemSpec()
    {
        var task = NewTask(Item("models/missing.pt"));

        Assert.False(task.Execute());
        var error = Assert.Single(_engine.Errors);
        Assert.Equal("MG9002", error.Code);
        Assert.Equal("models/missing.pt", error.File);
        Assert.Equal("https://github.com/modelguard/modelguard/blob/main/docs/rules/MG9002.md", error.HelpLink);
        Assert.Contains(_engine.Messages, m => m.Message!.StartsWith("ModelGuard: 0 model(s) in 1 file(s) looked at (0 bytes, 0 from cache): 1 error(s), 0 warning(s), 0 message(s), 0 hidden or suppressed in ", StringComparison.Ordinal));
    }

    [Fact]
    public void HelpLinksFollowModelGuardHelpLinkBaseAndABadOneIsReported()
    {
        var task = NewTask(Item("models/missing.pt"));
        task.HelpLinkBase = "https://docs.internal.example/modelguard/rules";

        Assert.False(task.Execute());
        Assert.Equal("https://docs.internal.example/modelguard/rules/MG9002.md", Assert.Single(_engine.Errors).HelpLink);

        _engine.Errors.Clear();
        _engine.Warnings.Clear();
        task = NewTask(Item("models/missing.pt"));
        task.HelpLinkBase = "docs/rules";
        Assert.False(task.Execute());
        Assert.Equal("https://github.com/modelguard/modelguard/blob/main/docs/rules/MG9002.md", Assert.Single(_engine.Errors).HelpLink);
        Assert.Contains(_engine.Warnings, w => w.Code == "MG9004" && w.Message!.Contains("ModelGuardHelpLinkBase 'docs/rules'", StringComparison.Ordinal));
    }

    [Fact]
    public void MissingFileUnderTheIntermediateDirectoryIsOneTheBuildWritesLater()
    {
        // obj/apphost is listed before the build writes it: left out. A missing file outside obj/ is still MG9002, and a file
        // under obj/ that exists is scanned like any other.
        Directory.CreateDirectory(Path.Combine(_dir, "obj", "Debug"));
        File.WriteAllBytes(Path.Combine(_dir, "obj", "Debug", "present.pkl"), new PickleWriter().Proto(2).Global("os", "system").Stop().ToArray());
        var task = NewTask(Item("obj/Debug/apphost"), Item("obj/Debug/present.pkl"), Item("models/missing.pt"));
        task.IntermediateDirectory = "obj/";

        Assert.False(task.Execute());
        Assert.Equal(new[] { ("MG1001", "obj/Debug/present.pkl"), ("MG9002", "models/missing.pt") }, _engine.Errors.Select(e => (e.Code, e.File)).OrderBy(e => e.Code));
        Assert.Equal(new[] { "obj/Debug/present.pkl", "models/missing.pt" }, task.ScannedFiles.Select(i => i.ItemSpec));
    }

    [Fact]
    public void ItemWithModelGuardFalseIsNotScanned()
    {
        var task = NewTask(Item("models/missing.pt", ("ModelGuard", "False")));

        Assert.True(task.Execute());
        Assert.Empty(_engine.Errors);
        Assert.Empty(task.ScannedFiles);
    }

    [Theory]
    [InlineData("MG9002")]
    [InlineData("CS1591;mg9002")]
    [InlineData("1701, MG9002 ,1702")]
    public void NoWarnSuppressesAnyRule(string noWarn)
    {
        var task = NewTask(Item("models/missing.pt"));
        task.NoWarn = noWarn;

        Assert.True(task.Execute());
        Assert.Empty(_engine.Errors);
        Assert.Single(task.ScannedFiles);
    }

    [Fact]
    public void ItemMetadataSuppressesForThatItemOnly()
    {
        var task = NewTask(Item("a.pt", ("ModelGuardNoWarn", "MG9002")), Item("b.pt"));

        Assert.False(task.Execute());
        var error = Assert.Single(_engine.Errors);
        Assert.Equal("b.pt", error.File);
    }

    [Fact]
    public void SameFileListedTwiceIsScannedOnceAndTheItemThatSetsMetadataDecides()
    {
        // The usual layout: the project's Content item and the SDK's default None item name one file; only one sets metadata.
        var task = NewTask(Item("a.pt"), Item("./a.pt", ("ModelGuardNoWarn", "MG9002")));

        Assert.True(task.Execute());
        Assert.Empty(_engine.Errors);
        Assert.Single(task.ScannedFiles);
    }

    [Fact]
    public void ItemsThatSetDifferentMetadataKeepTheFindingAndSaySo()
    {
        var task = NewTask(Item("a.pt", ("ModelGuardNoWarn", "MG1002")), Item("./a.pt", ("ModelGuardNoWarn", "MG9002")), Item("b.pt", ("ModelGuard", "false")), Item("b.pt"));

        Assert.False(task.Execute());
        Assert.Equal("MG9002", Assert.Single(_engine.Errors).Code);
        Assert.Single(task.ScannedFiles);
        Assert.Contains(_engine.Messages, m => m.Message!.Contains("'a.pt' is listed by several items whose ModelGuard metadata disagree (ModelGuardNoWarn=MG1002; ModelGuardNoWarn=MG9002)", StringComparison.Ordinal));
    }

    [Fact]
    public void OutputKeepsInputOrderAndRecordsTheFormat()
    {
        var names = Enumerable.Range(0, 40).Select(i => $"f{39 - i:D2}.bin").ToArray();
        foreach (var name in names)
        {
            File.WriteAllBytes(Path.Combine(_dir, name), new byte[] { 1, 2, 3 });
        }

        var task = NewTask(names.Select(n => Item(n)).ToArray());

        Assert.True(task.Execute(), string.Join("\n", _engine.Errors.Select(e => e.Message)));
        Assert.Equal(names, task.ScannedFiles.Select(i => i.ItemSpec));
        Assert.All(task.ScannedFiles, i => Assert.False(string.IsNullOrEmpty(i.GetMetadata("ModelGuardFormat"))));
    }

    [Fact]
    public void ErrorsAreReportedInItemOrder()
    {
        var task = NewTask(Item("z.pt"), Item("a.pt"), Item("m.pt"));

        Assert.False(task.Execute());
        Assert.Equal(new[] { "z.pt", "a.pt", "m.pt" }, _engine.Errors.Select(e => e.File));
    }

    [Fact]
    public void DirectoryItemIsReportedNotThrown()
    {
        Directory.CreateDirectory(Path.Combine(_dir, "folder.pt"));
        var task = NewTask(Item("folder.pt"));

        Assert.False(task.Execute());
        Assert.Equal("MG9002", Assert.Single(_engine.Errors).Code);
    }

    [Fact]
    public void AbsoluteItemUnderTheProjectIsShownRelative()
    {
        var task = NewTask(Item(Path.Combine(_dir, "models", "missing.pt")));

        Assert.False(task.Execute());
        Assert.Equal(Path.Combine("models", "missing.pt"), Assert.Single(_engine.Errors).File);
    }

    [Fact]
    public void MaliciousCheckpointIsAnMG1001Error()
    {
        File.WriteAllBytes(Path.Combine(_dir, "evil.pt"), TorchCheckpointWriter.Malicious());
        var task = NewTask(Item("evil.pt"));

        Assert.False(task.Execute());
        var error = Assert.Single(_engine.Errors, e => e.Code == "MG1001");
        Assert.Equal("evil.pt", error.File);
        Assert.Contains("data.pkl", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void CachedFindingsAreReportedOnEveryRunAndFreshFilesAreNotCached()
    {
        var evil = Path.Combine(_dir, "evil.pt");
        var fresh = Path.Combine(_dir, "fresh.pt");
        File.WriteAllBytes(evil, TorchCheckpointWriter.Malicious());
        File.SetLastWriteTimeUtc(evil, DateTime.UtcNow.AddHours(-1));
        CachingDelay.WaitOutRacyWindow();
        File.WriteAllBytes(fresh, TorchCheckpointWriter.Malicious());
        var cacheFile = Path.Combine("obj", "modelguard.cache");

        for (var run = 0; run < 2; run++)
        {
            var engine = new RecordingBuildEngine();
            var task = NewTask(Item("evil.pt"), Item("fresh.pt"));
            task.BuildEngine = engine;
            task.CacheFile = cacheFile;

            Assert.False(task.Execute());
            Assert.Equal(new[] { "evil.pt", "fresh.pt" }, engine.Errors.Where(e => e.Code == "MG1001").Select(e => e.File));
            // Files written within the last two seconds are never cached (a coarse clock could hide a same-size rewrite).
            Assert.Contains(engine.Messages, m => m.Message!.Contains(run == 0 ? "0 from cache" : "1 from cache", StringComparison.Ordinal));
        }

        Assert.True(File.Exists(Path.Combine(_dir, cacheFile)));
    }

    [Fact]
    public void ChangedFileIsScannedAgain()
    {
        var model = Path.Combine(_dir, "model.pkl");
        File.WriteAllBytes(model, new byte[] { 0x80, 0x02, (byte)'N', (byte)'.' });
        File.SetLastWriteTimeUtc(model, DateTime.UtcNow.AddHours(-1));
        var first = NewTask(Item("model.pkl"));
        first.CacheFile = "modelguard.cache";
        Assert.True(first.Execute());

        File.WriteAllBytes(model, TorchCheckpointWriter.Malicious());
        File.SetLastWriteTimeUtc(model, DateTime.UtcNow.AddHours(-1).AddSeconds(1));
        var second = NewTask(Item("model.pkl"));
        second.CacheFile = "modelguard.cache";
        Assert.False(second.Execute());
        Assert.Contains(_engine.Errors, e => e.Code == "MG1001");
    }

    [Fact]
    public void CachedConfigurationIsResolvedAgainWhenAConfigurationFileChanges()
    {
        var model = Path.Combine(_dir, "models", "custom.pkl");
        Directory.CreateDirectory(Path.GetDirectoryName(model)!);
        File.WriteAllBytes(model, new PickleWriter().Proto(2).Global("mypkg.layers", "Custom").EmptyTuple().NewObj().Stop().ToArray());
        File.SetLastWriteTimeUtc(model, DateTime.UtcNow.AddHours(-1));
        CachingDelay.WaitOutRacyWindow();
        var editorconfig = Path.Combine(_dir, ".editorconfig");
        var cacheFile = Path.Combine(_dir, "obj", "modelguard.cache");
        string Run()
        {
            var engine = new RecordingBuildEngine();
            var task = NewTask(Item("models/custom.pkl"));
            task.BuildEngine = engine;
            task.CacheFile = cacheFile;
            task.Execute();
            return string.Join(
                ";",
                engine.Errors.Select(e => "error " + e.Code)
                    .Concat(engine.Warnings.Select(w => "warning " + w.Code))
                    .Concat(engine.Messages.Where(m => m.Code is not null).Select(m => "message " + m.Code)));
        }

        Assert.Equal("error MG1002", Run());

        // A configuration file that appears (discovered above the model) is read on the next run.
        File.WriteAllText(editorconfig, "root = true\n[*.pkl]\ndotnet_diagnostic.MG1002.severity = warning\n");
        Assert.Equal("warning MG1002", Run());

        // Nothing changed: the configuration comes from the cache, which is not even rewritten.
        var old = DateTime.UtcNow.AddHours(-2);
        File.SetLastWriteTimeUtc(cacheFile, old);
        Assert.Equal("warning MG1002", Run());
        Assert.Equal(old, File.GetLastWriteTimeUtc(cacheFile));
        var reloaded = ScanCache.Load(cacheFile, EngineInfo.Version, StringComparer.Ordinal, out var problem);
        Assert.Null(problem);
        Assert.Equal(1, reloaded.Count);
        Assert.NotNull(reloaded.Configuration);

        // Same size, same time stamp, other content: the key is the content, not the file's metadata.
        var stamp = File.GetLastWriteTimeUtc(editorconfig);
        File.WriteAllText(editorconfig, "root = true\n[*.pkl]\ndotnet_diagnostic.MG1002.severity = none   \n");
        File.SetLastWriteTimeUtc(editorconfig, stamp);
        Assert.Equal(string.Empty, Run());

        // A global config instead, then no configuration at all.
        File.WriteAllText(Path.Combine(_dir, ".globalconfig"), "is_global = true\ndotnet_diagnostic.MG1002.severity = suggestion\n");
        File.Delete(editorconfig);
        Assert.Equal("message MG1002", Run());
        File.Delete(Path.Combine(_dir, ".globalconfig"));
        Assert.Equal("error MG1002", Run());
    }

    [Fact]
    public void CachedConfigurationIsResolvedAgainWhenTheModelListOrTheSwitchesChange()
    {
        Directory.CreateDirectory(Path.Combine(_dir, "quiet"));
        File.WriteAllText(Path.Combine(_dir, "quiet", ".editorconfig"), "[*.pt]\ndotnet_diagnostic.MG9002.severity = none\n");
        var cacheFile = Path.Combine(_dir, "obj", "modelguard.cache");
        string[] Run(bool discover, params string[] specs)
        {
            var engine = new RecordingBuildEngine();
            var task = NewTask(specs.Select(s => Item(s)).ToArray());
            task.BuildEngine = engine;
            task.CacheFile = cacheFile;
            task.DiscoverEditorConfigFiles = discover;
            task.Execute();
            return engine.Errors.Select(e => e.File!).ToArray();
        }

        Assert.Equal(new[] { "loud.pt" }, Run(true, "loud.pt", "quiet/a.pt"));
        Assert.Equal(new[] { "loud.pt" }, Run(true, "loud.pt", "quiet/a.pt"));
        Assert.Equal(new[] { "loud.pt", "b.pt" }, Run(true, "loud.pt", "quiet/a.pt", "b.pt"));
        Assert.Equal(new[] { "b.pt" }, Run(true, "quiet/a.pt", "b.pt"));
        Assert.Equal(new[] { "quiet/a.pt", "b.pt" }.Select(p => p.Replace('/', Path.DirectorySeparatorChar)), Run(false, "quiet/a.pt", "b.pt").Select(p => p.Replace('/', Path.DirectorySeparatorChar)));
        Assert.Equal(new[] { "b.pt" }, Run(true, "quiet/a.pt", "b.pt"));
    }

    [Fact]
    public void ErrorLogThatCannotBeWrittenIsAnError()
    {
        Directory.CreateDirectory(Path.Combine(_dir, "taken.sarif"));
        var task = NewTask();
        task.ErrorLog = "taken.sarif";

        Assert.False(task.Execute());
        Assert.Equal("MG9005", Assert.Single(_engine.Errors).Code);
    }

    [Theory]
    [InlineData(false, "warning")]
    [InlineData(true, "error")]
    public void TreatWarningsAsErrorsPromotesAWarningConfiguredInEditorconfig(bool treatWarningsAsErrors, string expected)
    {
        File.WriteAllText(Path.Combine(_dir, ".editorconfig"), "root = true\n[*.pt]\ndotnet_diagnostic.MG9002.severity = warning\n");
        var task = NewTask(Item("missing.pt"));
        task.TreatWarningsAsErrors = treatWarningsAsErrors;

        Assert.Equal(!treatWarningsAsErrors, task.Execute());
        Assert.Equal(new[] { "MG9002" }, (expected == "error" ? _engine.Errors.Select(e => e.Code) : _engine.Warnings.Select(w => w.Code)).ToArray());
    }

    [Fact]
    public void SuggestionIsAHighImportanceMessageWithTheCode()
    {
        File.WriteAllText(Path.Combine(_dir, ".globalconfig"), "is_global = true\ndotnet_diagnostic.MG9002.severity = suggestion\n");
        var task = NewTask(Item("missing.pt"));

        Assert.True(task.Execute());
        Assert.Empty(_engine.Errors);
        Assert.Empty(_engine.Warnings);
        var message = Assert.Single(_engine.Messages, m => m.Code == "MG9002");
        Assert.Equal(MessageImportance.High, message.Importance);
        Assert.Equal("missing.pt", message.File);
    }

    [Fact]
    public void OwnSarifLogIsNotScannedAndAllowlistItemsAreCheckedWhereTheProjectDeclaresThem()
    {
        Directory.CreateDirectory(Path.Combine(_dir, "models"));
        File.WriteAllBytes(Path.Combine(_dir, "models", "good.pt"), TorchCheckpointWriter.Benign());
        File.WriteAllText(Path.Combine(_dir, "modelguard.sarif"), "{}");
        var project = Path.Combine(_dir, "App.csproj");
        var allowed = new ProjectRelativeItem(new TaskItem("os.system"), Path.Combine(_dir, "os.system"), definingProject: project);
        var task = NewTask(Item("models/good.pt"), Item("modelguard.sarif"), Item("./modelguard.sarif"));
        task.ErrorLog = "modelguard.sarif";
        task.ProjectName = "App";
        task.AllowedGlobals = new ITaskItem[] { allowed, new TaskItem("mypkg.layers.Custom") };

        Assert.True(task.Execute());

        Assert.Contains(_engine.Messages, m => m.Message!.StartsWith("ModelGuard: 1 model(s) in 1 file(s) looked at (", StringComparison.Ordinal));
        Assert.DoesNotContain(task.ScannedFiles, i => i.ItemSpec.EndsWith(".sarif", StringComparison.Ordinal));
        var warning = Assert.Single(_engine.Warnings);
        Assert.Equal("MG9007", warning.Code);
        Assert.Equal("App.csproj", warning.File);
        Assert.StartsWith("the allowlist entry 'os.system' (ModelGuardAllowedGlobal item) names a global ModelGuard denies", warning.Message, StringComparison.Ordinal);

        var log = File.ReadAllText(Path.Combine(_dir, "modelguard.sarif"));
        Assert.Empty(SarifSchema.Validate(log));
        Assert.Contains("\"id\":\"modelguard/App/\"", log.Replace(" ", string.Empty), StringComparison.Ordinal);
    }

    [Fact]
    public void CachedVerdictIsNotReusedForASameSizeRewriteWithItsWriteTimePutBack()
    {
        var (malicious, benign) = ParallelBuildTests.SameSizePickles();
        var model = Path.Combine(_dir, "model.pkl");
        var old = new DateTime(2024, 1, 1, 0, 0, 0, DateTimeKind.Utc);
        File.WriteAllBytes(model, benign);
        File.SetLastWriteTimeUtc(model, old);

        CachingDelay.WaitOutRacyWindow();
        var cacheFile = Path.Combine(_dir, "obj", "modelguard.cache");
        Assert.True(RunCached(cacheFile).Execute());
        Assert.True(RunCached(cacheFile).Execute());
        Assert.Contains(_engine.Messages, m => m.Message!.Contains("(96 bytes, 1 from cache): 0 error(s)", StringComparison.Ordinal));

        // touch -r: same size, write time restored. The change time gives it away: scanned again, MG1001.
        File.WriteAllBytes(model, malicious);
        File.SetLastWriteTimeUtc(model, old);
        Assert.False(RunCached(cacheFile).Execute());
        Assert.Equal("MG1001", Assert.Single(_engine.Errors).Code);
    }

    private ScanModelFiles RunCached(string cacheFile)
    {
        var task = NewTask(Item("model.pkl"));
        task.CacheFile = cacheFile;
        return task;
    }

    [Fact]
    public void LockedModeWithoutALockFileFailsClosedAndWritesNone()
    {
        File.WriteAllBytes(Path.Combine(_dir, "model.safetensors"), new SafetensorsWriter().Tensor("w", "F32", 4).ToArray());
        var task = NewTask(Item("model.safetensors"));
        task.LockedMode = true;

        Assert.False(task.Execute());
        var error = Assert.Single(_engine.Errors);
        Assert.Equal("MG4004", error.Code);
        Assert.Equal("models.lock.json", error.File);
        Assert.Contains("locked mode (ModelGuardLockedMode) needs a lock file and there is none", error.Message, StringComparison.Ordinal);
        Assert.False(File.Exists(Path.Combine(_dir, "models.lock.json")));
    }

    [Fact]
    public void UseLockFileThatIsNotABooleanIsReportedAndTurnsTheLockOn()
    {
        File.WriteAllBytes(Path.Combine(_dir, "model.safetensors"), new SafetensorsWriter().Tensor("w", "F32", 4).ToArray());
        var task = NewTask(Item("model.safetensors"));
        task.UseLockFile = "yes";
        task.LockFile = "pins/models.lock.json";

        Assert.True(task.Execute());
        Assert.Contains(_engine.Warnings, w => w.Code == "MG9004" && w.Message!.Contains("ModelGuardUseLockFile 'yes' is neither true nor false", StringComparison.Ordinal));
        Assert.Contains(_engine.Messages, m => m.Code == "MG4005" && m.File == "model.safetensors");
        Assert.Contains("\"../model.safetensors\"", File.ReadAllText(Path.Combine(_dir, "pins", "models.lock.json")), StringComparison.Ordinal);
    }

    private ScanModelFiles NewTask(params ITaskItem[] items) => new()
    {
        BuildEngine = _engine,
        Files = items,
        ProjectDirectory = _dir,
    };

    private ITaskItem Item(string spec, params (string Name, string Value)[] metadata)
    {
        var item = new TaskItem(spec);
        foreach (var (name, value) in metadata)
        {
            item.SetMetadata(name, value);
        }

        return new ProjectRelativeItem(item, Path.GetFullPath(Path.Combine(_dir, spec)));
    }
}
