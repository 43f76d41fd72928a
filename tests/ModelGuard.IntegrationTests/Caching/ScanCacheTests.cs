using System;
using System.IO;
using ModelGuard.Hosting.Caching;

namespace ModelGuard.IntegrationTests.Caching;

/// <summary>The cache file: round trip, key fields, and anything that does not verify is discarded (a rescan, never a pass).</summary>
public sealed class ScanCacheTests : IDisposable
{
    private readonly string _dir = Path.Combine(Path.GetTempPath(), "modelguard-cache-" + Guid.NewGuid().ToString("N").Substring(0, 12));

    public ScanCacheTests() => Directory.CreateDirectory(_dir);

    private string CachePath => Path.Combine(_dir, "obj", "modelguard.cache");

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Fact]
    public void Round_trip_keeps_every_field()
    {
        Saved();

        var cache = ScanCache.Load(CachePath, "1.0", StringComparer.Ordinal, out var problem);

        Assert.Null(problem);
        var entry = cache.TryGet("/m/evil.pt", 100, 42, "fp");
        Assert.NotNull(entry);
        Assert.Equal("Zip", entry!.Format);
        Assert.Collection(
            entry.Findings,
            f =>
            {
                Assert.Equal("MG1001", f.RuleId);
                Assert.Equal("evil/data.pkl", f.Member);
                Assert.Equal(322L, f.Offset);
                Assert.Equal("imports posix.system \"quoted\"\nnew line", f.Message);
            },
            f =>
            {
                Assert.Null(f.Member);
                Assert.Null(f.Offset);
            });
        Assert.Empty(Directory.GetFiles(Path.GetDirectoryName(CachePath)!, "*.tmp"));
    }

    [Theory]
    [InlineData(101L, 42L, "fp")]
    [InlineData(100L, 43L, "fp")]
    [InlineData(100L, 42L, "other options")]
    public void Any_key_change_is_a_miss(long length, long ticks, string fingerprint)
    {
        Saved();
        var cache = ScanCache.Load(CachePath, "1.0", StringComparer.Ordinal, out _);
        Assert.Null(cache.TryGet("/m/evil.pt", length, ticks, fingerprint));
        Assert.Null(cache.TryGet("/m/other.pt", 100, 42, "fp"));
    }

    [Fact]
    public void Another_engine_version_starts_empty()
    {
        Saved();
        var cache = ScanCache.Load(CachePath, "2.0", StringComparer.Ordinal, out var problem);
        Assert.Null(problem);
        Assert.Equal(0, cache.Count);
    }

    [Fact]
    public void Missing_file_is_an_empty_cache_without_a_problem()
    {
        var cache = ScanCache.Load(CachePath, "1.0", StringComparer.Ordinal, out var problem);
        Assert.Null(problem);
        Assert.Equal(0, cache.Count);
    }

    [Theory]
    [InlineData("truncated")]
    [InlineData("flipped")]
    [InlineData("garbage")]
    [InlineData("empty")]
    [InlineData("appended")]
    public void Damaged_cache_is_discarded_with_a_reason(string damage)
    {
        Saved();
        var bytes = File.ReadAllBytes(CachePath);
        switch (damage)
        {
            case "truncated":
                Array.Resize(ref bytes, bytes.Length - 7);
                break;
            case "flipped":
                bytes[^5] ^= 0x20;
                break;
            case "garbage":
                bytes = System.Text.Encoding.ASCII.GetBytes("this is not a cache at all, not even close to one");
                break;
            case "empty":
                bytes = Array.Empty<byte>();
                break;
            case "appended":
                Array.Resize(ref bytes, bytes.Length + 1);
                break;
        }

        File.WriteAllBytes(CachePath, bytes);
        var cache = ScanCache.Load(CachePath, "1.0", StringComparer.Ordinal, out var problem);

        Assert.NotNull(problem);
        Assert.Equal(0, cache.Count);
        Assert.Null(cache.TryGet("/m/evil.pt", 100, 42, "fp"));
    }

    [Fact]
    public void Save_replaces_an_existing_cache()
    {
        Saved();
        var cache = ScanCache.Empty("1.0", StringComparer.Ordinal);
        cache.Set(new CachedScan("/m/new.pt", 1, 2, "fp", "Pickle", Array.Empty<CachedFinding>()));
        cache.Save(CachePath);

        var loaded = ScanCache.Load(CachePath, "1.0", StringComparer.Ordinal, out _);
        Assert.Equal(1, loaded.Count);
        Assert.NotNull(loaded.TryGet("/m/new.pt", 1, 2, "fp"));
    }

    private void Saved()
    {
        var cache = ScanCache.Empty("1.0", StringComparer.Ordinal);
        cache.Set(new CachedScan(
            "/m/evil.pt",
            100,
            42,
            "fp",
            "Zip",
            new[]
            {
                new CachedFinding("MG1001", "evil/data.pkl", 322, "imports posix.system \"quoted\"\nnew line"),
                new CachedFinding("MG3001", null, null, "whole file"),
            }));
        cache.Save(CachePath);
    }
}
