using System;
using System.Linq;
using ModelGuard.Engine.Rules;
using ModelGuard.Engine.Tests.Scanning;
using ModelGuard.TestSupport;

namespace ModelGuard.Engine.Tests.Policy;

/// <summary>
/// One case per entry of HelperArgumentChecks: the arguments real files write keep the helper clean, and an argument that
/// steers the allowed helper into code is MG1001 at the call.
/// </summary>
public sealed class HelperArgumentCheckTests
{
    [Fact]
    public void Rebuild_from_type_v2_with_a_torch_rebuild_helper_is_clean()
        => AssertClean(RebuildFromType(w => w.Global("torch._utils", "_rebuild_tensor_v2"), w => w.EmptyDict()));

    [Fact]
    public void Rebuild_from_type_v2_calling_another_allowed_callable_is_MG1001()
        => AssertSteered(RebuildFromType(w => w.Global("collections", "OrderedDict"), w => w.EmptyDict()), "which calls its first argument; that is collections.OrderedDict");

    [Fact]
    public void Rebuild_from_type_v2_with_a_dunder_state_key_is_MG1001()
        => AssertSteered(RebuildFromType(w => w.Global("torch._utils", "_rebuild_tensor_v2"), w => w.EmptyDict().ShortBinUnicode("__class__").None().SetItem()), "sets the attribute __class__");

    [Fact]
    public void Rebuild_parameter_with_state_with_a_dunder_state_key_is_MG1001()
    {
        var bytes = W().Global("torch._utils", "_rebuild_parameter_with_state").Mark()
            .None().NewFalse().None().EmptyDict().ShortBinUnicode("__reduce_ex__").None().SetItem().Tuple().Reduce().Stop().ToArray();
        AssertSteered(bytes, "sets the attribute __reduce_ex__");
    }

    [Fact]
    public void Copyreg_reconstructor_with_object_as_base_is_clean_and_with_another_base_is_MG1001()
    {
        AssertClean(W().Global("copyreg", "_reconstructor").Global("collections", "OrderedDict").Global("builtins", "object").None().Tuple3().Reduce().Stop().ToArray());
        AssertSteered(
            W().Global("copyreg", "_reconstructor").Global("collections", "OrderedDict").Global("pathlib", "PosixPath").None().Tuple3().Reduce().Stop().ToArray(),
            "copyreg._reconstructor with base pathlib.PosixPath");
    }

    [Fact]
    public void Numpy_random_state_constructor_with_a_literal_name_is_clean_and_with_a_class_is_MG1001()
    {
        AssertClean(W().Global("numpy.random._pickle", "__randomstate_ctor").ShortBinUnicode("MT19937")
            .Global("numpy.random._pickle", "__bit_generator_ctor").Tuple2().Reduce().Stop().ToArray());
        AssertSteered(
            W().Global("numpy.random._pickle", "__generator_ctor").Global("collections", "OrderedDict").EmptyTuple().Reduce().Tuple1().Reduce().Stop().ToArray(),
            "numpy looks the name up or calls the class it is given");
        AssertSteered(
            W().Global("numpy.random._pickle", "__randomstate_ctor").ShortBinUnicode("MT19937").Global("collections", "OrderedDict").Tuple2().Reduce().Stop().ToArray(),
            "as the bit generator constructor");
    }

    [Fact]
    public void Codecs_encode_with_latin1_is_clean_and_with_another_codec_is_MG1001()
    {
        AssertClean(W().Global("_codecs", "encode").ShortBinUnicode("abc").ShortBinUnicode("latin1").Tuple2().Reduce().Stop().ToArray());
        AssertSteered(W().Global("_codecs", "encode").ShortBinUnicode("abc").ShortBinUnicode("zlib_codec").Tuple2().Reduce().Stop().ToArray(), "the codec 'zlib_codec'");
    }

    [Theory]
    [InlineData("numpy.core.multiarray", "_reconstruct")]
    [InlineData("numpy._core.multiarray", "_reconstruct")]
    [InlineData("numpy.ma.core", "_mareconstruct")]
    [InlineData("sklearn.neighbors._kd_tree", "newObj")]
    [InlineData("sklearn.neighbors._ball_tree", "newObj")]
    [InlineData("sklearn.metrics._dist_metrics", "newObj")]
    [InlineData("torch._utils", "_rebuild_wrapper_subclass")]
    [InlineData("pandas.core.indexes.base", "_new_Index")]
    [InlineData("pandas.core.indexes.datetimes", "_new_DatetimeIndex")]
    [InlineData("sklearn._loss._loss", "__pyx_unpickle_CyHalfBinomialLoss")]
    [InlineData("pandas._libs.arrays", "__pyx_unpickle_NDArrayBacked")]
    public void A_class_position_holding_a_call_result_is_MG1001(string module, string name)
    {
        AssertClean(W().Global(module, name).Global("numpy", "ndarray").Global("numpy", "ndarray").Tuple2().Reduce().Stop().ToArray());
        AssertSteered(
            W().Global(module, name).Global("collections", "OrderedDict").EmptyTuple().Reduce().Global("numpy", "ndarray").Tuple2().Reduce().Stop().ToArray(),
            "as its first argument, where the helper expects a class");
    }

    [Fact]
    public void Build_slot_state_with_a_dunder_name_is_MG1001()
    {
        var bytes = W().Global("collections", "OrderedDict").EmptyTuple().Reduce()
            .None().EmptyDict().ShortBinUnicode("__class__").Global("collections", "Counter").SetItem().Tuple2().Build().Stop().ToArray();
        AssertSteered(bytes, "BUILD sets the attribute __class__");
    }

    private static byte[] RebuildFromType(Action<PickleWriter> func, Action<PickleWriter> state)
    {
        var w = W().Global("torch._tensor", "_rebuild_from_type_v2").Mark();
        func(w);
        w.Global("torch", "Tensor").EmptyTuple();
        state(w);
        return w.Tuple().Reduce().Stop().ToArray();
    }

    private static PickleWriter W() => new PickleWriter().Proto(2);

    // Every profile on: the pandas helpers are checked like the default ones, and no profile may hide a steered call.
    private static ModelGuard.Engine.Scanning.ScanResult Scan(byte[] bytes)
    {
        using var stream = new System.IO.MemoryStream(bytes, writable: false);
        return new ModelGuard.Engine.Scanning.ModelScanner(new ModelGuard.Engine.Scanning.ScanOptions { AllowProfiles = ModelGuard.Engine.Policy.AllowProfiles.Names.ToArray() }).Scan(stream, "model.bin");
    }

    private static void AssertClean(byte[] bytes)
    {
        var result = Scan(bytes);
        Assert.True(result.Findings.Count == 0, result.Describe());
    }

    private static void AssertSteered(byte[] bytes, string expected)
    {
        var finding = Scan(bytes).Single(RuleIds.DangerousImport);
        Assert.Contains("loading the file would run code through an allowed helper: it ", finding.Message, StringComparison.Ordinal);
        Assert.Contains(expected, finding.Message, StringComparison.Ordinal);
    }
}
