using System.IO;
using System.Linq;
using ModelGuard.Engine.Formats.Compression;

namespace ModelGuard.Engine.Tests.Formats.Compression;

public class DecompressorsRoundTripTests
{
    public static TheoryData<string> Decodable => CompressionFixtures.Names(CompressionFixtures.Decodable);

    [Fact]
    public void Fixtures_cover_every_kind_and_the_required_variants()
    {
        var files = CompressionFixtures.All.Select(f => f.File).ToHashSet();
        foreach (var kind in new[] { CompressionKind.Zlib, CompressionKind.Bzip2, CompressionKind.Xz, CompressionKind.LzmaAlone })
        {
            Assert.Contains(CompressionFixtures.All, f => f.Kind == kind && f.Length == 0);
            Assert.Contains(CompressionFixtures.All, f => f.Kind == kind && f.Length == 1 << 20);
            Assert.Contains(CompressionFixtures.All, f => f.Kind == kind && f.IsBomb);
        }

        Assert.Superset(
            new[]
            {
                "small.l0.zlib", "small.l1.zlib", "small.l9.zlib", "mixed1m.l1.bz2", "concat.bz2", "concat.xz", "multiblock.xz",
                "small.none.xz", "small.crc32.xz", "small.crc64.xz", "small.sha256.xz", "small.lzma", "small.known-size-and-marker.lzma",
                "text64k.known-size-no-marker.lzma", "bcj-x86.xz",
            }.ToHashSet(),
            files);
    }

    [Theory]
    [MemberData(nameof(Decodable))]
    public void Decoding_in_large_reads_gives_the_original(string file)
    {
        var fixture = CompressionFixtures.Get(file);

        var output = CompressionFixtures.Decode(fixture.Kind, fixture.ReadBytes(), 1L << 30);

        Assert.Equal(fixture.Length, output.Length);
        Assert.Equal(fixture.Sha256, CompressionFixtures.Sha256Hex(output));
    }

    [Theory]
    [MemberData(nameof(Decodable))]
    public void Decoding_in_odd_small_reads_gives_the_original(string file)
    {
        var fixture = CompressionFixtures.Get(file);

        var output = CompressionFixtures.Decode(fixture.Kind, fixture.ReadBytes(), 1L << 30, 1, 3, 4096, 7, 300, 65537);

        Assert.Equal(fixture.Sha256, CompressionFixtures.Sha256Hex(output));
    }

    [Theory]
    [MemberData(nameof(Decodable))]
    public void An_output_limit_equal_to_the_size_is_enough(string file)
    {
        var fixture = CompressionFixtures.Get(file);

        var output = CompressionFixtures.Decode(fixture.Kind, fixture.ReadBytes(), fixture.Length);

        Assert.Equal(fixture.Sha256, CompressionFixtures.Sha256Hex(output));
    }

    [Theory]
    [MemberData(nameof(Decodable))]
    public void An_output_limit_one_byte_short_fails(string file)
    {
        var fixture = CompressionFixtures.Get(file);
        if (fixture.Length == 0)
        {
            return;
        }

        var ex = Assert.Throws<CompressedFormatException>(() => CompressionFixtures.Decode(fixture.Kind, fixture.ReadBytes(), fixture.Length - 1));

        Assert.True(ex.OutputLimitExceeded);
        Assert.Contains($"limit of {fixture.Length - 1} bytes", ex.Message);
    }

    [Fact]
    public void Each_concatenated_stream_prefix_decodes_to_its_part()
    {
        foreach (var file in new[] { "concat.bz2", "concat.xz" })
        {
            var fixture = CompressionFixtures.Get(file);
            var bytes = fixture.ReadBytes();
            foreach (var cut in fixture.CompletePrefixes)
            {
                var output = CompressionFixtures.Decode(fixture.Kind, bytes[..cut], 1L << 30);
                Assert.True(output.Length <= fixture.Length, $"{file} cut at {cut}");
            }
        }
    }

    [Fact]
    public void Reading_after_the_end_keeps_returning_zero()
    {
        var fixture = CompressionFixtures.Get("small.crc64.xz");
        using var stream = Decompressors.Open(fixture.Kind, new MemoryStream(fixture.ReadBytes()), 1 << 20);
        stream.CopyTo(Stream.Null);

        Assert.Equal(0, stream.Read(new byte[10], 0, 10));
        Assert.Equal(-1, stream.ReadByte());
    }
}
