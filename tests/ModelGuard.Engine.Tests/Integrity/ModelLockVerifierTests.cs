using System;
using System.Linq;
using ModelGuard.Engine.Integrity;
using ModelGuard.Engine.Rules;

namespace ModelGuard.Engine.Tests.Integrity;

public sealed class ModelLockVerifierTests
{
    private static readonly string ShaA = new('a', 64);
    private static readonly string ShaB = new('b', 64);
    private static readonly string ShaC = new('c', 64);

    private static readonly ModelLockFile Existing = new(new[]
    {
        new ModelLockEntry("models/a.safetensors", ShaA, 10, "safetensors", "hf://org/repo@1/a.safetensors") { Line = 4 },
        new ModelLockEntry("models/old.pt", ShaB, 20, "zip") { Line = 5 },
    });

    [Fact]
    public void LockedModeReportsAChangedAMissingAndAStaleEntryAndWritesNothing()
    {
        var check = ModelLockVerifier.Verify(Existing, new[] { Model("models/a.safetensors", ShaC, 10), Model("models/new.onnx", ShaB, 5) }, "models.lock.json", lockedMode: true);

        Assert.Null(check.ToWrite);
        var changed = check.Findings.Single(f => f.Rule.Id == RuleIds.LockedModelChanged);
        Assert.Equal("/p/models/a.safetensors", changed.FilePath);
        Assert.Contains($"sha256 {ShaC} (locked {ShaA})", changed.Message, StringComparison.Ordinal);
        Assert.Contains("10 bytes (locked 10)", changed.Message, StringComparison.Ordinal);
        Assert.Contains("source: hf://org/repo@1/a.safetensors", changed.Message, StringComparison.Ordinal);
        Assert.Equal("/p/models/new.onnx", check.Findings.Single(f => f.Rule.Id == RuleIds.ModelNotLocked).FilePath);
        var stale = check.Findings.Single(f => f.Rule.Id == RuleIds.LockEntryNotBundled);
        Assert.Equal(("models.lock.json", 5), (stale.FilePath, stale.Line));
        Assert.Equal(3, check.Findings.Count);
    }

    [Fact]
    public void ASizeChangeAloneIsAChange()
    {
        var check = ModelLockVerifier.Verify(Existing, new[] { Model("models/a.safetensors", ShaA, 11), Model("models/old.pt", ShaB, 20) }, "models.lock.json", lockedMode: true);
        Assert.Equal(RuleIds.LockedModelChanged, Assert.Single(check.Findings).Rule.Id);
    }

    [Fact]
    public void NormalModeUpdatesTheLockKeepsSourcesAndSaysWhatChanged()
    {
        var check = ModelLockVerifier.Verify(Existing, new[] { Model("models/a.safetensors", ShaC, 12), Model("models/new.onnx", ShaB, 5) }, "models.lock.json", lockedMode: false);

        Assert.All(check.Findings, f => Assert.Equal(RuleIds.LockFileUpdated, f.Rule.Id));
        Assert.Contains(check.Findings, f => f.Message.Contains($"changed from sha256 {ShaA} (10 bytes) to {ShaC} (12 bytes)", StringComparison.Ordinal));
        Assert.Contains(check.Findings, f => f.Message.Contains($"added with sha256 {ShaB} (5 bytes)", StringComparison.Ordinal));
        Assert.Contains(check.Findings, f => f.Message.Contains("removed the entry 'models/old.pt'", StringComparison.Ordinal) && f.Line == 5);
        var written = check.ToWrite!;
        Assert.Equal(new[] { "models/a.safetensors", "models/new.onnx" }, written.Entries.Select(e => e.Path));
        Assert.Equal("hf://org/repo@1/a.safetensors", written.Find("models/a.safetensors")!.Source);
        Assert.Equal(ShaC, written.Find("models/a.safetensors")!.Sha256);
    }

    [Fact]
    public void NothingChangedMeansNothingToWriteAndNothingToSay()
    {
        var check = ModelLockVerifier.Verify(Existing, new[] { Model("models/old.pt", ShaB, 20, "zip"), Model("models/a.safetensors", ShaA, 10) }, "models.lock.json", lockedMode: false);
        Assert.Empty(check.Findings);
        Assert.Null(check.ToWrite);
    }

    [Fact]
    public void WithoutALockEveryModelIsAddedOrUnpinned()
    {
        var models = new[] { Model("b.pt", ShaB, 1), Model("a.pt", ShaA, 1) };
        Assert.Equal(new[] { "a.pt", "b.pt" }, ModelLockVerifier.Verify(null, models, "models.lock.json", lockedMode: false).ToWrite!.Entries.Select(e => e.Path));
        Assert.All(ModelLockVerifier.Verify(null, models, "models.lock.json", lockedMode: true).Findings, f => Assert.Equal(RuleIds.ModelNotLocked, f.Rule.Id));
    }

    private static LockedModel Model(string key, string sha, long size, string format = "safetensors")
        => new(key, "/p/" + key, new FileDigest(sha, size), format);
}
