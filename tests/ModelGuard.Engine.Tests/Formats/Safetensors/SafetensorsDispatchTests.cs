using System;
using System.Buffers.Binary;
using System.Linq;
using ModelGuard.Engine.Rules;
using ModelGuard.Engine.Scanning;
using ModelGuard.Engine.Tests.Scanning;
using ModelGuard.TestSupport;

namespace ModelGuard.Engine.Tests.Formats.Safetensors;

/// <summary>What is validated as safetensors: sniffed content whatever its name, and by name what sniffs as nothing known.</summary>
public sealed class SafetensorsDispatchTests
{
    private static readonly byte[] EvilPickle = new PickleWriter().Proto(2).CallWithString("os", "system", "id").Stop().ToArray();

    [Fact]
    public void A_pickle_named_safetensors_is_still_analysed_as_a_pickle()
    {
        var result = ScanHelpers.Scan(EvilPickle, "model.safetensors");
        result.Single(RuleIds.DangerousImport);
        Assert.Equal(ContentFormat.Pickle, result.Format);
        Assert.DoesNotContain(result.Findings, f => f.Rule.Category == RuleCategories.Safetensors);
    }

    [Theory]
    [InlineData(new byte[0], RuleIds.SafetensorsHeaderTooSmall)]
    [InlineData(new byte[] { 1, 2, 3 }, RuleIds.SafetensorsHeaderTooSmall)]
    [InlineData(new byte[] { 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0x41 }, RuleIds.SafetensorsHeaderTooLarge)]
    [InlineData(new byte[] { 0, 0, 0, 0, 0, 0, 0, 0 }, RuleIds.SafetensorsHeaderNotJson)]
    [InlineData(new byte[] { 100, 0, 0, 0, 0, 0, 0, 0, (byte)'!' }, RuleIds.SafetensorsHeaderLengthOutOfBounds)]
    public void Garbage_named_safetensors_gets_the_precise_error(byte[] content, string id)
    {
        var result = ScanHelpers.Scan(content, "models/model.safetensors");
        Assert.Equal(id, Assert.Single(result.Findings).Rule.Id);
        Assert.Equal(ContentFormat.Safetensors, result.Format);
    }

    [Fact]
    public void Garbage_with_another_name_is_not_safetensors()
    {
        var result = ScanHelpers.Scan(new byte[] { 0, 0, 0, 0, 0, 0, 0, 0 }, "weights.bin");
        Assert.Empty(result.Findings);
    }

    [Fact]
    public void A_valid_file_is_validated_whatever_its_name()
    {
        var file = new SafetensorsWriter().Tensor("w", "F32", new long[] { 4 }, new byte[64]).ToArray();
        var result = ScanHelpers.Scan(file, "weights.bin");
        result.Single(RuleIds.SafetensorsTensorSizeMismatch);
        Assert.Equal(ContentFormat.Safetensors, result.Format);
    }

    [Fact]
    public void Binary_data_that_merely_starts_like_a_header_is_left_alone()
    {
        // An int64 tensor [5, 123, ...]: the length field is 5 and the next byte is '{'.
        var data = new byte[64];
        BinaryPrimitives.WriteInt64LittleEndian(data, 5);
        BinaryPrimitives.WriteInt64LittleEndian(data.AsSpan(8), 123);
        var zip = new ZipBuilder();
        zip.AddStored("archive/data/0", data);
        var result = ScanHelpers.Scan(zip.ToArray(), "model.pt");
        Assert.DoesNotContain(result.Findings, f => f.Rule.Category == RuleCategories.Safetensors);
    }

    [Fact]
    public void The_same_bytes_named_safetensors_are_reported()
    {
        var data = new byte[64];
        BinaryPrimitives.WriteInt64LittleEndian(data, 5);
        BinaryPrimitives.WriteInt64LittleEndian(data.AsSpan(8), 123);
        ScanHelpers.Scan(data, "model.safetensors").Single(RuleIds.SafetensorsHeaderNotJson);
    }

    [Fact]
    public void A_pickle_posing_as_a_safetensors_header_is_unpickle_checked()
    {
        // BINBYTES swallows the rest of the length field and the '{', then the real payload follows.
        var polyglot = new PickleWriter()
            .Op((byte)'B').UInt32(8)
            .Raw(new byte[] { 0, 0, 0, (byte)'{', (byte)' ', (byte)' ', (byte)' ', (byte)' ' })
            .Op((byte)'0')
            .CallWithString("os", "system", "id")
            .Stop()
            .ToArray();
        var file = new byte[0x842 + 8 + 16];
        polyglot.CopyTo(file, 0);
        Assert.Equal(ContentFormat.Safetensors, Sniff(file));

        var hidden = ScanHelpers.Scan(file, "weights.bin");
        hidden.Single(RuleIds.DangerousImport);
        Assert.Equal(ContentFormat.Pickle, hidden.Format);

        var named = ScanHelpers.Scan(file, "model.safetensors");
        named.Single(RuleIds.DangerousImport);
        named.Single(RuleIds.SafetensorsHeaderNotUtf8);
    }

    [Fact]
    public void Safetensors_members_of_archives_are_validated_stored_or_deflated()
    {
        var bad = new SafetensorsWriter().Tensor("w", "F32", 4).Trailing(new byte[5]).ToArray();
        var zip = new ZipBuilder();
        zip.AddStored("stored/model.safetensors", bad);
        zip.AddDeflated("deflated/model.safetensors", bad);
        zip.AddDeflated("deflated/garbage.safetensors", new byte[] { 1, 2, 3 });
        var result = ScanHelpers.Scan(zip.ToArray(), "bundle.zip");
        var members = result.Findings.Where(f => f.Rule.Id == RuleIds.SafetensorsIncompleteBuffer).Select(f => f.ArchiveMember).ToArray();
        Assert.Equal(new[] { "stored/model.safetensors", "deflated/model.safetensors" }, members);
        Assert.Equal("deflated/garbage.safetensors", result.Single(RuleIds.SafetensorsHeaderTooSmall).ArchiveMember);
    }

    [Fact]
    public void A_garbage_member_that_looks_like_a_protocol_0_pickle_is_validated_after_the_trial()
    {
        // 'h' is BINGET: the pickle trial fails without confirming a pickle, then the name decides.
        var garbage = System.Text.Encoding.ASCII.GetBytes("hello, this is not a model");
        var zip = new ZipBuilder();
        zip.AddDeflated("model.safetensors", garbage);
        var result = ScanHelpers.Scan(zip.ToArray(), "bundle.zip");
        Assert.Equal("model.safetensors", result.Single(RuleIds.SafetensorsHeaderTooLarge).ArchiveMember);
        ScanHelpers.Scan(garbage, "model.safetensors").Single(RuleIds.SafetensorsHeaderTooLarge);
    }

    [Fact]
    public void Offsets_and_the_file_are_named_in_findings()
    {
        var file = new SafetensorsWriter().Tensor("w", "F32", new long[] { 4 }, new byte[64]).ToArray();
        var finding = ScanHelpers.Scan(file, "models/model.safetensors").Single(RuleIds.SafetensorsTensorSizeMismatch);
        Assert.Equal("models/model.safetensors: MG2010: at offset 9: tensor 'w' has data_offsets [0, 64] (64 bytes) but F32[4] needs 16 bytes", finding.ToString());
    }

    private static ContentFormat Sniff(byte[] content) => ContentSniffer.Sniff(content.AsSpan(0, ContentSniffer.HeadLength), content.Length).Format;
}
