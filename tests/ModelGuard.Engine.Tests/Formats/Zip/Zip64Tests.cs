using System;
using System.IO;
using System.Linq;
using ModelGuard.Engine.Formats.Zip;
using ModelGuard.TestSupport;
using static ModelGuard.Engine.Tests.Formats.Zip.ZipTestData;

namespace ModelGuard.Engine.Tests.Formats.Zip;

public class Zip64Tests
{
    private static ZipBuilder Builder(byte[]? prefix = null)
    {
        var builder = new ZipBuilder { Zip64 = true, Prefix = prefix ?? Array.Empty<byte>() };
        builder.AddStored("archive/data.pkl", Text("zip64 stored"));
        builder.AddDeflated("archive/data/0", Pattern(20_000));
        builder.AddStored("archive/version", Text("3\n"));
        return builder;
    }

    [Fact]
    public void Zip64Archive_TakesSizesAndOffsetsFromTheZip64Records()
    {
        var bytes = Builder().ToArray();
        using var archive = new MemoryStream(bytes, writable: false);

        var directory = ZipCentralDirectory.Read(archive);

        Assert.True(directory.IsZip64);
        Assert.Equal(0, directory.PrefixLength);
        Assert.Equal(new[] { "archive/data.pkl", "archive/data/0", "archive/version" }, directory.Entries.Select(e => e.Name));
        var pkl = directory.Entries[0];
        Assert.Equal(12, pkl.UncompressedSize);
        Assert.Equal(12, pkl.CompressedSize);
        Assert.Equal(0, pkl.LocalHeaderOffset);
        var data = directory.Entries[1];
        Assert.Equal(20_000, data.UncompressedSize);
        Assert.True(data.CompressedSize is > 0 and < 20_000);
        Assert.True(data.LocalHeaderOffset > pkl.LocalHeaderOffset);

        Assert.Equal(Text("zip64 stored"), ReadEntry(archive, pkl));
        Assert.Equal(Pattern(20_000), ReadEntry(archive, data));
        Assert.Equal(Text("3\n"), ReadEntry(archive, directory.Entries[2]));
    }

    [Fact]
    public void Zip64Archive_WithDataInFront_IsMeasuredAndReadable()
    {
        var prefix = Pattern(4321, seed: 5);
        using var archive = new MemoryStream(Builder(prefix).ToArray(), writable: false);

        var directory = ZipCentralDirectory.Read(archive);

        Assert.True(directory.IsZip64);
        Assert.Equal(prefix.Length, directory.PrefixLength);
        Assert.Equal(prefix.Length, directory.Entries[0].LocalHeaderOffset);
        Assert.Equal(Text("zip64 stored"), ReadEntry(archive, directory.Entries[0]));
        Assert.Equal(Pattern(20_000), ReadEntry(archive, directory.Entries[1]));
    }

    [Fact]
    public void SaturatedFieldsWithoutZip64Extra_ThrowZipFormatException()
    {
        var builder = Builder();
        builder.Entries[1].OmitZip64Extra = true;

        var error = Assert.Throws<ZipFormatException>(() => Directory(builder.ToArray()));

        Assert.Contains("zip64 extra field", error.Message, StringComparison.Ordinal);
        Assert.Contains("#1", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void HugeZip64EntryCount_ThrowsZipFormatExceptionWithoutAllocating()
    {
        var builder = Builder();
        builder.EntryCountOverride = 1L << 40;

        var error = Assert.Throws<ZipFormatException>(() => Directory(builder.ToArray()));

        Assert.Contains((1L << 40).ToString(System.Globalization.CultureInfo.InvariantCulture), error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Zip64DirectoryOffsetBeyondAnyStream_ThrowsZipFormatException()
    {
        var builder = Builder();
        builder.DirectoryOffsetOverride = -1; // 0xFFFFFFFFFFFFFFFF on disk

        var error = Assert.Throws<ZipFormatException>(() => Directory(builder.ToArray()));

        Assert.Contains(ulong.MaxValue.ToString(System.Globalization.CultureInfo.InvariantCulture), error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Zip64LocatorPointingNowhere_ThrowsZipFormatException()
    {
        var bytes = Builder().ToArray();
        var record = bytes.AsSpan().LastIndexOf(Text("PK\u0006\u0006"));
        bytes[record + 3] = 0; // break the zip64 end record's signature

        var error = Assert.Throws<ZipFormatException>(() => Directory(bytes));

        Assert.Contains("zip64", error.Message, StringComparison.Ordinal);
    }
}
