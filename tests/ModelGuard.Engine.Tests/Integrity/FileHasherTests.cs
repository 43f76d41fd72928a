using System;
using System.IO;
using System.Security.Cryptography;
using ModelGuard.Engine.Integrity;
using ModelGuard.TestSupport;

namespace ModelGuard.Engine.Tests.Integrity;

public sealed class FileHasherTests
{
    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    [InlineData(FileHasher.BlockSize - 1)]
    [InlineData(FileHasher.BlockSize)]
    [InlineData((2 * FileHasher.BlockSize) + 17)]
    public void DigestEqualsTheRuntimesSha256AcrossBlockBoundaries(int length)
    {
        var data = new byte[length];
        new Random(length).NextBytes(data);

        var digest = FileHasher.Hash(new MemoryStream(data));

        using var sha = SHA256.Create();
        Assert.Equal(Convert.ToHexString(sha.ComputeHash(data)).ToLowerInvariant(), digest.Sha256);
        Assert.Equal(length, digest.Size);
    }

    [Fact]
    public void KnownVector() => Assert.Equal("ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad", FileHasher.Hash(new MemoryStream("abc"u8.ToArray())).Sha256);

    [Fact]
    public void ReadsInShortReadsAsWell()
    {
        var data = new byte[(3 * FileHasher.BlockSize) / 2];
        new Random(7).NextBytes(data);
        var expected = FileHasher.Hash(new MemoryStream(data)).Sha256;
        Assert.Equal(expected, FileHasher.Hash(new ForwardOnlyStream(data, maxChunk: 4093)).Sha256);
    }

    [Fact]
    public void HashesAFileWithoutChangingIt()
    {
        var path = Path.GetTempFileName();
        try
        {
            File.WriteAllBytes(path, "abc"u8.ToArray());
            var before = File.GetLastWriteTimeUtc(path);
            Assert.Equal(3, FileHasher.HashFile(path).Size);
            Assert.Equal(before, File.GetLastWriteTimeUtc(path));
        }
        finally
        {
            File.Delete(path);
        }
    }
}
