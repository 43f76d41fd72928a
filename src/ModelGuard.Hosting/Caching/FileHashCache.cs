using System;
using System.Collections.Generic;
using System.IO;
using System.Threading;
using ModelGuard.Engine.Integrity;

namespace ModelGuard.Hosting.Caching;

/// <summary>
/// SHA-256 of whole files, remembered between runs in the scan cache (<c>$(IntermediateOutputPath)modelguard.cache</c>) so a
/// no-op build reads no model bytes. An entry is used only when the file's full path, size, last write time, identity (device and
/// inode, volume and file ID) and change time all match what they were when it was hashed; the change time moves on every write
/// and on every <c>touch -r</c>, so a same-size rewrite with a restored timestamp is hashed again. Files without an identity
/// (a platform <see cref="FileStamp"/> cannot stat) and files changed within two seconds of the hash (<see cref="RacyWindow"/>)
/// are hashed every time. Thread-safe: files are hashed on every core.
/// </summary>
public sealed class FileHashCache
{
    private readonly object _gate = new();
    private readonly Dictionary<string, CachedDigest> _known;
    private readonly Dictionary<string, CachedDigest> _used;
    private readonly Func<DateTime> _clock;
    private int _filesHashed;
    private long _bytesHashed;
    private int _filesFromCache;
    private bool _stored;

    /// <summary>An empty cache (nothing is vouched for until a file has been hashed once).</summary>
    public FileHashCache()
        : this(null, null)
    {
    }

    internal FileHashCache(IEnumerable<CachedDigest>? known, Func<DateTime>? clock)
    {
        _known = new Dictionary<string, CachedDigest>(Scanning.ScanRun.PathComparer);
        _used = new Dictionary<string, CachedDigest>(Scanning.ScanRun.PathComparer);
        _clock = clock ?? (() => DateTime.UtcNow);
        foreach (var entry in known ?? Array.Empty<CachedDigest>())
        {
            _known[entry.FullPath] = entry;
        }
    }

    /// <summary>Files read and hashed (not served from the cache) so far.</summary>
    public int FilesHashed => Volatile.Read(ref _filesHashed);

    /// <summary>Bytes read for hashing so far.</summary>
    public long BytesHashed => Interlocked.Read(ref _bytesHashed);

    /// <summary>Files whose digest came from the cache.</summary>
    public int FilesFromCache => Volatile.Read(ref _filesFromCache);

    /// <summary>True when the entries to save differ from those loaded.</summary>
    internal bool Changed
    {
        get
        {
            lock (_gate)
            {
                return _stored || _used.Count != _known.Count;
            }
        }
    }

    /// <summary>The digests this run used or computed and may keep (what the next run's cache holds).</summary>
    internal IReadOnlyCollection<CachedDigest> Entries
    {
        get
        {
            lock (_gate)
            {
                return new List<CachedDigest>(_used.Values);
            }
        }
    }

    /// <summary>The SHA-256 and size of the file at <paramref name="fullPath"/>, from the cache when the file is provably unchanged.</summary>
    /// <exception cref="IOException">The file cannot be read.</exception>
    /// <exception cref="UnauthorizedAccessException">The file cannot be opened.</exception>
    public FileDigest HashFile(string fullPath)
    {
        var before = FileStamp.Of(fullPath);
        if (before.HasIdentity)
        {
            lock (_gate)
            {
                if (_known.TryGetValue(fullPath, out var known) && known.Stamp.Equals(before))
                {
                    _used[fullPath] = known;
                    _filesFromCache++;
                    return known.Digest;
                }
            }
        }

        var started = _clock();
        var digest = FileHasher.HashFile(fullPath);
        Interlocked.Increment(ref _filesHashed);
        Interlocked.Add(ref _bytesHashed, digest.Size);

        // Kept only when the file provably did not change while it was read and was not changed just before.
        var after = FileStamp.Of(fullPath);
        if (before.HasIdentity && after.Equals(before) && digest.Size == before.Length
            && !RacyWindow.Contains(before.LastWriteTicksUtc, started) && !RacyWindow.Contains(before.ChangeTicksUtc, started))
        {
            lock (_gate)
            {
                _used[fullPath] = new CachedDigest(fullPath, before, digest);
                _stored = true;
            }
        }

        return digest;
    }

    internal void Write(BinaryWriter writer)
    {
        var entries = Entries;
        writer.Write(entries.Count);
        foreach (var entry in entries)
        {
            writer.Write(entry.FullPath);
            entry.Stamp.Write(writer);
            writer.Write(entry.Digest.Sha256);
            writer.Write(entry.Digest.Size);
        }
    }

    internal static FileHashCache Read(BinaryReader reader)
    {
        var count = reader.ReadInt32();
        if (count < 0)
        {
            throw new FormatException("negative digest count");
        }

        var entries = new List<CachedDigest>(Math.Min(count, 1024));
        for (var i = 0; i < count; i++)
        {
            var fullPath = reader.ReadString();
            var stamp = FileStamp.Read(reader);
            var sha256 = reader.ReadString();
            var size = reader.ReadInt64();
            entries.Add(new CachedDigest(fullPath, stamp, new FileDigest(sha256, size)));
        }

        return new FileHashCache(entries, null);
    }
}

/// <summary>A file's digest and the stamp it had when it was hashed.</summary>
internal sealed class CachedDigest
{
    public CachedDigest(string fullPath, FileStamp stamp, FileDigest digest)
    {
        FullPath = fullPath;
        Stamp = stamp;
        Digest = digest;
    }

    public string FullPath { get; }

    public FileStamp Stamp { get; }

    public FileDigest Digest { get; }
}
