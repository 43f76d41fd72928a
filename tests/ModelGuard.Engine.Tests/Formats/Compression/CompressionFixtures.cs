using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.IO;
using System.Linq;
using System.Security.Cryptography;
using System.Text.Json;
using ModelGuard.Engine.Formats.Compression;

namespace ModelGuard.Engine.Tests.Formats.Compression;

/// <summary>One fixture of Fixtures/compression (written by make_fixtures.py there) and what it decodes to.</summary>
internal sealed record CompressionFixture(string File, CompressionKind Kind, long Length, string Sha256, IReadOnlyList<int> CompletePrefixes)
{
    /// <summary>Fixtures that decode to 100 MB of zeros.</summary>
    public bool IsBomb => File.StartsWith("zeros100m", StringComparison.Ordinal);

    /// <summary>Fixtures whose filters the decoder does not support.</summary>
    public bool IsUnsupported => File is "bcj-x86.xz" or "delta.xz";

    public byte[] ReadBytes() => System.IO.File.ReadAllBytes(Path.Combine(CompressionFixtures.Folder, File));

    public override string ToString() => File;
}

/// <summary>Loads the fixtures and decodes streams the way the tests need.</summary>
internal static class CompressionFixtures
{
    public static readonly string Folder = Path.Combine(AppContext.BaseDirectory, "Fixtures", "compression");

    private static readonly Lazy<IReadOnlyList<CompressionFixture>> LazyAll = new(Load);

    public static IReadOnlyList<CompressionFixture> All => LazyAll.Value;

    public static CompressionFixture Get(string file) => All.Single(f => f.File == file);

    /// <summary>Fixtures that decode normally (no bombs, no unsupported filters).</summary>
    public static IEnumerable<CompressionFixture> Decodable => All.Where(f => !f.IsBomb && !f.IsUnsupported);

    public static TheoryData<string> Names(IEnumerable<CompressionFixture> fixtures)
    {
        var data = new TheoryData<string>();
        foreach (var fixture in fixtures)
        {
            data.Add(fixture.File);
        }

        return data;
    }

    /// <summary>Decodes everything, reading in chunks of the sizes given in turn.</summary>
    public static byte[] Decode(CompressionKind kind, byte[] compressed, long maxOutputBytes, params int[] readSizes)
    {
        if (readSizes.Length == 0)
        {
            readSizes = new[] { 81920 };
        }

        using var stream = Decompressors.Open(kind, new MemoryStream(compressed, writable: false), maxOutputBytes);
        using var output = new MemoryStream();
        var buffer = new byte[readSizes.Max()];
        for (var i = 0; ; i++)
        {
            var read = stream.Read(buffer, 0, readSizes[i % readSizes.Length]);
            if (read == 0)
            {
                return output.ToArray();
            }

            output.Write(buffer, 0, read);
        }
    }

    public static string Sha256Hex(byte[] data) => Convert.ToHexString(SHA256.HashData(data)).ToLowerInvariant();

    /// <summary>
    /// Decodes hostile input and classifies the outcome: the output when decoding succeeds, or null when it fails with
    /// one of the two expected exceptions. Any other exception fails the test, and so does a case over two seconds.
    /// </summary>
    public static byte[]? DecodeHostile(CompressionKind kind, byte[] input, long maxOutputBytes, string label)
    {
        var watch = Stopwatch.StartNew();
        byte[]? result = null;
        try
        {
            result = Decode(kind, input, maxOutputBytes, 4096, 1, 65536, 333);
        }
        catch (CompressedFormatException)
        {
        }
        catch (NotSupportedException)
        {
        }
        catch (Exception ex)
        {
            Assert.Fail($"{label}: unexpected {ex.GetType().Name}: {ex}");
        }

        Assert.True(watch.Elapsed < TimeSpan.FromSeconds(2), $"{label}: took {watch.Elapsed.TotalMilliseconds:F0} ms");
        return result;
    }

    private static IReadOnlyList<CompressionFixture> Load()
    {
        using var document = JsonDocument.Parse(System.IO.File.ReadAllText(Path.Combine(Folder, "manifest.json")));
        return document.RootElement.EnumerateArray()
            .Select(e => new CompressionFixture(
                e.GetProperty("file").GetString()!,
                Enum.Parse<CompressionKind>(e.GetProperty("kind").GetString()!),
                e.GetProperty("length").GetInt64(),
                e.GetProperty("sha256").GetString()!,
                e.GetProperty("completePrefixes").EnumerateArray().Select(p => p.GetInt32()).ToArray()))
            .ToArray();
    }
}
