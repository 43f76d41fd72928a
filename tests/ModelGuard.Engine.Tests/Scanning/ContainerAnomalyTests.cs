using System;
using System.Linq;
using ModelGuard.Engine.Rules;
using ModelGuard.TestSupport;

namespace ModelGuard.Engine.Tests.Scanning;

/// <summary>Container tricks that make two readers see different content (MG3002–MG3006, MG3010, MG3011).</summary>
public sealed class ContainerAnomalyTests
{
    private static readonly byte[] EvilPickle = new PickleWriter().Proto(2).CallWithString("os", "system", "id").Stop().ToArray();
    private static readonly byte[] BenignPickle = TorchCheckpointWriter.StateDictPickle(new[] { "w" });

    [Fact]
    public void Duplicate_members_are_reported_and_every_copy_scanned()
    {
        var zip = new ZipBuilder();
        zip.AddStored("archive/data.pkl", BenignPickle);
        zip.AddStored("archive/data.pkl", EvilPickle);
        var result = ScanHelpers.Scan(zip.ToArray());
        Assert.Contains("2 members named 'archive/data.pkl'", result.Single(RuleIds.DuplicateArchiveMember).Message, StringComparison.Ordinal);
        result.Single(RuleIds.DangerousImport);
    }

    [Fact]
    public void Local_name_that_differs_from_the_central_name_is_reported()
    {
        var zip = new ZipBuilder();
        zip.AddStored("data.pkl", EvilPickle).LocalName = "datap.kl";
        var result = ScanHelpers.Scan(zip.ToArray());
        Assert.Contains("'datap.kl'", result.Single(RuleIds.ZipHeaderMismatch).Message, StringComparison.Ordinal);
        result.Single(RuleIds.DangerousImport);
    }

    [Theory]
    [InlineData(0x20)]
    [InlineData(0x40)]
    public void Flags_readers_disagree_on_are_reported_and_the_member_still_scanned(int flags)
    {
        var zip = new ZipBuilder();
        zip.AddStored("model/config.pkl", EvilPickle).Flags = (ushort)flags;
        var result = ScanHelpers.Scan(zip.ToArray());
        result.Single(RuleIds.AmbiguousZipFlags);
        result.Single(RuleIds.DangerousImport);
    }

    [Fact]
    public void A_crc_mismatch_on_a_pickle_member_is_reported()
    {
        var zip = new ZipBuilder();
        zip.AddStored("archive/data.pkl", BenignPickle).Crc32 = 0xDEADBEEF;
        Assert.Contains("0xdeadbeef", ScanHelpers.Scan(zip.ToArray()).Single(RuleIds.ArchiveChecksumMismatch).Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Matching_crcs_are_not_reported()
        => Assert.Empty(ScanHelpers.Scan(TorchCheckpointWriter.Benign()).Findings);

    [Fact]
    public void A_pickle_with_a_zip_appended_has_both_parts_scanned()
    {
        var benignZip = TorchCheckpointWriter.Benign();
        var polyglot = EvilPickle.Concat(benignZip).ToArray();
        var result = ScanHelpers.Scan(polyglot, "model.pt");
        Assert.Equal(EvilPickle.Length, result.Single(RuleIds.DataOutsideArchive).Offset);
        Assert.Null(result.Single(RuleIds.DangerousImport).ArchiveMember);

        var evilZip = TorchCheckpointWriter.Malicious();
        var reversed = BenignPickle.Concat(evilZip).ToArray();
        Assert.Equal("archive/data.pkl", ScanHelpers.Scan(reversed, "model.pt").Single(RuleIds.DangerousImport).ArchiveMember);
    }

    [Fact]
    public void A_zip_in_front_of_the_zip_the_end_describes_is_scanned_too()
    {
        // Local-header walkers read the first archive; central-directory readers read the last one.
        var bytes = TorchCheckpointWriter.Malicious().Concat(TorchCheckpointWriter.Benign()).ToArray();
        var result = ScanHelpers.Scan(bytes, "model.pt");
        result.Single(RuleIds.DataOutsideArchive);
        Assert.Equal("archive/data.pkl", result.Single(RuleIds.DangerousImport).ArchiveMember);
    }

    [Theory]
    [InlineData("photo.png")]
    [InlineData("config.json")]
    public void A_pickle_named_as_another_format_is_reported(string name)
    {
        var result = ScanHelpers.Scan(BenignPickle, "assets/" + name);
        Assert.Contains(System.IO.Path.GetExtension(name), result.Single(RuleIds.ExtensionMismatch).Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_pickle_named_onnx_gets_the_onnx_masquerade_rule_instead()
    {
        var result = ScanHelpers.Scan(BenignPickle, "assets/model.onnx");
        Assert.Contains("'.onnx'", result.Single(RuleIds.OnnxMasquerade).Message, StringComparison.Ordinal);
        Assert.DoesNotContain(result.Findings, f => f.Rule.Id == RuleIds.ExtensionMismatch);
    }

    [Fact]
    public void A_pickle_member_named_as_text_is_reported()
    {
        var zip = new ZipBuilder();
        zip.AddStored("data.txt", EvilPickle);
        Assert.Equal("data.txt", ScanHelpers.Scan(zip.ToArray()).Single(RuleIds.ExtensionMismatch).ArchiveMember);
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void A_pickle_or_zip_named_safetensors_is_an_error(bool zip)
    {
        var bytes = zip ? TorchCheckpointWriter.Benign() : BenignPickle;
        var finding = ScanHelpers.Scan(bytes, "model.safetensors").Single(RuleIds.SafetensorsMasquerade);
        Assert.Equal(RuleSeverity.Error, finding.Rule.DefaultSeverity);
        Assert.Contains(zip ? "a zip archive" : "a pickle", finding.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("model.pt")]
    [InlineData("model.bin")]
    [InlineData("model.pkl")]
    [InlineData("model")]
    public void Model_names_are_not_reported(string name)
        => Assert.Empty(ScanHelpers.Scan(BenignPickle, name).Findings);
}
