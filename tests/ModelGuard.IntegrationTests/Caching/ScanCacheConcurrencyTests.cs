using System;
using System.Collections.Concurrent;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using ModelGuard.Hosting.Caching;

namespace ModelGuard.IntegrationTests.Caching;

/// <summary>
/// Builds racing on one cache file (parallel builds of projects that share <c>ModelGuardCacheFile</c>, or the same project built
/// twice at once): whatever interleaving, a reader sees a whole cache or none, never a torn or corrupt one, and an entry is only
/// ever returned for the exact file version it was computed from, so no build can report a stale verdict.
/// </summary>
public sealed class ScanCacheConcurrencyTests : IDisposable
{
    private const string SharedModel = "/m/shared.pt";
    private readonly string _dir = Path.Combine(Path.GetTempPath(), "modelguard-cache-race-" + Guid.NewGuid().ToString("N").Substring(0, 12));

    public ScanCacheConcurrencyTests() => Directory.CreateDirectory(_dir);

    private string CachePath => Path.Combine(_dir, "obj", "modelguard.cache");

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Fact]
    public async Task Concurrent_writers_and_readers_never_see_a_torn_cache_or_a_stale_verdict()
    {
        const int writers = 4;
        const int saves = 150;
        var failures = new ConcurrentQueue<string>();
        var lastSaved = new int[writers];
        using var stop = new CancellationTokenSource();

        // Each writer saves versions of the shared model: version v has length v and write time v, and its finding says "v<v>".
        var writing = Enumerable.Range(0, writers).Select(w => Task.Run(() =>
        {
            for (var i = 0; i < saves; i++)
            {
                var version = (w * saves) + i + 1;
                var cache = ScanCache.Empty("1.0", StringComparer.Ordinal);
                cache.Set(Entry(SharedModel, version));
                cache.Set(Entry("/m/writer" + w.ToString(CultureInfo.InvariantCulture) + ".pt", version));
                try
                {
                    cache.Save(CachePath);
                    Volatile.Write(ref lastSaved[w], version);
                }
                catch (IOException ex) when (OperatingSystem.IsWindows())
                {
                    // Windows may refuse the rename while a reader has the file open; the task logs that and goes on.
                    _ = ex;
                }
            }
        })).ToArray();

        var reads = 0;
        var hits = 0;
        var reading = Enumerable.Range(0, 2).Select(_ => Task.Run(() =>
        {
            var random = new Random(7);
            while (!stop.IsCancellationRequested)
            {
                var cache = ScanCache.Load(CachePath, "1.0", StringComparer.Ordinal, out var problem);
                Interlocked.Increment(ref reads);
                if (problem is not null)
                {
                    failures.Enqueue("a reader saw a cache that does not verify: " + problem);
                    continue;
                }

                // Ask for the versions just saved (likely in the file) and a random one: a hit must carry exactly that version's verdict.
                var wanted = random.Next(1, (writers * saves) + 1);
                foreach (var version in Enumerable.Range(0, writers).Select(i => Volatile.Read(ref lastSaved[i])).Append(wanted))
                {
                    if (cache.TryGet(SharedModel, version, version, "fp") is { } entry)
                    {
                        Interlocked.Increment(ref hits);
                        var message = entry.Findings.Single().Message;
                        if (message != "v" + version.ToString(CultureInfo.InvariantCulture))
                        {
                            failures.Enqueue($"asked for version {version}, got the verdict of {message}");
                        }
                    }
                }

                foreach (var writer in Enumerable.Range(0, writers))
                {
                    var name = "/m/writer" + writer.ToString(CultureInfo.InvariantCulture) + ".pt";
                    if (cache.TryGet(name, wanted, wanted, "fp") is { } own && own.Findings.Single().Message != "v" + wanted.ToString(CultureInfo.InvariantCulture))
                    {
                        failures.Enqueue($"{name}: asked for version {wanted}, got {own.Findings.Single().Message}");
                    }
                }
            }
        })).ToArray();

        await Task.WhenAll(writing);
        await stop.CancelAsync();
        await Task.WhenAll(reading);

        Assert.True(failures.IsEmpty, string.Join("\n", failures.Take(20)));
        Assert.True(reads > 0 && hits > 0, $"{reads} reads, {hits} hits: the race was not exercised");
        Assert.Empty(Directory.GetFiles(Path.GetDirectoryName(CachePath)!, "*.tmp"));
        var final = ScanCache.Load(CachePath, "1.0", StringComparer.Ordinal, out var finalProblem);
        Assert.Null(finalProblem);
        Assert.Equal(2, final.Count);
    }

    private static CachedScan Entry(string path, int version)
        => new(path, version, version, "fp", "Pickle", new[] { new CachedFinding("MG1001", null, 2, "v" + version.ToString(CultureInfo.InvariantCulture)) });
}
