using System;
using System.Buffers.Binary;
using System.Diagnostics;
using System.IO;
using System.Linq;
using ModelGuard.Engine.Formats.Compression;

namespace ModelGuard.Engine.Tests.Formats.Compression;

/// <summary>Decompression bombs, dictionary bounds and unsupported features.</summary>
public class DecompressorsLimitTests
{
    public static TheoryData<string> Bombs => CompressionFixtures.Names(CompressionFixtures.All.Where(f => f.IsBomb));

    [Theory]
    [MemberData(nameof(Bombs))]
    public void Hundred_megabytes_of_zeros_stop_at_a_one_megabyte_limit(string file)
    {
        var fixture = CompressionFixtures.Get(file);
        var bytes = fixture.ReadBytes();
        var watch = Stopwatch.StartNew();
        var allocated = GC.GetAllocatedBytesForCurrentThread();

        var ex = Assert.Throws<CompressedFormatException>(() => CompressionFixtures.Decode(fixture.Kind, bytes, 1 << 20));

        allocated = GC.GetAllocatedBytesForCurrentThread() - allocated;
        Assert.True(ex.OutputLimitExceeded, ex.Message);
        Assert.Contains("limit of 1048576 bytes", ex.Message);
        Assert.True(watch.Elapsed < TimeSpan.FromSeconds(2), $"{watch.Elapsed}");
        Assert.True(allocated < 24L << 20, $"{file}: {allocated} bytes allocated");
    }

    [Fact]
    public void An_unsupported_stream_fails_again_on_the_next_read()
    {
        var fixture = CompressionFixtures.Get("bcj-x86.xz");
        using var stream = Decompressors.Open(fixture.Kind, new MemoryStream(fixture.ReadBytes()), 1 << 20);
        var buffer = new byte[4096];

        var first = Assert.Throws<NotSupportedException>(() => stream.Read(buffer, 0, buffer.Length));
        var second = Assert.Throws<NotSupportedException>(() => stream.Read(buffer, 0, buffer.Length));

        Assert.Equal(first.Message, second.Message);
    }

    [Fact]
    public void Xz_reserved_check_types_are_skipped_unverified_as_liblzma_does()
    {
        // small.crc32.xz with check ID 0x02 (reserved, also 4 bytes): header and footer flags and their CRCs rewritten.
        var fixture = CompressionFixtures.Get("small.crc32.xz");
        var bytes = fixture.ReadBytes();
        Assert.Equal(0x01, bytes[7]);
        bytes[7] = 0x02;
        BinaryPrimitives.WriteUInt32LittleEndian(bytes.AsSpan(8), Crc32(bytes.AsSpan(6, 2)));
        var footer = bytes.Length - 12;
        Assert.Equal(0x01, bytes[footer + 9]);
        bytes[footer + 9] = 0x02;
        BinaryPrimitives.WriteUInt32LittleEndian(bytes.AsSpan(footer), Crc32(bytes.AsSpan(footer + 4, 6)));

        var output = CompressionFixtures.Decode(CompressionKind.Xz, bytes, 1 << 20);

        Assert.Equal(fixture.Sha256, CompressionFixtures.Sha256Hex(output));
    }

    [Fact]
    public void A_failed_stream_fails_again_on_the_next_read()
    {
        var fixture = CompressionFixtures.Get("zeros100m.xz");
        using var stream = Decompressors.Open(fixture.Kind, new MemoryStream(fixture.ReadBytes()), 1000);
        var buffer = new byte[4096];

        var first = Assert.Throws<CompressedFormatException>(() => stream.Read(buffer, 0, buffer.Length));
        var second = Assert.Throws<CompressedFormatException>(() => stream.Read(buffer, 0, buffer.Length));

        Assert.Equal(first.Message, second.Message);
        Assert.True(second.OutputLimitExceeded);
    }

    [Theory]
    [InlineData(0x10000001u)] // just above 256 MiB
    [InlineData(0x40000000u)] // 1 GiB, a tidy size that passes sniffing
    [InlineData(0xFFFFFFFFu)]
    public void Lzma_alone_dictionary_above_the_bound_is_unsupported_without_allocating_it(uint dictionary)
    {
        var bytes = CompressionFixtures.Get("small.lzma").ReadBytes();
        BinaryPrimitives.WriteUInt32LittleEndian(bytes.AsSpan(1), dictionary);
        var allocated = GC.GetAllocatedBytesForCurrentThread();

        var ex = Assert.Throws<NotSupportedException>(() => CompressionFixtures.Decode(CompressionKind.LzmaAlone, bytes, 1 << 20));

        Assert.Contains($"dictionary size {dictionary}", ex.Message);
        Assert.True(GC.GetAllocatedBytesForCurrentThread() - allocated < 4 << 20);
    }

    [Fact]
    public void Lzma_alone_large_dictionary_within_the_bound_grows_with_the_output()
    {
        var fixture = CompressionFixtures.Get("small.lzma");
        var bytes = fixture.ReadBytes();
        BinaryPrimitives.WriteUInt32LittleEndian(bytes.AsSpan(1), 256u << 20);
        var allocated = GC.GetAllocatedBytesForCurrentThread();

        var output = CompressionFixtures.Decode(CompressionKind.LzmaAlone, bytes, 1 << 20);

        Assert.Equal(fixture.Sha256, CompressionFixtures.Sha256Hex(output));
        Assert.True(GC.GetAllocatedBytesForCurrentThread() - allocated < 4 << 20);
    }

    [Theory]
    [InlineData(40)] // 4 GiB - 1
    [InlineData(39)] // 3 GiB
    [InlineData(33)] // 384 MiB, the next size above the bound
    public void Xz_dictionary_above_the_bound_is_unsupported_without_allocating_it(byte dictionaryByte)
    {
        var bytes = WithLzma2DictionaryByte(dictionaryByte);
        var allocated = GC.GetAllocatedBytesForCurrentThread();

        var ex = Assert.Throws<NotSupportedException>(() => CompressionFixtures.Decode(CompressionKind.Xz, bytes, 1 << 20));

        Assert.Contains("dictionary size", ex.Message);
        Assert.True(GC.GetAllocatedBytesForCurrentThread() - allocated < 4 << 20);
    }

    [Fact]
    public void Xz_dictionary_of_256_mib_is_accepted()
    {
        var output = CompressionFixtures.Decode(CompressionKind.Xz, WithLzma2DictionaryByte(32), 1 << 20);

        Assert.Equal(CompressionFixtures.Get("small.crc64.xz").Sha256, CompressionFixtures.Sha256Hex(output));
    }

    [Fact]
    public void Xz_dictionary_byte_above_40_is_malformed()
    {
        var ex = Assert.Throws<CompressedFormatException>(() => CompressionFixtures.Decode(CompressionKind.Xz, WithLzma2DictionaryByte(41), 1 << 20));

        Assert.Contains("dictionary byte 41", ex.Message);
    }

    [Theory]
    [InlineData("bcj-x86.xz", "x86 BCJ (0x04) + LZMA2 (0x21)")]
    [InlineData("delta.xz", "delta (0x03) + LZMA2 (0x21)")]
    public void Xz_filters_other_than_lzma2_are_unsupported(string file, string chain)
    {
        var fixture = CompressionFixtures.Get(file);

        var ex = Assert.Throws<NotSupportedException>(() => CompressionFixtures.Decode(fixture.Kind, fixture.ReadBytes(), 1 << 20));

        Assert.Contains(chain, ex.Message);
        Assert.Contains("offset 12", ex.Message);
    }

    [Fact]
    public void Xz_unknown_filter_is_unsupported()
    {
        // Rewrite the x86 BCJ filter ID (0x04) of the BCJ fixture as 0x7F, keeping the header CRC valid.
        var bytes = CompressionFixtures.Get("bcj-x86.xz").ReadBytes();
        var headerSize = (bytes[12] + 1) * 4;
        Assert.Equal(0x04, bytes[14]);
        bytes[14] = 0x7F;
        BinaryPrimitives.WriteUInt32LittleEndian(bytes.AsSpan(12 + headerSize - 4), Crc32(bytes.AsSpan(12, headerSize - 4)));

        var ex = Assert.Throws<NotSupportedException>(() => CompressionFixtures.Decode(CompressionKind.Xz, bytes, 1 << 20));

        Assert.Contains("filter ID 0x7F", ex.Message);
    }

    [Fact]
    public void Zlib_preset_dictionary_is_unsupported()
    {
        // 0x78 0xBB: a valid header check with FDICT set, then a dictionary ID.
        var bytes = new byte[] { 0x78, 0xBB, 0x12, 0x34, 0x56, 0x78, 0x03, 0x00, 0x00, 0x00, 0x00, 0x01 };

        var ex = Assert.Throws<NotSupportedException>(() => CompressionFixtures.Decode(CompressionKind.Zlib, bytes, 1 << 20));

        Assert.Contains("preset dictionary", ex.Message);
    }

    [Fact]
    public void Bzip2_randomised_blocks_are_unsupported()
    {
        var bytes = CompressionFixtures.Get("small.bz2").ReadBytes();
        bytes[14] |= 0x80; // the bit after the 32-bit block CRC

        var ex = Assert.Throws<NotSupportedException>(() => CompressionFixtures.Decode(CompressionKind.Bzip2, bytes, 1 << 20));

        Assert.Contains("randomised", ex.Message);
    }

    private static byte[] WithLzma2DictionaryByte(byte value)
    {
        // small.crc64.xz: stream header (12 bytes), then a block header whose last filter property is the LZMA2 byte.
        var bytes = CompressionFixtures.Get("small.crc64.xz").ReadBytes();
        var headerSize = (bytes[12] + 1) * 4;
        var header = bytes.AsSpan(12, headerSize - 4);
        var filterFlags = header.IndexOf(new byte[] { 0x21, 0x01 });
        Assert.True(filterFlags > 0);
        header[filterFlags + 2] = value;
        BinaryPrimitives.WriteUInt32LittleEndian(bytes.AsSpan(12 + headerSize - 4), Crc32(header));
        return bytes;
    }

    private static uint Crc32(ReadOnlySpan<byte> data) => Crc32Ieee.Compute(data);
}
