using System;
using System.Linq;
using System.Text;
using ModelGuard.Engine.Formats.Compression;

namespace ModelGuard.Engine.Tests.Formats.Compression;

public class DecompressorsSniffTests
{
    public static TheoryData<string> AllFixtures => CompressionFixtures.Names(CompressionFixtures.All);

    [Theory]
    [MemberData(nameof(AllFixtures))]
    public void Every_fixture_sniffs_as_its_kind(string file)
    {
        var fixture = CompressionFixtures.Get(file);
        var head = fixture.ReadBytes().Take(Decompressors.SniffLength).ToArray();

        Assert.True(Decompressors.TrySniff(head, out var kind), file);
        Assert.Equal(fixture.Kind, kind);
    }

    [Theory]
    [InlineData("78 9C", "Zlib")]
    [InlineData("78 01", "Zlib")]
    [InlineData("78 DA", "Zlib")]
    [InlineData("58 85", "Zlib")] // CINFO 5
    [InlineData("42 5A 68 31 31 41 59 26 53 59", "Bzip2")]
    [InlineData("42 5A 68 39 17 72 45 38 50 90", "Bzip2")] // empty stream: end-of-stream magic at once
    [InlineData("FD 37 7A 58 5A 00", "Xz")]
    [InlineData("5D 00 00 80 00 FF FF FF FF FF FF FF FF", "LzmaAlone")] // 8 MiB, unknown size
    [InlineData("5D 00 00 C0 00 10 00 00 00 00 00 00 00", "LzmaAlone")] // 12 MiB = 2^23 + 2^22, 16 bytes
    [InlineData("00 00 10 00 00 00 00 00 00 00 00 00 00", "LzmaAlone")] // lc=lp=pb=0, 4 KiB, size 0
    public void Recognises_headers(string hex, string expectedKind)
    {
        var expected = Enum.Parse<CompressionKind>(expectedKind);
        Assert.True(Decompressors.TrySniff(Convert.FromHexString(hex.Replace(" ", string.Empty)), out var kind));
        Assert.Equal(expected, kind);
    }

    [Theory]
    [InlineData("")]
    [InlineData("78")] // one byte of a zlib header
    [InlineData("78 9D")] // header check fails
    [InlineData("78 BB")] // passes the check, but FDICT is set
    [InlineData("88 98")] // CINFO 8
    [InlineData("79 DA")] // CM 9
    [InlineData("42 5A 68 30 31 41 59 26 53 59")] // level '0'
    [InlineData("42 5A 68 39 31 41 59 26 53 58")] // wrong block magic
    [InlineData("42 5A 68 39")] // too short to see the block magic
    [InlineData("FD 37 7A 58 5A")] // five of the six magic bytes
    [InlineData("FD 37 7A 58 5A 01")]
    [InlineData("E1 00 00 80 00 FF FF FF FF FF FF FF FF")] // properties byte 225
    [InlineData("5D 00 10 0C 00 FF FF FF FF FF FF FF FF")] // dictionary 0x0C1000 is not 2^n or 3 * 2^n
    [InlineData("5D 00 00 00 00 FF FF FF FF FF FF FF FF")] // dictionary 0
    [InlineData("5D 00 00 80 00 00 00 00 00 00 00 01 00")] // size 2^48
    [InlineData("5D 00 00 80 00 FF FF FF FF FF FF FF")] // twelve bytes
    [InlineData("50 4B 03 04 14 00 00 00 08 00 00 00 00")] // zip
    [InlineData("1F 8B 08 00 00 00 00 00 00 03 00 00 00")] // gzip
    [InlineData("80 04 95 1A 00 00 00 00 00 00 00 8C 08")] // pickle protocol 4
    [InlineData("80 02 63 5F 5F 62 75 69 6C 74 69 6E 5F")] // pickle protocol 2
    [InlineData("93 4E 55 4D 50 59 01 00 76 00 7B 27 64")] // .npy
    public void Rejects_other_content(string hex)
    {
        var bytes = Convert.FromHexString(hex.Replace(" ", string.Empty));
        Assert.False(Decompressors.TrySniff(bytes, out _), hex);
    }

    [Fact]
    public void Rejects_plain_text()
    {
        Assert.False(Decompressors.TrySniff(Encoding.ASCII.GetBytes("hello, world! this is text"), out _));
    }

    [Fact]
    public void The_zlib_test_is_weak_but_requires_every_header_rule()
    {
        var accepted = 0;
        for (var cmf = 0; cmf < 256; cmf++)
        {
            for (var flg = 0; flg < 256; flg++)
            {
                if (!Decompressors.TrySniff(new[] { (byte)cmf, (byte)flg }, out var kind))
                {
                    continue;
                }

                Assert.Equal(CompressionKind.Zlib, kind);
                Assert.Equal(8, cmf & 0x0F);
                Assert.True(cmf >> 4 <= 7);
                Assert.Equal(0, ((cmf << 8) | flg) % 31);
                Assert.Equal(0, flg & 0x20);
                accepted++;
            }
        }

        // 8 window sizes, 8 or 9 check values each, half of them without FDICT: 32 pairs, 1 in 2048.
        Assert.Equal(32, accepted);
    }
}
