using System;
using System.Buffers.Binary;
using System.Text;
using ModelGuard.Engine.Scanning;

namespace ModelGuard.Engine.Tests.Scanning;

public sealed class ContentSnifferTests
{
    [Theory]
    [InlineData("504B0304", ContentFormat.Zip)]
    [InlineData("504B0506", ContentFormat.Zip)]
    [InlineData("377ABCAF271C", ContentFormat.SevenZip)]
    [InlineData("1F8B08", ContentFormat.Gzip)]
    [InlineData("425A6839", ContentFormat.Bzip2)]
    [InlineData("FD377A585A00", ContentFormat.Xz)]
    [InlineData("934E554D5059", ContentFormat.Numpy)]
    [InlineData("8002", ContentFormat.Pickle)]
    [InlineData("8005", ContentFormat.Pickle)]
    [InlineData("89504E470D0A1A0A", ContentFormat.Pickle)] // NEWFALSE PERSID...: only a trial decode rules a PNG out
    [InlineData("7B7D", ContentFormat.Unknown)]
    [InlineData("", ContentFormat.Unknown)]
    public void Sniffs_by_magic(string hex, ContentFormat expected)
        => Assert.Equal(expected, ContentSniffer.Sniff(Convert.FromHexString(hex), null).Format);

    [Fact]
    public void Pickles_without_a_protocol_header_need_confirmation()
    {
        Assert.True(ContentSniffer.Sniff(Encoding.ASCII.GetBytes("cos\nsystem\n"), null).NeedsConfirmation);
        Assert.False(ContentSniffer.Sniff(new byte[] { 0x80, 0x04, 0x95 }, null).NeedsConfirmation);
    }

    [Fact]
    public void A_safetensors_header_length_that_starts_with_0x80_0x02_is_not_a_pickle()
    {
        var head = new byte[16];
        BinaryPrimitives.WriteUInt64LittleEndian(head, 640); // 0x80 0x02 0 0 0 0 0 0
        head[8] = (byte)'{';
        Assert.Equal(ContentFormat.Safetensors, ContentSniffer.Sniff(head, 640 + 8 + 64).Format);
    }

    [Fact]
    public void A_header_length_beyond_the_file_is_not_safetensors()
    {
        var head = new byte[16];
        BinaryPrimitives.WriteUInt64LittleEndian(head, 1_000_000);
        head[8] = (byte)'{';
        Assert.NotEqual(ContentFormat.Safetensors, ContentSniffer.Sniff(head, 100).Format);
    }
}
