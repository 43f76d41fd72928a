using System;
using System.Linq;
using System.Text;
using ModelGuard.Engine.Rules;
using ModelGuard.Engine.Tests.Scanning;
using ModelGuard.TestSupport;

namespace ModelGuard.Engine.Tests.Policy;

/// <summary>
/// <c>pickle.dumps(tensor)</c> writes <c>torch.storage._load_from_bytes(b)</c> with a whole torch file as <c>b</c>: the
/// bytes are scanned as a torch file with every rule, findings named through the nested location.
/// </summary>
public sealed class NestedLoadTests
{
    [Fact]
    public void A_benign_nested_torch_file_is_clean()
    {
        var result = ScanHelpers.Scan(LoadFromBytes(Legacy(TorchCheckpointWriter.StateDictPickle(new[] { "w" }))), "tensor.pkl");
        Assert.True(result.Findings.Count == 0, result.Describe());
    }

    [Fact]
    public void A_malicious_nested_torch_file_is_MG1001_at_its_nested_location()
    {
        var payload = new PickleWriter().Proto(2).CallWithString("os", "system", "id").Stop().ToArray();
        var bytes = LoadFromBytes(Legacy(payload));
        var finding = ScanHelpers.Scan(bytes, "tensor.pkl").Single(RuleIds.DangerousImport);
        Assert.Equal("torch.storage._load_from_bytes at offset " + CallOffset(bytes), finding.ArchiveMember);
        Assert.Equal(IndexOf(Legacy(payload), payload) + 2, finding.Offset);
        Assert.Contains("os.system", finding.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_nested_load_inside_an_archive_member_joins_the_member_path()
    {
        var outer = TorchCheckpointWriter.Zip(LoadFromBytes(TorchCheckpointWriter.Malicious()), storages: 0);
        var finding = ScanHelpers.Scan(outer, "model.pt").Single(RuleIds.DangerousImport);
        Assert.StartsWith("archive/data.pkl!/torch.storage._load_from_bytes at offset ", finding.ArchiveMember, StringComparison.Ordinal);
        Assert.EndsWith("!/archive/data.pkl", finding.ArchiveMember, StringComparison.Ordinal);
    }

    [Fact]
    public void Protocol_2_bytes_written_as_codecs_encode_are_followed()
    {
        var nested = TorchCheckpointWriter.Malicious();
        var latin1 = new string(nested.Select(b => (char)b).ToArray());
        var bytes = new PickleWriter().Proto(2).Global("torch.storage", "_load_from_bytes")
            .Global("_codecs", "encode").BinUnicode(latin1).BinUnicode("latin1").Tuple2().Reduce().Tuple1().Reduce().Stop().ToArray();
        var finding = ScanHelpers.Scan(bytes).Single(RuleIds.DangerousImport);
        Assert.EndsWith("!/archive/data.pkl", finding.ArchiveMember, StringComparison.Ordinal);

        var benign = TorchCheckpointWriter.Benign("w");
        var clean = new PickleWriter().Proto(2).Global("torch.storage", "_load_from_bytes")
            .Global("_codecs", "encode").BinUnicode(new string(benign.Select(b => (char)b).ToArray())).BinUnicode("latin1").Tuple2().Reduce().Tuple1().Reduce().Stop().ToArray();
        Assert.True(ScanHelpers.Scan(clean).Findings.Count == 0, ScanHelpers.Scan(clean).Describe());
    }

    [Fact]
    public void Bytes_that_are_not_literally_in_the_file_leave_the_loader_MG1001()
    {
        // The argument is whatever bytes() returns, not bytes the file holds.
        var bytes = new PickleWriter().Proto(4).Global("torch.storage", "_load_from_bytes")
            .Global("builtins", "bytes").BinInt1(16).Tuple1().Reduce().Tuple1().Reduce().Stop().ToArray();
        var finding = ScanHelpers.Scan(bytes).Single(RuleIds.DangerousImport);
        Assert.Contains("deserialize another payload", finding.Message, StringComparison.Ordinal);
        Assert.Contains("calls torch.storage._load_from_bytes", finding.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Bytes_pushed_before_the_loader_is_imported_are_not_followed()
    {
        // Bytes kept in the memo before the import are not captured: the loader stays MG1001 (fail closed).
        var nested = TorchCheckpointWriter.Benign("w");
        var bytes = new PickleWriter().Proto(4).BinBytes(nested).BinPut(0).Pop()
            .Global("torch.storage", "_load_from_bytes").BinGet(0).Tuple1().Reduce().Stop().ToArray();
        Assert.Contains("torch.storage._load_from_bytes", ScanHelpers.Scan(bytes).Single(RuleIds.DangerousImport).Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Nested_loads_deeper_than_the_container_limit_are_MG1001()
    {
        var content = Legacy(TorchCheckpointWriter.StateDictPickle(new[] { "w" }));
        for (var i = 0; i < 6; i++)
        {
            content = LoadFromBytes(content);
        }

        var finding = ScanHelpers.Scan(content).Single(RuleIds.DangerousImport);
        Assert.Contains("beyond the nesting limit", finding.Message, StringComparison.Ordinal);
    }

    private static readonly byte[] Storage = new byte[8 + 16];

    /// <summary>
    /// The legacy layout torch 1.13's storages pickle themselves in (<c>_use_new_zipfile_serialization=False</c>): magic
    /// number, protocol version and system info pickles, the data pickle, the storage keys, then raw storage bytes.
    /// </summary>
    private static byte[] Legacy(byte[] dataPickle)
    {
        var head = new PickleWriter().Proto(2).Op(0x8a).Op(10).Raw(new byte[] { 0x6c, 0xfc, 0x9c, 0x46, 0xf9, 0x20, 0x6a, 0xa8, 0x50, 0x19 }).Stop()
            .Proto(2).BinInt2(1001).Stop()
            .Proto(2).EmptyDict().Stop().ToArray();
        var keys = new PickleWriter().Proto(2).EmptyList().Mark().BinUnicode("0").Appends().Stop().ToArray();
        return head.Concat(dataPickle).Concat(keys).Concat(Storage).ToArray();
    }

    /// <summary>What <c>pickle.dumps(tensor)</c> writes: <c>_rebuild_tensor_v2(_load_from_bytes(b), 0, (2,), (1,), False, OrderedDict())</c>.</summary>
    private static byte[] LoadFromBytes(byte[] nested)
        => new PickleWriter().Proto(4).Global("torch._utils", "_rebuild_tensor_v2").Mark()
            .Global("torch.storage", "_load_from_bytes").BinBytes(nested).Tuple1().Reduce()
            .BinInt1(0).BinInt1(2).Tuple1().BinInt1(1).Tuple1().NewFalse().Global("collections", "OrderedDict").EmptyTuple().Reduce()
            .Tuple().Reduce().Stop().ToArray();

    // The REDUCE of _load_from_bytes comes right after its one-item argument tuple (TUPLE1).
    private static long CallOffset(byte[] pickle)
    {
        var global = IndexOf(pickle, Encoding.ASCII.GetBytes("_load_from_bytes\n"));
        var length = BitConverter.ToInt32(pickle, global + 18);
        return global + 18 + 4 + length + 1;
    }

    private static int IndexOf(byte[] haystack, byte[] needle)
    {
        for (var i = 0; i <= haystack.Length - needle.Length; i++)
        {
            if (haystack.AsSpan(i, needle.Length).SequenceEqual(needle))
            {
                return i;
            }
        }

        return -1;
    }
}
