using System;
using System.IO;
using System.Linq;
using ModelGuard.Engine.IO;
using ModelGuard.Engine.Formats.Zip;
using ModelGuard.TestSupport;
using static ModelGuard.Engine.Tests.Formats.Zip.ZipTestData;

namespace ModelGuard.Engine.Tests.Formats.Zip;

/// <summary>The zip files of the picklescan test suite, real archives written by Python's zipfile, 7-Zip and torch.</summary>
public class ZipPeerCorpusTests
{
    private const string Corpus = "picklescan";

    private static FileStream OpenFile(string name) => File.OpenRead(PeerCorpora.File(Corpus, name));

    public static TheoryData<string> ZipFiles()
    {
        var data = new TheoryData<string>();
        var files = System.IO.Directory.GetFiles(PeerCorpora.Directory(Corpus), "*.zip").Select(Path.GetFileName).OrderBy(n => n, StringComparer.Ordinal).ToArray();
        Assert.True(files.Length >= 7, $"expected the picklescan zip files, found {files.Length}");
        foreach (var file in files)
        {
            data.Add(file!);
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(ZipFiles))]
    public void EveryCorpusZip_ListsAndOpensItsMembers(string file)
    {
        using var archive = OpenFile(file);

        var directory = ZipCentralDirectory.Read(archive);

        Assert.NotEmpty(directory.Entries);
        Assert.Equal(0, directory.PrefixLength);
        foreach (var entry in directory.Entries)
        {
            var content = ReadEntry(archive, entry);
            Assert.Equal(entry.CompressedSize, content.Length);
            Assert.NotNull(entry.LocalName);
        }
    }

    [Theory]
    [InlineData("malicious1.zip", "data.pkl", 0)]
    [InlineData("malicious1_wrong_ext.zip", "data.txt", 0)]
    [InlineData("malicious1_0x1.zip", "model/config.pkl", 0x1)]
    [InlineData("malicious1_0x20.zip", "model/config.pkl", 0x20)]
    [InlineData("malicious1_0x40.zip", "model/config.pkl", 0x40)]
    public void MaliciousZips_YieldTheirPickleEvenWithOddFlags(string file, string member, int flags)
    {
        using var archive = OpenFile(file);
        var entry = Assert.Single(ZipCentralDirectory.Read(archive).Entries);

        var content = ReadEntry(archive, entry);

        Assert.Equal(member, entry.Name);
        Assert.Equal(flags, entry.GeneralPurposeFlags);
        Assert.Equal((flags & 1) != 0, entry.IsEncrypted);
        Assert.Equal(51, content.Length);
        Assert.Equal(new byte[] { 0x80, 0x04 }, content.AsSpan(0, 2).ToArray());
        Assert.Equal((byte)'.', content[^1]);
        Assert.Contains("builtins", System.Text.Encoding.ASCII.GetString(content), StringComparison.Ordinal);
    }

    [Fact]
    public void CentralDirectoryNameDifferingFromLocalName_IsRecorded()
    {
        using var archive = OpenFile("malicious1_central_directory.zip");
        var entry = Assert.Single(ZipCentralDirectory.Read(archive).Entries);

        var content = ReadEntry(archive, entry);

        Assert.Equal("data.pkl", entry.Name);
        Assert.Equal("datap.kl", entry.LocalName);
        Assert.Equal(51, content.Length);
    }

    [Fact]
    public void PasswordProtectedZip_IsEncryptedAndOpensRaw()
    {
        using var archive = OpenFile("benign_password_protected.zip");
        var entry = Assert.Single(ZipCentralDirectory.Read(archive).Entries);

        Assert.Equal("test.txt", entry.Name);
        Assert.True(entry.IsEncrypted);
        Assert.Equal(15, entry.UncompressedSize);
        Assert.Equal(27, ReadEntry(archive, entry).Length); // 12-byte ZipCrypto header + 15 bytes
    }

    [Fact]
    public void RealTorchZip_ListsMembersAndReadsThemThroughThePaddedLocalExtra()
    {
        using var archive = OpenFile("new_pytorch_model.bin");

        var directory = ZipCentralDirectory.Read(archive);

        Assert.Equal(new[] { "archive/data.pkl", "archive/data/0", "archive/version" }, directory.Entries.Select(e => e.Name));
        Assert.All(directory.Entries, e => Assert.Equal(0, e.CompressionMethod));
        Assert.All(directory.Entries, e => Assert.Equal(0x0808, e.GeneralPurposeFlags));
        Assert.Equal(new long[] { 0, 234, 384 }, directory.Entries.Select(e => e.LocalHeaderOffset));

        var pickle = ReadEntry(archive, directory.Entries[0]);
        Assert.Equal(154, pickle.Length);
        Assert.Equal(new byte[] { 0x80, 0x02 }, pickle.AsSpan(0, 2).ToArray());
        Assert.Equal((byte)'.', pickle[^1]);
        Assert.Equal(0, directory.Entries[0].DataOffset % 64); // torch aligns member data to 64 bytes

        var tensor = ReadEntry(archive, directory.Entries[1]);
        Assert.Equal(48, tensor.Length);
        Assert.Equal(1.0f, BitConverter.ToSingle(tensor, 0));
        Assert.Equal(0, directory.Entries[1].DataOffset % 64);

        Assert.Equal(Text("3\n"), ReadEntry(archive, directory.Entries[2]));
        Assert.All(directory.Entries, e => Assert.Equal(e.Name, e.LocalName));
        Assert.Equal(Crc32.Compute(pickle), directory.Entries[0].Crc32);
    }

    [Theory]
    [InlineData("bad_pytorch.pt")]
    [InlineData("pytorch_model.bin")]
    [InlineData("malicious1.7z")]
    [InlineData("not_a_pickle.bin")]
    [InlineData("pytorch_magic_bypass.pt")]
    [InlineData("malicious0.pkl")]
    public void NonZipFiles_ThrowZipFormatException(string file)
    {
        using var archive = OpenFile(file);

        Assert.Throws<ZipFormatException>(() => ZipCentralDirectory.Read(archive));
    }
}
