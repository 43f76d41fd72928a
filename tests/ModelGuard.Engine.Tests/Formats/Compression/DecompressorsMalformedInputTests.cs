using System;
using System.Collections.Generic;
using System.Linq;
using ModelGuard.Engine.Formats.Compression;

namespace ModelGuard.Engine.Tests.Formats.Compression;

/// <summary>
/// Truncated, corrupted and random input: decoding must end in <see cref="CompressedFormatException"/> or
/// <see cref="NotSupportedException"/> (or, for a corruption the format cannot see, the exact original output), never
/// another exception, never silently different data, and within two seconds a case.
/// </summary>
public class DecompressorsMalformedInputTests
{
    public static TheoryData<string> Decodable => CompressionFixtures.Names(CompressionFixtures.Decodable);

    public static TheoryData<string> SmallFixtures => CompressionFixtures.Names(CompressionFixtures.Decodable.Where(f => f.ReadBytes().Length <= 4096));

    [Theory]
    [MemberData(nameof(Decodable))]
    public void Truncation_at_any_point_is_an_error(string file)
    {
        var fixture = CompressionFixtures.Get(file);
        var bytes = fixture.ReadBytes();
        var complete = fixture.CompletePrefixes.ToHashSet();
        var limit = (fixture.Length * 2) + (1 << 20);
        foreach (var cut in CutPoints(bytes.Length).Where(c => !complete.Contains(c)))
        {
            var output = CompressionFixtures.DecodeHostile(fixture.Kind, bytes[..cut], limit, $"{file} cut to {cut} bytes");
            Assert.True(output is null, $"{file} cut to {cut} of {bytes.Length} bytes decoded without an error ({output?.Length} bytes)");
        }
    }

    [Theory]
    [MemberData(nameof(SmallFixtures))]
    public void A_corrupted_byte_is_an_error_or_changes_nothing(string file)
    {
        var fixture = CompressionFixtures.Get(file);
        var original = fixture.ReadBytes();
        var limit = (fixture.Length * 4) + (1 << 16);
        var silentlyDifferent = new List<string>();
        foreach (var mask in new byte[] { 0x01, 0x10, 0x80, 0xFF })
        {
            for (var position = 0; position < original.Length; position++)
            {
                var corrupted = (byte[])original.Clone();
                corrupted[position] ^= mask;
                var label = $"{file} with byte {position} ^ 0x{mask:X2}";
                var output = CompressionFixtures.DecodeHostile(fixture.Kind, corrupted, limit, label);
                if (output is not null && CompressionFixtures.Sha256Hex(output) != fixture.Sha256)
                {
                    silentlyDifferent.Add(label);
                }
            }
        }

        Assert.Empty(silentlyDifferent);
    }

    [Theory]
    [MemberData(nameof(Decodable))]
    public void Sampled_corruptions_of_larger_fixtures_are_errors_or_change_nothing(string file)
    {
        var fixture = CompressionFixtures.Get(file);
        var original = fixture.ReadBytes();
        if (original.Length <= 4096)
        {
            return;
        }

        var random = new Random(original.Length);
        var limit = (fixture.Length * 2) + (1 << 20);
        var positions = Enumerable.Range(0, 24).Concat(Enumerable.Range(0, 16).Select(_ => random.Next(original.Length))).Concat(Enumerable.Range(original.Length - 16, 16));
        foreach (var position in positions)
        {
            var corrupted = (byte[])original.Clone();
            corrupted[position] ^= (byte)(1 << random.Next(8));
            var label = $"{file} with byte {position} changed";
            var output = CompressionFixtures.DecodeHostile(fixture.Kind, corrupted, limit, label);
            Assert.True(output is null || CompressionFixtures.Sha256Hex(output) == fixture.Sha256, $"{label} decoded to different data without an error");
        }
    }

    [Theory]
    [InlineData("Zlib", "78 9C")]
    [InlineData("Bzip2", "42 5A 68 39 31 41 59 26 53 59")]
    [InlineData("Bzip2", "42 5A 68 31 31 41 59 26 53 59 00 00 00 00 00 00 00 00 FF FF")]
    [InlineData("Xz", "")]
    [InlineData("LzmaAlone", "5D 00 00 80 00 FF FF FF FF FF FF FF FF 00")]
    [InlineData("LzmaAlone", "00 00 10 00 00 FF FF FF FF FF FF FF FF 00")]
    [InlineData("LzmaAlone", "E0 00 00 80 00 FF FF FF FF FF FF FF FF 00")] // lc=8, lp=4: the largest literal model
    [InlineData("LzmaAlone", "5D 00 00 80 00 00 10 00 00 00 00 00 00 00")]
    public void Random_data_after_a_valid_start_fails_cleanly(string kindName, string prefixHex)
    {
        var kind = Enum.Parse<CompressionKind>(kindName);
        var prefix = Convert.FromHexString(prefixHex.Replace(" ", string.Empty));
        if (kind == CompressionKind.Xz)
        {
            // A valid stream header and a valid LZMA2 block header, then random block data.
            var valid = CompressionFixtures.Get("small.crc64.xz").ReadBytes();
            prefix = valid[..(12 + ((valid[12] + 1) * 4))];
        }

        var random = new Random(prefix.Length);
        for (var seed = 0; seed < 300; seed++)
        {
            var tail = new byte[random.Next(16, 3000)];
            random.NextBytes(tail);
            if (kind == CompressionKind.Xz && seed % 2 == 0)
            {
                tail[0] = 0xE0; // an LZMA chunk with properties, so the random bytes reach the LZMA decoder
                tail[5] = 0x5D;
                tail[6] = 0x00;
            }

            var output = CompressionFixtures.DecodeHostile(kind, prefix.Concat(tail).ToArray(), 4 << 20, $"{kind} random tail {seed}");
            if (kind != CompressionKind.LzmaAlone)
            {
                // Every other format has checksums: random data never decodes.
                Assert.Null(output);
            }
        }
    }

    [Theory]
    [InlineData("Zlib")]
    [InlineData("Bzip2")]
    [InlineData("Xz")]
    [InlineData("LzmaAlone")]
    public void Pure_random_input_fails_cleanly(string kindName)
    {
        var kind = Enum.Parse<CompressionKind>(kindName);
        var random = new Random((int)kind + 100);
        for (var seed = 0; seed < 300; seed++)
        {
            var input = new byte[random.Next(0, 2000)];
            random.NextBytes(input);
            CompressionFixtures.DecodeHostile(kind, input, 4 << 20, $"{kind} random input {seed}");
        }
    }

    [Theory]
    [InlineData("Zlib")]
    [InlineData("Bzip2")]
    [InlineData("Xz")]
    [InlineData("LzmaAlone")]
    public void Empty_input_is_an_error(string kindName)
    {
        var kind = Enum.Parse<CompressionKind>(kindName);
        var ex = Assert.Throws<CompressedFormatException>(() => CompressionFixtures.Decode(kind, Array.Empty<byte>(), 1000));
        Assert.Contains("truncated", ex.Message);
    }

    [Theory]
    [InlineData("small.l9.zlib")]
    [InlineData("small.bz2")]
    [InlineData("small.crc64.xz")]
    [InlineData("small.lzma")]
    [InlineData("text64k.known-size-no-marker.lzma")]
    public void Trailing_garbage_is_an_error(string file)
    {
        var fixture = CompressionFixtures.Get(file);
        var bytes = fixture.ReadBytes().Concat(new byte[] { 0x42, 0x5A, 0x68, 0x39, 0x01, 0x02, 0x03, 0x04 }).ToArray();

        Assert.Throws<CompressedFormatException>(() => CompressionFixtures.Decode(fixture.Kind, bytes, 1 << 20));
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    [InlineData(5)]
    public void Xz_stream_padding_must_come_in_fours(int padding)
    {
        var bytes = CompressionFixtures.Get("small.crc32.xz").ReadBytes().Concat(new byte[padding]).ToArray();

        var ex = Assert.Throws<CompressedFormatException>(() => CompressionFixtures.Decode(CompressionKind.Xz, bytes, 1 << 20));
        Assert.Contains("padding", ex.Message);
    }

    [Fact]
    public void Errors_say_where_they_are()
    {
        var bytes = CompressionFixtures.Get("small.crc64.xz").ReadBytes();
        bytes[^20] ^= 0x55; // inside the index or footer

        var ex = Assert.Throws<CompressedFormatException>(() => CompressionFixtures.Decode(CompressionKind.Xz, bytes, 1 << 20));

        Assert.NotNull(ex.Offset);
        Assert.Contains("offset", ex.Message);
        Assert.StartsWith("xz:", ex.Message);
    }

    [Fact]
    public void A_block_crc_mismatch_names_the_block()
    {
        var fixture = CompressionFixtures.Get("small.bz2");
        var bytes = fixture.ReadBytes();
        bytes[10] ^= 0x01; // first byte of the stored block CRC

        var ex = Assert.Throws<CompressedFormatException>(() => CompressionFixtures.Decode(fixture.Kind, bytes, 1 << 20));

        Assert.Contains("block CRC", ex.Message);
        Assert.Equal(4, ex.Offset);
    }

    private static IEnumerable<int> CutPoints(int length)
    {
        if (length <= 4096)
        {
            return Enumerable.Range(0, length);
        }

        // Large fixtures (each case decodes up to 1 MB): the headers densely, the data at 24 spread points, the end
        // densely. The small fixtures above cover every cut point of the same trailers.
        var step = (length - 56) / 24;
        return Enumerable.Range(0, 40)
            .Concat(Enumerable.Range(0, 24).Select(i => 40 + (i * step)))
            .Concat(Enumerable.Range(length - 16, 16))
            .Where(c => c >= 0 && c < length)
            .Distinct()
            .OrderBy(c => c);
    }
}
