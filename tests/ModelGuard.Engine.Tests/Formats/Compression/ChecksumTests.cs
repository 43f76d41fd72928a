using System;
using System.Security.Cryptography;
using System.Text;
using ModelGuard.Engine.Formats.Compression;

namespace ModelGuard.Engine.Tests.Formats.Compression;

public class ChecksumTests
{
    private static readonly byte[] Check = Encoding.ASCII.GetBytes("123456789");

    [Fact]
    public void Crc32_matches_the_standard_check_value() => Assert.Equal(0xCBF43926u, Crc32Ieee.Compute(Check));

    [Fact]
    public void Crc32_can_continue_byte_by_byte()
    {
        uint crc = 0;
        foreach (var b in Check)
        {
            crc = Crc32Ieee.Update(crc, b);
        }

        Assert.Equal(0xCBF43926u, crc);
        Assert.Equal(0xCBF43926u, Crc32Ieee.Update(Crc32Ieee.Compute(Check.AsSpan(0, 4)), Check.AsSpan(4)));
    }

    [Fact]
    public void Crc64_matches_the_xz_check_value() => Assert.Equal(0x995DC9BBDF1939FAUL, Crc64Ecma.Compute(Check));

    [Fact]
    public void Bzip2_crc_matches_the_check_value()
    {
        Assert.Equal(0xFC891918u, ~Bzip2Crc.UpdateRegister(0xFFFFFFFF, Check));
        Assert.Equal(~Bzip2Crc.UpdateRegister(0xFFFFFFFF, new byte[] { 7, 7, 7, 7, 7 }), ~Bzip2Crc.UpdateRegister(0xFFFFFFFF, 7, 5));
    }

    [Fact]
    public void Adler32_matches_known_values()
    {
        Assert.Equal(0x11E60398u, Adler32.Update(1, Encoding.ASCII.GetBytes("Wikipedia")));
        Assert.Equal(1u, Adler32.Update(1, ReadOnlySpan<byte>.Empty));

        // Long runs of 0xFF exercise the deferred modulo.
        var ones = new byte[100_000];
        Array.Fill(ones, (byte)0xFF);
        uint a = 1, b = 0;
        foreach (var value in ones)
        {
            a = (a + value) % 65521;
            b = (b + a) % 65521;
        }

        Assert.Equal((b << 16) | a, Adler32.Update(1, ones));
    }

    [Theory]
    [InlineData(0)]
    [InlineData(3)]
    [InlineData(55)]
    [InlineData(56)]
    [InlineData(63)]
    [InlineData(64)]
    [InlineData(65)]
    [InlineData(119)]
    [InlineData(1000)]
    [InlineData(1 << 20)]
    public void Sha256_matches_the_platform(int length)
    {
        var data = new byte[length];
        new Random(length).NextBytes(data);
        var hasher = new Sha256Hasher();
        var random = new Random(length + 1);
        for (var offset = 0; offset < length;)
        {
            var n = Math.Min(length - offset, random.Next(1, 200));
            hasher.Append(data.AsSpan(offset, n));
            offset += n;
        }

        var digest = new byte[32];
        hasher.Finish(digest);

        Assert.Equal(SHA256.HashData(data), digest);
    }

    [Fact]
    public void Sha256_of_abc_is_the_fips_example()
    {
        var hasher = new Sha256Hasher();
        hasher.Append(Encoding.ASCII.GetBytes("abc"));
        var digest = new byte[32];
        hasher.Finish(digest);

        Assert.Equal("ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad", Convert.ToHexString(digest).ToLowerInvariant());
    }
}
