using System;
using System.IO;
using ModelGuard.Engine.Formats.Compression;

namespace ModelGuard.Engine.Tests.Formats.Compression;

public class DecoderStreamContractTests
{
    [Theory]
    [InlineData("small.l9.zlib")]
    [InlineData("small.bz2")]
    [InlineData("small.crc64.xz")]
    [InlineData("small.lzma")]
    public void Streams_are_read_only_and_forward_only(string file)
    {
        var fixture = CompressionFixtures.Get(file);
        using var stream = Decompressors.Open(fixture.Kind, new MemoryStream(fixture.ReadBytes()), 1 << 20);

        Assert.True(stream.CanRead);
        Assert.False(stream.CanSeek);
        Assert.False(stream.CanWrite);
        Assert.Throws<NotSupportedException>(() => stream.Length);
        Assert.Throws<NotSupportedException>(() => stream.Seek(0, SeekOrigin.Begin));
        Assert.Throws<NotSupportedException>(() => stream.Position = 0);
        Assert.Throws<NotSupportedException>(() => stream.Write(new byte[1], 0, 1));
        Assert.Throws<NotSupportedException>(() => stream.SetLength(0));

        var first = stream.ReadByte();
        Assert.True(first >= 0);
        Assert.Equal(1, stream.Position);
        stream.CopyTo(Stream.Null);
        Assert.Equal(fixture.Length, stream.Position);
    }

    [Fact]
    public void Disposing_disposes_the_compressed_stream_unless_asked_not_to()
    {
        var bytes = CompressionFixtures.Get("small.bz2").ReadBytes();
        var owned = new MemoryStream(bytes);
        Decompressors.Open(CompressionKind.Bzip2, owned, 1 << 20).Dispose();
        Assert.Throws<ObjectDisposedException>(() => owned.ReadByte());

        var kept = new MemoryStream(bytes);
        var stream = Decompressors.Open(CompressionKind.Bzip2, kept, 1 << 20, leaveOpen: true);
        stream.Dispose();
        Assert.Equal(bytes[0], kept.ReadByte());
        Assert.Throws<ObjectDisposedException>(() => stream.ReadByte());
        Assert.False(stream.CanRead);
    }

    [Fact]
    public void Arguments_are_checked()
    {
        using var stream = Decompressors.Open(CompressionKind.Xz, new MemoryStream(), 10);
        Assert.Throws<ArgumentNullException>(() => stream.Read(null!, 0, 1));
        Assert.Throws<ArgumentOutOfRangeException>(() => stream.Read(new byte[4], 3, 2));
        Assert.Equal(0, stream.Read(new byte[4], 0, 0));
        Assert.Throws<ArgumentOutOfRangeException>(() => Decompressors.Open(CompressionKind.Xz, new MemoryStream(), -1));
        Assert.Throws<ArgumentOutOfRangeException>(() => Decompressors.Open((CompressionKind)42, new MemoryStream(), 10));
        Assert.Throws<ArgumentNullException>(() => Decompressors.Open(CompressionKind.Zlib, null!, 10));
    }

    [Fact]
    public void Nothing_is_read_before_the_first_read()
    {
        var input = new MemoryStream(new byte[] { 1, 2, 3 });
        using var stream = Decompressors.Open(CompressionKind.LzmaAlone, input, 10, leaveOpen: true);

        Assert.Equal(0, input.Position);
    }

    [Fact]
    public void A_zero_limit_accepts_empty_output_only()
    {
        Assert.Empty(CompressionFixtures.Decode(CompressionKind.Xz, CompressionFixtures.Get("empty.xz").ReadBytes(), 0));
        var ex = Assert.Throws<CompressedFormatException>(() => CompressionFixtures.Decode(CompressionKind.Xz, CompressionFixtures.Get("small.crc32.xz").ReadBytes(), 0));
        Assert.True(ex.OutputLimitExceeded);
    }
}
