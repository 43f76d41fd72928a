using System;
using System.IO;
using System.IO.Compression;
using ModelGuard.Engine.Formats.Zip;
using ModelGuard.TestSupport;
using static ModelGuard.Engine.Tests.Formats.Zip.ZipTestData;

namespace ModelGuard.Engine.Tests.Formats.Zip;

public class ZipMalformedArchiveTests
{
    private static byte[] SmallArchive(bool zip64 = false)
    {
        var builder = new ZipBuilder { Zip64 = zip64, Comment = Text("comment") };
        builder.AddStored("archive/data.pkl", Text("stored member bytes"));
        builder.AddDeflated("archive/data/0", Pattern(300));
        return builder.ToArray();
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void EveryTruncation_ThrowsZipFormatException(bool zip64)
    {
        var bytes = SmallArchive(zip64);
        for (var length = 0; length < bytes.Length; length++)
        {
            var truncated = bytes.AsSpan(0, length).ToArray();
            try
            {
                var directory = Directory(truncated);

                // Only a cut inside the archive comment can leave a readable directory.
                Assert.True(length >= bytes.Length - "comment".Length, $"truncated to {length} bytes, the directory still read");
                Assert.Equal(2, directory.Entries.Count);
            }
            catch (ZipFormatException)
            {
            }
        }
    }

    [Fact]
    public void TruncatedSystemZip_ThrowsZipFormatException()
    {
        var bytes = SystemZip(("a", Pattern(5000), CompressionLevel.Optimal), ("b", Pattern(5000, 3), CompressionLevel.NoCompression));
        foreach (var length in new[] { 0, 1, 4, 21, 22, 100, bytes.Length / 2, bytes.Length - 23, bytes.Length - 22, bytes.Length - 1 })
        {
            Assert.Throws<ZipFormatException>(() => Directory(bytes.AsSpan(0, length).ToArray()));
        }
    }

    [Fact]
    public void NotAZip_ThrowsZipFormatExceptionSayingSo()
    {
        var error = Assert.Throws<ZipFormatException>(() => Directory(Pattern(100_000)));

        Assert.Contains("No end of central directory record", error.Message, StringComparison.Ordinal);
        Assert.Contains("65557", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void BogusEndRecord_DeclaringEntriesWithoutADirectory_ThrowsZipFormatException()
    {
        var end = new byte[22];
        Text("PK\u0005\u0006").CopyTo(end, 0);
        end[10] = 5; // 5 entries, directory of 0 bytes at offset 0
        var error = Assert.Throws<ZipFormatException>(() => Directory(Concat(Pattern(100), end)));

        Assert.Contains("5 entries", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void DirectoryOffsetBeyondTheEnd_ThrowsZipFormatExceptionWithTheOffset()
    {
        var builder = new ZipBuilder { DirectoryOffsetOverride = 1_000_000 };
        builder.AddStored("a", Text("a"));

        var error = Assert.Throws<ZipFormatException>(() => Directory(builder.ToArray()));

        Assert.Contains("offset 1000000", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void DirectorySizeBeyondTheStream_ThrowsZipFormatException()
    {
        var builder = new ZipBuilder { DirectorySizeOverride = 0xFFFF_FFF0 };
        builder.AddStored("a", Text("a"));

        var error = Assert.Throws<ZipFormatException>(() => Directory(builder.ToArray()));

        Assert.Contains(0xFFFF_FFF0.ToString(System.Globalization.CultureInfo.InvariantCulture), error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void EntryCountLargerThanTheDirectoryCanHold_ThrowsZipFormatException()
    {
        var builder = new ZipBuilder { EntryCountOverride = 65_535 };
        builder.AddStored("a", Text("a"));

        var error = Assert.Throws<ZipFormatException>(() => Directory(builder.ToArray()));

        Assert.Contains("65535 entries", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void EntryCountLargerThanTheRecordsPresent_ThrowsZipFormatException()
    {
        var builder = new ZipBuilder { EntryCountOverride = 3 };
        builder.AddStored(new string('a', 100), Text("a"));
        builder.AddStored(new string('b', 100), Text("b"));

        var error = Assert.Throws<ZipFormatException>(() => Directory(builder.ToArray()));

        Assert.Contains("declares 3 entries", error.Message, StringComparison.Ordinal);
        Assert.Contains("holds only 2", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void MultiDiskArchive_ThrowsZipFormatException()
    {
        var bytes = SmallArchive();
        var end = bytes.AsSpan().LastIndexOf(Text("PK\u0005\u0006"));
        bytes[end + 4] = 1; // this disk = 1

        var error = Assert.Throws<ZipFormatException>(() => Directory(bytes));

        Assert.Contains("disk", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void UnseekableStream_IsRejected()
    {
        using var pipe = new UnseekableStream(SmallArchive());

        Assert.Throws<ArgumentException>(() => ZipCentralDirectory.Read(pipe));
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void SingleByteCorruptions_OnlyEverThrowZipFormatOrNotSupported(bool zip64)
    {
        var original = SmallArchive(zip64);
        var values = new byte[] { 0x00, 0xFF, 0x7F, 0x80 };
        for (var position = 0; position < original.Length; position++)
        {
            foreach (var value in values)
            {
                var bytes = (byte[])original.Clone();
                bytes[position] = value;
                try
                {
                    using var archive = new MemoryStream(bytes, writable: false);
                    var directory = ZipCentralDirectory.Read(archive);
                    foreach (var entry in directory.Entries)
                    {
                        try
                        {
                            ReadEntry(archive, entry, limit: 1024 * 1024);
                        }
                        catch (NotSupportedException)
                        {
                        }
                    }
                }
                catch (ZipFormatException)
                {
                }
                catch (Exception ex)
                {
                    Assert.Fail($"Byte {position} set to 0x{value:x2}: {ex.GetType().Name}: {ex.Message}");
                }
            }
        }
    }

    private sealed class UnseekableStream : MemoryStream
    {
        public UnseekableStream(byte[] bytes)
            : base(bytes, writable: false)
        {
        }

        public override bool CanSeek => false;
    }
}
