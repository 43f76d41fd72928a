using System;
using System.Linq;
using ModelGuard.Engine.Rules;
using ModelGuard.Engine.Scanning;
using ModelGuard.Engine.Tests.Scanning;
using ModelGuard.TestSupport;

namespace ModelGuard.Engine.Tests.Formats.Pickle;

/// <summary>Imports and calls found by simulating the unpickler, including the ways payloads hide from pattern matching.</summary>
public sealed class PickleAnalysisTests
{
    [Fact]
    public void Benign_torch_state_dict_has_no_findings()
    {
        var result = ScanHelpers.Scan(TorchCheckpointWriter.StateDictPickle(new[] { "fc.weight", "fc.bias" }), "data.pkl");
        Assert.True(result.Findings.Count == 0, result.Describe());
        Assert.Equal(ContentFormat.Pickle, result.Format);
    }

    [Fact]
    public void Os_system_called_by_reduce_is_MG1001_with_offset_and_use()
    {
        var bytes = W().Proto(2).CallWithString("os", "system", "id").Stop().ToArray();
        var finding = ScanHelpers.Scan(bytes).Single(RuleIds.DangerousImport);
        Assert.Equal(2, finding.Offset);
        Assert.Contains("os.system", finding.Message, StringComparison.Ordinal);
        Assert.Contains("loading the file would run shell commands or start processes: it calls os.system", finding.Message, StringComparison.Ordinal);
        Assert.Contains("with REDUCE at offset", finding.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Unknown_global_is_MG1002()
    {
        var bytes = W().Proto(2).Global("mypkg.layers", "Custom").EmptyTuple().NewObj().Stop().ToArray();
        var finding = ScanHelpers.Scan(bytes).Single(RuleIds.UnknownImport);
        Assert.Contains("mypkg.layers.Custom", finding.Message, StringComparison.Ordinal);
        Assert.Contains("it is called by NEWOBJ at offset", finding.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Stack_global_operands_are_resolved_through_the_memo_and_dup()
    {
        // "os" and "system" are stored in the memo under decoy positions, fetched back and duplicated.
        var bytes = W().Proto(4)
            .ShortBinUnicode("system").Memoize().Pop()      // memo 0 = "system"
            .ShortBinUnicode("os").BinPut(7).Pop()          // memo 7 = "os"
            .ShortBinUnicode("decoy").Dup().Pop().Pop()
            .BinGet(7).BinGet(0).StackGlobal()
            .ShortBinUnicode("id").Tuple1().Reduce().Stop().ToArray();
        var finding = ScanHelpers.Scan(bytes).Single(RuleIds.DangerousImport);
        Assert.Contains("os.system (imported with STACK_GLOBAL)", finding.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Python2_names_are_remapped_below_protocol_3()
    {
        var bytes = W().Global("commands", "getoutput").Unicode("id").Tuple1().Reduce().Stop().ToArray();
        var finding = ScanHelpers.Scan(bytes).Single(RuleIds.DangerousImport);
        Assert.Contains("subprocess.getoutput (written as commands.getoutput", finding.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Python2_names_are_not_remapped_from_protocol_3_on()
    {
        // With PROTO 4 the unpickler imports "__builtin__" literally; it is still not allowed (fail closed).
        var bytes = W().Proto(4).ShortBinUnicode("__builtin__").ShortBinUnicode("eval").StackGlobal().Stop().ToArray();
        var finding = ScanHelpers.Scan(bytes).Single(RuleIds.UnknownImport);
        Assert.Contains("__builtin__.eval", finding.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("torch", "serialization.load")]
    [InlineData("builtins", "getattr.__call__")]
    [InlineData("collections", "OrderedDict.__init__.__globals__")]
    public void Dotted_attribute_paths_are_judged_by_their_target(string module, string name)
    {
        var bytes = W().Proto(4).ShortBinUnicode(module).ShortBinUnicode(name).StackGlobal().Stop().ToArray();
        ScanHelpers.Scan(bytes).Single(RuleIds.DangerousImport);
    }

    [Fact]
    public void Ext_code_registered_by_copyreg_add_extension_resolves_to_its_target()
    {
        var bytes = W().Proto(2)
            .Global("copyreg", "add_extension").Mark().BinUnicode("os").BinUnicode("system").BinInt1(42).Tuple().Reduce().Pop()
            .Op(0x82).Op(42).BinUnicode("id").Tuple1().Reduce().Stop().ToArray();
        var result = ScanHelpers.Scan(bytes);
        Assert.Contains(result.Findings, f => f.Rule.Id == RuleIds.DangerousImport && f.Message.Contains("copyreg.add_extension", StringComparison.Ordinal));
        Assert.Contains(result.Findings, f => f.Rule.Id == RuleIds.DangerousImport && f.Message.Contains("os.system (imported with EXT1)", StringComparison.Ordinal));
    }

    [Fact]
    public void Unregistered_ext_code_is_a_decode_failure()
    {
        var bytes = W().Proto(2).Op(0x82).Op(9).EmptyTuple().Reduce().Stop().ToArray();
        var finding = ScanHelpers.Scan(bytes).Single(RuleIds.PickleDecodeFailure);
        Assert.Contains("unregistered extension code 9", finding.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Payload_before_a_truncation_is_reported_with_the_failure()
    {
        var bytes = W().Proto(2).CallWithString("os", "system", "id").BinUnicode("never").ToArray();
        var truncated = bytes.Take(bytes.Length - 3).ToArray();
        var result = ScanHelpers.Scan(truncated);
        Assert.Equal(new[] { RuleIds.DangerousImport, RuleIds.PickleDecodeFailure }, result.Ids());
    }

    [Fact]
    public void Payload_before_an_invalid_opcode_is_reported()
    {
        var bytes = W().Proto(2).CallWithString("subprocess", "call", "id").Op(0xFF).ToArray();
        Assert.Equal(new[] { RuleIds.DangerousImport, RuleIds.PickleDecodeFailure }, ScanHelpers.Scan(bytes).Ids());
    }

    [Fact]
    public void A_second_stacked_pickle_is_scanned()
    {
        var benign = W().Proto(2).EmptyList().Stop().ToArray();
        var evil = W().Proto(2).CallWithString("posix", "system", "id").Stop().ToArray();
        var result = ScanHelpers.Scan(benign.Concat(benign).Concat(evil).ToArray());
        Assert.Equal(new[] { RuleIds.DangerousImport }, result.Ids());
        Assert.Equal(benign.Length * 2 + 2, result.Findings[0].Offset);
    }

    [Fact]
    public void Raw_bytes_after_the_pickles_are_not_a_finding()
    {
        // Legacy torch files append raw storage bytes after their pickles.
        var bytes = W().Proto(2).EmptyDict().Stop().ToArray().Concat(new byte[] { 0x10, 0, 0, 0, 0, 0, 0, 0, 1, 2, 3 }).ToArray();
        Assert.Empty(ScanHelpers.Scan(bytes).Findings);
    }

    [Fact]
    public void Stack_global_with_a_computed_operand_cannot_be_verified()
    {
        // The module name is whatever str.join returns: only running it would tell.
        var bytes = W().Proto(4)
            .ShortBinUnicode("builtins").ShortBinUnicode("str").StackGlobal().EmptyTuple().Reduce()
            .ShortBinUnicode("system").StackGlobal().Stop().ToArray();
        var finding = ScanHelpers.Scan(bytes).Single(RuleIds.UnknownImport);
        Assert.Contains("cannot be resolved statically", finding.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Stack_global_with_non_string_operands_fails_as_the_unpickler_does()
    {
        var bytes = W().Proto(4).BinInt1(1).BinInt1(2).StackGlobal().Stop().ToArray();
        Assert.Contains("STACK_GLOBAL requires str", ScanHelpers.Scan(bytes).Single(RuleIds.PickleDecodeFailure).Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("build")]
    [InlineData("obj")]
    [InlineData("inst")]
    [InlineData("newobj_ex")]
    public void Every_calling_opcode_marks_the_import_as_called(string how)
    {
        var w = W().Proto(4);
        var bytes = how switch
        {
            "build" => w.Global("subprocess", "Popen").EmptyDict().Build().Stop().ToArray(),
            "obj" => w.Mark().Global("subprocess", "Popen").BinUnicode("id").Op((byte)'o').Stop().ToArray(),
            "inst" => w.Mark().BinUnicode("id").Inst("subprocess", "Popen").Stop().ToArray(),
            _ => w.Global("subprocess", "Popen").EmptyTuple().EmptyDict().Op(0x92).Stop().ToArray(),
        };
        var finding = ScanHelpers.Scan(bytes).Single(RuleIds.DangerousImport);
        var expected = how == "build" ? "invokes methods of subprocess.Popen (imported with GLOBAL) with BUILD" : "with " + how.ToUpperInvariant() + " at offset";
        Assert.Contains(expected, finding.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_dangerous_callable_passed_as_an_argument_is_reported_as_such()
    {
        var bytes = W().Proto(2).Global("collections", "OrderedDict").Global("os", "system").Tuple1().Reduce().Stop().ToArray();
        var finding = ScanHelpers.Scan(bytes).Single(RuleIds.DangerousImport);
        Assert.Contains("loading the file could run shell commands or start processes: it passes os.system (imported with GLOBAL) into another call", finding.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Repeated_imports_are_one_finding_with_a_count()
    {
        var w = W().Proto(2).Mark();
        for (var i = 0; i < 3; i++)
        {
            w.Global("mypkg", "Layer");
        }

        var finding = ScanHelpers.Scan(w.Tuple().Stop().ToArray()).Single(RuleIds.UnknownImport);
        Assert.Contains("(3 times)", finding.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(new byte[] { 0x80, 0x02, (byte)'R', (byte)'.' }, "stack underflow")]
    [InlineData(new byte[] { 0x80, 0x02, (byte)'N', (byte)'N', (byte)'(', (byte)'R', (byte)'.' }, "stack underflow")]
    [InlineData(new byte[] { 0x80, 0x02, (byte)'N', (byte)'t', (byte)'.' }, "could not find MARK")]
    [InlineData(new byte[] { 0x80, 0x02, (byte)'h', 0x03, (byte)'.' }, "memo value not found at index 3")]
    [InlineData(new byte[] { 0x80, 0x02, (byte)'(', (byte)'N', (byte)'d', (byte)'.' }, "odd number of items for DICT")]
    [InlineData(new byte[] { 0x80, 0x05, 0x97, (byte)'.' }, "out-of-band")]
    [InlineData(new byte[] { 0x80, 0x02, (byte)'N' }, "ends before STOP")]
    public void Simulation_failures_match_the_unpickler(byte[] bytes, string reason)
    {
        // A PROTO header makes the content a pickle for sure; without one, see Headerless_content_needs_evidence.
        var finding = ScanHelpers.Scan(bytes, "model.pkl").Single(RuleIds.PickleDecodeFailure);
        Assert.Contains(reason, finding.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Pop_takes_an_empty_mark_before_a_value()
    {
        // POP right after MARK removes the mark (C unpickler), so the TUPLE below has no MARK left to find.
        var bytes = W().Proto(2).None().Mark().Pop().Tuple().Stop().ToArray();
        Assert.Contains("could not find MARK", ScanHelpers.Scan(bytes).Single(RuleIds.PickleDecodeFailure).Message, StringComparison.Ordinal);
    }

    private static PickleWriter W() => new();

    [Theory]
    [InlineData("class Foo:\n    pass\n")]
    [InlineData("Id,Name\n1,a\n")]
    [InlineData("(N\nR.")]
    [InlineData("cmod\n\xf8\n")]
    public void Headerless_content_needs_evidence_to_count_as_a_pickle(string latin1)
    {
        var result = ScanHelpers.Scan(System.Text.Encoding.Latin1.GetBytes(latin1), "notes.txt");
        Assert.Empty(result.Findings);
        Assert.Equal(ContentFormat.Unknown, result.Format);
    }

    [Fact]
    public void Headerless_protocol_0_payload_is_found_whatever_the_name()
    {
        var result = ScanHelpers.Scan(W().Global("os", "system").String("id").Tuple1().Reduce().Stop().ToArray(), "photo.png");
        Assert.Equal(ContentFormat.Pickle, result.Format);
        result.Single(RuleIds.DangerousImport);
    }
}
