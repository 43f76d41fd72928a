using System;
using System.Collections.Generic;
using System.Linq;

namespace ModelGuard.Engine.Integrity;

/// <summary>
/// The models a project pins by hash, as <c>packages.lock.json</c> pins packages: one entry per bundled model file, keyed by
/// its project-relative path. Entries are kept sorted by ordinal path so the written file is stable.
/// </summary>
public sealed class ModelLockFile
{
    /// <summary>The file name next to the project.</summary>
    public const string FileName = "models.lock.json";

    /// <summary>The only format version this release reads and writes.</summary>
    public const int CurrentVersion = 1;

    private readonly SortedDictionary<string, ModelLockEntry> _entries = new(StringComparer.Ordinal);

    /// <summary>Creates a lock file holding <paramref name="entries"/> (later duplicates of a path replace earlier ones).</summary>
    public ModelLockFile(IEnumerable<ModelLockEntry> entries)
    {
        foreach (var entry in entries)
        {
            _entries[entry.Path] = entry;
        }
    }

    /// <summary>The entries in ordinal order of their paths.</summary>
    public IReadOnlyCollection<ModelLockEntry> Entries => _entries.Values;

    /// <summary>The entry for <paramref name="path"/>, or null.</summary>
    public ModelLockEntry? Find(string path) => _entries.TryGetValue(path, out var entry) ? entry : null;

    /// <summary>True when both hold the same entries, field for field.</summary>
    public bool SameAs(ModelLockFile other)
        => _entries.Count == other._entries.Count
           && _entries.Values.Zip(other._entries.Values, (a, b) => a.Path == b.Path && a.Sha256 == b.Sha256 && a.Size == b.Size && a.Format == b.Format && a.Source == b.Source).All(same => same);
}
