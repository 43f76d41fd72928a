using System.Collections.Generic;
using System.Linq;
using ModelGuard.Engine.Findings;
using ModelGuard.Engine.Rules;

namespace ModelGuard.Engine.Integrity;

/// <summary>
/// Compares the bundled models with a lock file. In locked mode differences are errors and nothing is written (MG4001-MG4003);
/// otherwise the lock is brought up to date, each change reported (MG4005), the user's <c>source</c> texts kept.
/// </summary>
public static class ModelLockVerifier
{
    /// <summary>
    /// <paramref name="existing"/> is the lock read from <paramref name="lockDisplayPath"/>, or null when there is none yet.
    /// </summary>
    public static ModelLockCheck Verify(ModelLockFile? existing, IReadOnlyList<LockedModel> models, string lockDisplayPath, bool lockedMode)
    {
        var findings = new List<Finding>();
        var current = models.GroupBy(m => m.Key, System.StringComparer.Ordinal).Select(g => g.First()).ToList();
        var keys = new HashSet<string>(current.Select(m => m.Key), System.StringComparer.Ordinal);
        var entries = new List<ModelLockEntry>();
        foreach (var model in current)
        {
            var entry = existing?.Find(model.Key);
            var digest = model.Digest;
            if (entry is null)
            {
                findings.Add(lockedMode
                    ? new Finding(RuleCatalog.ModelNotLocked, model.DisplayPath, null, null, $"the project bundles this model but {ModelLockFile.FileName} has no entry for '{model.Key}'")
                    : new Finding(RuleCatalog.LockFileUpdated, model.DisplayPath, null, null, $"{ModelLockFile.FileName}: added with sha256 {digest.Sha256} ({digest.Size} bytes)"));
                entries.Add(new ModelLockEntry(model.Key, digest.Sha256, digest.Size, model.Format));
                continue;
            }

            if (entry.Sha256 == digest.Sha256 && entry.Size == digest.Size)
            {
                entries.Add(entry.Format == model.Format ? entry : entry.WithContent(digest.Sha256, digest.Size, model.Format));
                continue;
            }

            var source = entry.Source is { } s ? $"; source: {s}" : string.Empty;
            findings.Add(lockedMode
                ? new Finding(RuleCatalog.LockedModelChanged, model.DisplayPath, null, null, $"the content differs from {ModelLockFile.FileName}: sha256 {digest.Sha256} (locked {entry.Sha256}), {digest.Size} bytes (locked {entry.Size}){source}")
                : new Finding(RuleCatalog.LockFileUpdated, model.DisplayPath, null, null, $"{ModelLockFile.FileName}: changed from sha256 {entry.Sha256} ({entry.Size} bytes) to {digest.Sha256} ({digest.Size} bytes){source}"));
            entries.Add(entry.WithContent(digest.Sha256, digest.Size, model.Format));
        }

        foreach (var stale in existing?.Entries.Where(e => !keys.Contains(e.Path)) ?? Enumerable.Empty<ModelLockEntry>())
        {
            findings.Add(lockedMode
                ? new Finding(RuleCatalog.LockEntryNotBundled, lockDisplayPath, null, null, $"the entry '{stale.Path}' names a file the project no longer bundles") { Line = stale.Line }
                : new Finding(RuleCatalog.LockFileUpdated, lockDisplayPath, null, null, $"{ModelLockFile.FileName}: removed the entry '{stale.Path}' (sha256 {stale.Sha256}), a file the project no longer bundles") { Line = stale.Line });
        }

        var updated = new ModelLockFile(entries);
        var write = !lockedMode && (existing is null || !existing.SameAs(updated));
        return new ModelLockCheck(findings, write ? updated : null);
    }
}

/// <summary>What comparing the bundled models with a lock file found, and the lock to write (null: write nothing).</summary>
public sealed class ModelLockCheck
{
    public ModelLockCheck(IReadOnlyList<Finding> findings, ModelLockFile? toWrite)
    {
        Findings = findings;
        ToWrite = toWrite;
    }

    public IReadOnlyList<Finding> Findings { get; }

    public ModelLockFile? ToWrite { get; }
}
