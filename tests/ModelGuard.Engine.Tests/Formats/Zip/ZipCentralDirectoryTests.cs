using System.IO;
using System.IO.Compression;
using System.Linq;
using ModelGuard.Engine.IO;
using ModelGuard.Engine.Formats.Zip;
using ModelGuard.TestSupport;
using static ModelGuard.Engine.Tests.Formats.Zip.ZipTestData;

namespace ModelGuard.Engine.Tests.Formats.Zip;

public class ZipCentralDirectoryTests
{
    [Fact]
    public void SystemZip_ListsStoredAndDeflateEntriesWithNamesSizesAndContent()
    {
        var small = Text("hello zip");
        var large = Pattern(300_000);
        var unicode = Text("naïve ✓");
        var bytes = SystemZip(
            ("a.txt", small, CompressionLevel.NoCompression),
            ("dir/b.bin", large, CompressionLevel.Optimal),
            ("empty", new byte[0], CompressionLevel.NoCompression),
            ("dossier/été.txt", unicode, CompressionLevel.Optimal));
        using var archive = new MemoryStream(bytes, writable: false);

        var directory = ZipCentralDirectory.Read(archive);

        Assert.Equal(new[] { "a.txt", "dir/b.bin", "empty", "dossier/été.txt" }, directory.Entries.Select(e => e.Name));
        Assert.Equal(0, directory.PrefixLength);
        Assert.False(directory.IsZip64);

        var a = directory.Entries[0];
        Assert.Equal(0, a.CompressionMethod);
        Assert.Equal(small.Length, a.UncompressedSize);
        Assert.Equal(small.Length, a.CompressedSize);
        Assert.Equal(Crc32.Compute(small), a.Crc32);
        Assert.Equal(0, a.LocalHeaderOffset);
        Assert.False(a.IsEncrypted);
        Assert.Null(a.LocalName);

        var b = directory.Entries[1];
        Assert.Equal(8, b.CompressionMethod);
        Assert.Equal(large.Length, b.UncompressedSize);
        Assert.True(b.CompressedSize < large.Length);
        Assert.Equal(Crc32.Compute(large), b.Crc32);

        Assert.Equal(0x0800, directory.Entries[3].GeneralPurposeFlags & 0x0800);

        Assert.Equal(small, ReadEntry(archive, a));
        Assert.Equal(large, ReadEntry(archive, b));
        Assert.Empty(ReadEntry(archive, directory.Entries[2]));
        Assert.Equal(unicode, ReadEntry(archive, directory.Entries[3]));
        Assert.Equal("a.txt", a.LocalName);
        Assert.Equal("dossier/été.txt", directory.Entries[3].LocalName);
    }

    [Fact]
    public void TorchCheckpoint_MembersAreStoredAndDataPklRoundTrips()
    {
        var pickle = TorchCheckpointWriter.StateDictPickle(new[] { "weight", "bias" });
        var bytes = TorchCheckpointWriter.Zip(pickle, storages: 2);
        using var archive = new MemoryStream(bytes, writable: false);

        var directory = ZipCentralDirectory.Read(archive);

        Assert.Equal(
            new[] { "archive/data.pkl", "archive/byteorder", "archive/data/0", "archive/data/1", "archive/version", "archive/.data/serialization_id" },
            directory.Entries.Select(e => e.Name));
        Assert.All(directory.Entries, e => Assert.Equal(0, e.CompressionMethod));
        Assert.Equal(pickle, ReadEntry(archive, Single(directory, "archive/data.pkl")));
        Assert.Equal(Text("3\n"), ReadEntry(archive, Single(directory, "archive/version")));
    }

    [Fact]
    public void EntriesCanBeReadInAnyOrderFromOneStream()
    {
        var builder = new ZipBuilder();
        builder.AddStored("one", Text("first member"));
        builder.AddDeflated("two", Pattern(10_000, seed: 2));
        builder.AddStored("three", Text("third"));
        using var archive = new MemoryStream(builder.ToArray(), writable: false);
        var directory = ZipCentralDirectory.Read(archive);

        // Interleaved reads: each member stream positions the shared archive itself.
        using var three = ZipEntryReader.Open(archive, directory.Entries[2], NoLimit);
        using var two = ZipEntryReader.Open(archive, directory.Entries[1], NoLimit);
        var firstOfThree = new byte[2];
        Assert.Equal(2, three.Read(firstOfThree, 0, 2));
        var allOfTwo = ReadAll(two, chunk: 97);
        var restOfThree = ReadAll(three);

        Assert.Equal(Text("third"), Concat(firstOfThree, restOfThree));
        Assert.Equal(Pattern(10_000, seed: 2), allOfTwo);
        Assert.Equal(Text("first member"), ReadEntry(archive, directory.Entries[0]));
    }

    [Fact]
    public void DuplicateNames_AreAllListedInOrderAndEachOpensItsOwnData()
    {
        var builder = new ZipBuilder();
        builder.AddStored("archive/data.pkl", Text("benign"));
        builder.AddStored("archive/version", Text("3\n"));
        builder.AddStored("archive/data.pkl", Text("hostile"));
        var bytes = builder.ToArray();
        using var archive = new MemoryStream(bytes, writable: false);

        var directory = ZipCentralDirectory.Read(archive);

        Assert.Equal(new[] { "archive/data.pkl", "archive/version", "archive/data.pkl" }, directory.Entries.Select(e => e.Name));
        Assert.Equal(new[] { 0, 1, 2 }, directory.Entries.Select(e => e.Index));
        Assert.Equal(Text("benign"), ReadEntry(archive, directory.Entries[0]));
        Assert.Equal(Text("hostile"), ReadEntry(archive, directory.Entries[2]));
    }

    [Fact]
    public void DataBeforeTheZip_IsMeasuredAndEntriesStayReadable()
    {
        var prefix = new PickleWriter().Proto(2).CallWithString("os", "system", "echo polyglot").Stop().ToArray();
        var builder = new ZipBuilder { Prefix = prefix };
        builder.AddStored("archive/data.pkl", Text("stored member"));
        builder.AddDeflated("archive/data/0", Pattern(5000));
        using var archive = new MemoryStream(builder.ToArray(), writable: false);

        var directory = ZipCentralDirectory.Read(archive);

        Assert.Equal(prefix.Length, directory.PrefixLength);
        Assert.Equal(prefix.Length, directory.Entries[0].LocalHeaderOffset);
        Assert.Equal(Text("stored member"), ReadEntry(archive, directory.Entries[0]));
        Assert.Equal(Pattern(5000), ReadEntry(archive, directory.Entries[1]));
    }

    [Fact]
    public void DataBeforeASystemZip_IsMeasuredAndEntriesStayReadable()
    {
        var prefix = Pattern(12_345, seed: 9);
        var zip = SystemZip(("x/data.pkl", Text("payload"), CompressionLevel.Optimal), ("x/y", Pattern(100), CompressionLevel.NoCompression));
        using var archive = new MemoryStream(Concat(prefix, zip), writable: false);

        var directory = ZipCentralDirectory.Read(archive);

        Assert.Equal(prefix.Length, directory.PrefixLength);
        Assert.Equal(Text("payload"), ReadEntry(archive, directory.Entries[0]));
        Assert.Equal(Pattern(100), ReadEntry(archive, directory.Entries[1]));
    }

    [Fact]
    public void DataBeforeTheZipWithAdjustedOffsets_HasNoPrefix()
    {
        var builder = new ZipBuilder { Prefix = Pattern(777), OffsetsIncludePrefix = true };
        builder.AddStored("m", Text("member"));
        using var archive = new MemoryStream(builder.ToArray(), writable: false);

        var directory = ZipCentralDirectory.Read(archive);

        Assert.Equal(0, directory.PrefixLength);
        Assert.Equal(777, directory.Entries[0].LocalHeaderOffset);
        Assert.Equal(Text("member"), ReadEntry(archive, directory.Entries[0]));
    }

    [Fact]
    public void GapBetweenDirectoryAndEndRecord_IsNotMistakenForAPrefix()
    {
        var builder = new ZipBuilder { GapBeforeEndRecord = Pattern(40) };
        builder.AddStored("m", Text("member"));
        using var archive = new MemoryStream(builder.ToArray(), writable: false);

        var directory = ZipCentralDirectory.Read(archive);

        Assert.Equal(0, directory.PrefixLength);
        Assert.Equal(Text("member"), ReadEntry(archive, directory.Entries[0]));
    }

    [Fact]
    public void ArchiveComment_IsSkippedWhenLocatingTheEndRecord()
    {
        var builder = new ZipBuilder { Comment = Pattern(65_535) };
        builder.AddStored("m", Text("member"));

        var directory = Directory(builder.ToArray());

        Assert.Equal("m", Assert.Single(directory.Entries).Name);
    }

    [Fact]
    public void EmptyArchive_HasNoEntries()
    {
        var directory = Directory(new ZipBuilder().ToArray());

        Assert.Empty(directory.Entries);
        Assert.Equal(0, directory.PrefixLength);
    }

    [Fact]
    public void NamesWithoutTheUtf8Flag_AreDecodedAsCodePage437()
    {
        var builder = new ZipBuilder();
        var entry = builder.AddStored("ignored", Text("x"));
        entry.NameBytes = new byte[] { (byte)'c', 0x82, (byte)'t', 0xE9 }; // 0x82 = é, 0xE9 = Θ in CP437

        var directory = Directory(builder.ToArray());

        Assert.Equal("c\u00E9t\u0398", directory.Entries[0].Name);
    }

    [Fact]
    public void MoreRecordsThanTheEndRecordCounts_AreAllListed()
    {
        // miniz (torch) reads the counted records, Python's zipfile reads all of them: a scanner must see both.
        var builder = new ZipBuilder { EntryCountOverride = 1 };
        builder.AddStored("seen-by-everyone", Text("a"));
        builder.AddStored("seen-by-python", Text("b"));

        var directory = Directory(builder.ToArray());

        Assert.Equal(new[] { "seen-by-everyone", "seen-by-python" }, directory.Entries.Select(e => e.Name));
    }
}
