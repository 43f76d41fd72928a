using System;
using System.IO;
using ModelGuard.Engine.Formats.Zip;
using ModelGuard.TestSupport;
using static ModelGuard.Engine.Tests.Formats.Zip.ZipTestData;

namespace ModelGuard.Engine.Tests.Formats.Zip;

public class ZipEntryReaderTests
{
    [Fact]
    public void EncryptedFlag_EntryIsOpenedRaw()
    {
        // torch ignores the encryption flag, so attackers set it to hide a pickle; the reader hands back the bytes.
        var builder = new ZipBuilder();
        builder.AddStored("model/config.pkl", Text("plain pickle bytes")).Flags = 0x0001;
        using var archive = new MemoryStream(builder.ToArray(), writable: false);
        var entry = ZipCentralDirectory.Read(archive).Entries[0];

        Assert.True(entry.IsEncrypted);
        Assert.Equal(Text("plain pickle bytes"), ReadEntry(archive, entry));
    }

    [Fact]
    public void AesMethod_IsEncryptedAndUnsupported()
    {
        var builder = new ZipBuilder();
        builder.AddStored("secret", Text("ciphertext")).Method = 99;
        using var archive = new MemoryStream(builder.ToArray(), writable: false);
        var entry = ZipCentralDirectory.Read(archive).Entries[0];

        Assert.True(entry.IsEncrypted);
        var error = Assert.Throws<NotSupportedException>(() => ZipEntryReader.Open(archive, entry, NoLimit));
        Assert.Contains("99", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void UnsupportedMethod_ThrowsNotSupportedNamingTheMethod()
    {
        var builder = new ZipBuilder();
        builder.AddStored("data.pkl", Text("BZh9 not really")).Method = 12;
        using var archive = new MemoryStream(builder.ToArray(), writable: false);
        var entry = ZipCentralDirectory.Read(archive).Entries[0];

        var error = Assert.Throws<NotSupportedException>(() => ZipEntryReader.Open(archive, entry, NoLimit));

        Assert.Contains("method 12", error.Message, StringComparison.Ordinal);
        Assert.Contains("bzip2", error.Message, StringComparison.Ordinal);
        Assert.Equal("data.pkl", entry.LocalName); // the local header was still read
    }

    [Fact]
    public void LocalNameDifferentFromCentralName_IsRecorded()
    {
        var builder = new ZipBuilder();
        var member = builder.AddStored("data.pkl", Text("payload"));
        member.LocalName = "datap.kl";
        member.LocalMethod = 8;
        member.LocalFlags = 0x0008;
        using var archive = new MemoryStream(builder.ToArray(), writable: false);
        var entry = ZipCentralDirectory.Read(archive).Entries[0];
        Assert.Null(entry.LocalName);
        Assert.Null(entry.DataOffset);

        var content = ReadEntry(archive, entry);

        Assert.Equal("data.pkl", entry.Name);
        Assert.Equal("datap.kl", entry.LocalName);
        Assert.Equal((ushort)8, entry.LocalCompressionMethod);
        Assert.Equal((ushort)0x0008, entry.LocalGeneralPurposeFlags);
        Assert.Equal(Text("payload"), content); // the central method (stored) decides, as in torch
    }

    [Fact]
    public void DataStart_ComesFromTheLocalExtraLength()
    {
        // PyTorch pads the local extra field ("FB" block of 'Z') so tensor data is 64-byte aligned; the central extra is empty.
        var builder = new ZipBuilder();
        var padding = new byte[4 + 40];
        padding[0] = (byte)'F';
        padding[1] = (byte)'B';
        padding[2] = 40;
        padding.AsSpan(4).Fill((byte)'Z');
        builder.AddStored("archive/data/0", Pattern(64)).LocalExtra = padding;
        using var archive = new MemoryStream(builder.ToArray(), writable: false);
        var entry = ZipCentralDirectory.Read(archive).Entries[0];

        Assert.Equal(Pattern(64), ReadEntry(archive, entry));
        Assert.Equal(30 + "archive/data/0".Length + padding.Length, entry.DataOffset);
    }

    [Fact]
    public void StoredWindow_IsReadOnlySeekableAndBounded()
    {
        var builder = new ZipBuilder();
        builder.AddStored("first", Text("0123456789"));
        builder.AddStored("second", Text("NEIGHBOUR"));
        using var archive = new MemoryStream(builder.ToArray(), writable: false);
        var entry = ZipCentralDirectory.Read(archive).Entries[0];

        using var window = ZipEntryReader.Open(archive, entry, NoLimit);

        Assert.True(window.CanRead);
        Assert.True(window.CanSeek);
        Assert.False(window.CanWrite);
        Assert.Equal(10, window.Length);
        Assert.Throws<NotSupportedException>(() => window.Write(new byte[1], 0, 1));
        Assert.Throws<NotSupportedException>(() => window.WriteByte(1));
        Assert.Throws<NotSupportedException>(() => window.SetLength(3));

        var buffer = new byte[100];
        Assert.Equal(10, window.Read(buffer, 0, 100)); // never reads into the neighbour
        Assert.Equal(0, window.Read(buffer, 0, 100));
        Assert.Equal(-1, window.ReadByte());

        window.Seek(-3, SeekOrigin.End);
        Assert.Equal('7', window.ReadByte());
        window.Position = 2;
        Assert.Equal(3, window.Read(buffer, 0, 3));
        Assert.Equal(Text("234"), buffer.AsSpan(0, 3).ToArray());
        Assert.Throws<IOException>(() => window.Seek(-1, SeekOrigin.Begin));
    }

    [Fact]
    public void DeflateStream_IsReadOnlyAndForwardOnly()
    {
        var builder = new ZipBuilder();
        builder.AddDeflated("d", Pattern(1000));
        using var archive = new MemoryStream(builder.ToArray(), writable: false);
        var entry = ZipCentralDirectory.Read(archive).Entries[0];

        using var member = ZipEntryReader.Open(archive, entry, NoLimit);

        Assert.True(member.CanRead);
        Assert.False(member.CanSeek);
        Assert.False(member.CanWrite);
        Assert.Throws<NotSupportedException>(() => member.Write(new byte[1], 0, 1));
        Assert.Throws<NotSupportedException>(() => member.Seek(0, SeekOrigin.Begin));
        var first = member.ReadByte();
        Assert.Equal(Pattern(1000)[0], first);
        Assert.Equal(1, member.Position);
        Assert.Equal(Pattern(1000).AsSpan(1).ToArray(), ReadAll(member, chunk: 13));
    }

    [Fact]
    public void DeflateBomb_StopsAtTheLimit()
    {
        const int limit = 1024 * 1024;
        var zeros = new byte[64 * 1024 * 1024];
        var builder = new ZipBuilder();
        builder.AddDeflated("bomb", zeros);
        var bytes = builder.ToArray();
        Assert.True(bytes.Length < 200_000);
        using var archive = new MemoryStream(bytes, writable: false);
        var entry = ZipCentralDirectory.Read(archive).Entries[0];

        using var member = ZipEntryReader.Open(archive, entry, limit);
        var buffer = new byte[81920];
        long total = 0;
        // A limit, not a format error: the scanner reports it as MG3020.
        var error = Assert.Throws<ModelGuard.Engine.IO.DecompressionLimitExceededException>(() =>
        {
            int read;
            while ((read = member.Read(buffer, 0, buffer.Length)) > 0)
            {
                total += read;
            }
        });

        Assert.True(total <= limit, $"read {total} bytes past the limit");
        Assert.Contains(limit.ToString(System.Globalization.CultureInfo.InvariantCulture), error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void DeflateMember_ExactlyAtTheLimit_IsReadWhole()
    {
        var content = Pattern(50_000);
        var builder = new ZipBuilder();
        builder.AddDeflated("exact", content);
        using var archive = new MemoryStream(builder.ToArray(), writable: false);
        var entry = ZipCentralDirectory.Read(archive).Entries[0];

        Assert.Equal(content, ReadEntry(archive, entry, limit: content.Length));
        Assert.Throws<ModelGuard.Engine.IO.DecompressionLimitExceededException>(() => ReadEntry(archive, entry, limit: content.Length - 1));
    }

    [Fact]
    public void DeflateMemberLyingAboutItsSize_IsCappedByTheLimitNotTheDeclaredSize()
    {
        var builder = new ZipBuilder();
        var member = builder.AddDeflated("liar", new byte[4 * 1024 * 1024]);
        member.UncompressedSize = 10;
        using var archive = new MemoryStream(builder.ToArray(), writable: false);
        var entry = ZipCentralDirectory.Read(archive).Entries[0];

        Assert.Equal(4 * 1024 * 1024, ReadEntry(archive, entry).Length);
        Assert.Throws<ModelGuard.Engine.IO.DecompressionLimitExceededException>(() => ReadEntry(archive, entry, limit: 1024));
    }

    [Fact]
    public void CorruptDeflateData_ThrowsZipFormatException()
    {
        var builder = new ZipBuilder();
        var member = builder.AddDeflated("corrupt", Pattern(1000));
        member.Payload = new byte[] { 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF };
        using var archive = new MemoryStream(builder.ToArray(), writable: false);
        var entry = ZipCentralDirectory.Read(archive).Entries[0];

        var error = Assert.Throws<ZipFormatException>(() => ReadEntry(archive, entry));

        Assert.IsType<InvalidDataException>(error.InnerException);
    }

    [Fact]
    public void MissingLocalHeaderSignature_ThrowsZipFormatExceptionWithTheOffset()
    {
        var builder = new ZipBuilder();
        builder.AddStored("a", Text("aaaa"));
        builder.AddStored("b", Text("bbbb")).LocalHeaderOffsetOverride = 3;
        using var archive = new MemoryStream(builder.ToArray(), writable: false);
        var entry = ZipCentralDirectory.Read(archive).Entries[1];

        var error = Assert.Throws<ZipFormatException>(() => ZipEntryReader.Open(archive, entry, NoLimit));

        Assert.Contains("offset 3", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void LocalHeaderOffsetPastTheEnd_ThrowsZipFormatException()
    {
        var builder = new ZipBuilder();
        builder.AddStored("a", Text("aaaa")).LocalHeaderOffsetOverride = 0x7FFF_0000;
        using var archive = new MemoryStream(builder.ToArray(), writable: false);
        var entry = ZipCentralDirectory.Read(archive).Entries[0];

        var error = Assert.Throws<ZipFormatException>(() => ZipEntryReader.Open(archive, entry, NoLimit));

        Assert.Contains((0x7FFF_0000).ToString(System.Globalization.CultureInfo.InvariantCulture), error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void CompressedSizePastTheEnd_ThrowsZipFormatException()
    {
        var builder = new ZipBuilder();
        builder.AddStored("a", Text("aaaa")).CompressedSizeOverride = 1_000_000;
        using var archive = new MemoryStream(builder.ToArray(), writable: false);
        var entry = ZipCentralDirectory.Read(archive).Entries[0];

        var error = Assert.Throws<ZipFormatException>(() => ZipEntryReader.Open(archive, entry, NoLimit));

        Assert.Contains("1000000", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Arguments_AreValidated()
    {
        var builder = new ZipBuilder();
        builder.AddStored("a", Text("a"));
        using var archive = new MemoryStream(builder.ToArray(), writable: false);
        var entry = ZipCentralDirectory.Read(archive).Entries[0];

        Assert.Throws<ArgumentNullException>(() => ZipEntryReader.Open(null!, entry, NoLimit));
        Assert.Throws<ArgumentNullException>(() => ZipEntryReader.Open(archive, null!, NoLimit));
        Assert.Throws<ArgumentOutOfRangeException>(() => ZipEntryReader.Open(archive, entry, -1));
        Assert.Throws<ArgumentNullException>(() => ZipCentralDirectory.Read(null!));
    }
}
