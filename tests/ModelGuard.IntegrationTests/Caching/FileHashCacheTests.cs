using System;
using System.IO;
using System.Linq;
using System.Security.Cryptography;
using ModelGuard.Engine.Integrity;
using ModelGuard.Hosting.Caching;

namespace ModelGuard.IntegrationTests.Caching;

/// <summary>
/// The hash cache vouches only for a file it can prove unchanged: same size, write time, identity and change time. A same-size
/// rewrite whose write time is put back (<c>touch -r</c>) is hashed again; an unchanged file is not read at all.
/// </summary>
public sealed class FileHashCacheTests : IDisposable
{
    private static readonly DateTime Old = new(2020, 1, 1, 0, 0, 0, DateTimeKind.Utc);

    private readonly string _dir = Path.Combine(Path.GetTempPath(), "modelguard-hashes-" + Guid.NewGuid().ToString("N").Substring(0, 12));

    public FileHashCacheTests() => Directory.CreateDirectory(_dir);

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Fact]
    public void Unchanged_file_is_served_from_the_cache_without_reading_it()
    {
        var path = Write("model.bin", Content(1), Old);
        var cache = Later();
        var first = cache.HashFile(path);

        var reloaded = RoundTrip(cache);
        var second = reloaded.HashFile(path);

        Assert.Equal(Sha256(Content(1)), first.Sha256);
        Assert.Equal(first.Sha256, second.Sha256);
        Assert.Equal(first.Size, second.Size);
        Assert.Equal(0, reloaded.FilesHashed);
        Assert.Equal(0, reloaded.BytesHashed);
        Assert.Equal(1, reloaded.FilesFromCache);
        Assert.False(reloaded.Changed);
    }

    [Fact]
    public void Same_size_rewrite_with_the_write_time_put_back_is_hashed_again()
    {
        var path = Write("model.bin", Content(1), Old);
        var cache = Later();
        cache.HashFile(path);
        var stampBefore = FileStamp.Of(path);

        // touch -r: the same size, one byte different, the old write time restored.
        var swapped = Content(1);
        swapped[4096] ^= 0x01;
        File.WriteAllBytes(path, swapped);
        File.SetLastWriteTimeUtc(path, Old);
        var stampAfter = FileStamp.Of(path);
        Assert.Equal(stampBefore.Length, stampAfter.Length);
        Assert.Equal(stampBefore.LastWriteTicksUtc, stampAfter.LastWriteTicksUtc);

        var reloaded = RoundTrip(cache);
        var digest = reloaded.HashFile(path);

        Assert.Equal(Sha256(swapped), digest.Sha256);
        Assert.Equal(1, reloaded.FilesHashed);
        Assert.Equal(0, reloaded.FilesFromCache);
    }

    [Fact]
    public void Replaced_file_with_the_same_times_is_hashed_again()
    {
        // A rename over the file: a new inode, whatever its times say.
        var path = Write("model.bin", Content(1), Old);
        var cache = Later();
        cache.HashFile(path);
        var other = Write("other.bin", Content(2), Old);
        File.Move(other, path, overwrite: true);
        File.SetLastWriteTimeUtc(path, Old);

        var reloaded = RoundTrip(cache);

        Assert.Equal(Sha256(Content(2)), reloaded.HashFile(path).Sha256);
        Assert.Equal(1, reloaded.FilesHashed);
    }

    [Fact]
    public void File_changed_within_two_seconds_of_the_hash_is_never_cached()
    {
        // The change time is now, whatever the write time says: the file is in the racy window.
        var path = Write("model.bin", Content(1), Old);
        var cache = new FileHashCache(null, () => DateTime.UtcNow);
        cache.HashFile(path);

        Assert.Empty(cache.Entries);
        var again = RoundTrip(cache);
        again.HashFile(path);
        Assert.Equal(1, again.FilesHashed);
    }

    [Fact]
    public void Stamp_has_an_identity_on_linux()
    {
        var path = Write("model.bin", Content(1), Old);
        var stamp = FileStamp.Of(path);

        Assert.Equal(OperatingSystem.IsLinux() || OperatingSystem.IsWindows(), stamp.HasIdentity);
        Assert.Equal(Content(1).Length, stamp.Length);
        Assert.Equal(Old.Ticks, stamp.LastWriteTicksUtc);
        if (stamp.HasIdentity)
        {
            Assert.NotEqual(0UL, stamp.FileId);
            Assert.True(stamp.ChangeTicksUtc > Old.Ticks);
        }

        Assert.Throws<FileNotFoundException>(() => FileStamp.Of(Path.Combine(_dir, "missing.bin")));
    }

    [Fact]
    public void Entries_not_used_by_a_run_are_dropped_when_it_saves()
    {
        var a = Write("a.bin", Content(1), Old);
        var b = Write("b.bin", Content(2), Old);
        var cache = Later();
        cache.HashFile(a);
        cache.HashFile(b);

        var reloaded = RoundTrip(cache);
        reloaded.HashFile(a);

        Assert.True(reloaded.Changed);
        Assert.Equal(new[] { a }, reloaded.Entries.Select(e => e.FullPath));
    }

    /// <summary>A cache whose clock runs a minute ahead, so a file just written is out of the racy window once its change time is.</summary>
    private static FileHashCache Later() => new(null, () => DateTime.UtcNow.AddMinutes(1));

    /// <summary>Through the scan cache file, as the next build reads it.</summary>
    private FileHashCache RoundTrip(FileHashCache hashes)
    {
        var path = Path.Combine(_dir, "obj", "modelguard.cache");
        var scanCache = ScanCache.Empty("1.0", StringComparer.Ordinal);
        scanCache.Hashes = hashes;
        scanCache.Save(path);
        var loaded = ScanCache.Load(path, "1.0", StringComparer.Ordinal, out var problem);
        Assert.Null(problem);
        return loaded.Hashes;
    }

    private string Write(string name, byte[] content, DateTime lastWriteUtc)
    {
        var path = Path.Combine(_dir, name);
        File.WriteAllBytes(path, content);
        File.SetLastWriteTimeUtc(path, lastWriteUtc);
        return path;
    }

    private static byte[] Content(int seed)
    {
        var bytes = new byte[3 * FileHasher.BlockSize / 2];
        new Random(seed).NextBytes(bytes);
        return bytes;
    }

    private static string Sha256(byte[] bytes) => Convert.ToHexString(SHA256.HashData(bytes)).ToLowerInvariant();
}
