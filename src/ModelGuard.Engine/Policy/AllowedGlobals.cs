using System;
using System.Collections.Generic;

namespace ModelGuard.Engine.Policy;

/// <summary>
/// Exact (module, name) pairs that real model files import: torch.save state dicts and tensors, numpy array
/// reconstruction, collections and plain builtins types. No module-wide entries: every library has gadgets.
/// </summary>
internal static class AllowedGlobals
{
    private static readonly string[] Entries =
    {
        // collections and plain data types
        "collections.OrderedDict", "collections.defaultdict", "collections.deque", "collections.Counter",
        "builtins.set", "builtins.frozenset", "builtins.list", "builtins.dict", "builtins.tuple", "builtins.int", "builtins.float",
        "builtins.complex", "builtins.bool", "builtins.str", "builtins.bytes", "builtins.bytearray", "builtins.slice", "builtins.range",
        "builtins.object",
        "copyreg._reconstructor", "_codecs.encode",
        "datetime.datetime", "datetime.date", "datetime.time", "datetime.timedelta", "datetime.timezone",
        "decimal.Decimal", "fractions.Fraction",

        // torch.save: tensors, parameters, storages, dtypes, layouts, devices
        "torch._utils._rebuild_tensor", "torch._utils._rebuild_tensor_v2", "torch._utils._rebuild_tensor_v3",
        "torch._utils._rebuild_parameter", "torch._utils._rebuild_parameter_with_state", "torch._utils._rebuild_sparse_tensor",
        "torch._utils._rebuild_sparse_csr_tensor", "torch._utils._rebuild_qtensor", "torch._utils._rebuild_meta_tensor_no_storage",
        "torch._utils._rebuild_wrapper_subclass", "torch._utils._rebuild_nested_tensor", "torch._utils._rebuild_device_tensor_from_numpy",
        "torch._tensor._rebuild_from_type_v2", "torch.nn.parameter.Parameter", "torch.Size", "torch.device",
        "torch.storage.UntypedStorage", "torch.storage.TypedStorage", "torch.UntypedStorage",
        "torch.FloatStorage", "torch.DoubleStorage", "torch.HalfStorage", "torch.BFloat16Storage", "torch.LongStorage", "torch.IntStorage",
        "torch.ShortStorage", "torch.CharStorage", "torch.ByteStorage", "torch.BoolStorage", "torch.ComplexFloatStorage",
        "torch.ComplexDoubleStorage", "torch.QUInt8Storage", "torch.QInt8Storage", "torch.QInt32Storage", "torch.QUInt4x2Storage",
        "torch.QUInt2x4Storage",
        "torch.float32", "torch.float", "torch.float64", "torch.double", "torch.float16", "torch.half", "torch.bfloat16", "torch.int64",
        "torch.long", "torch.int32", "torch.int", "torch.int16", "torch.short", "torch.int8", "torch.uint8", "torch.bool",
        "torch.complex64", "torch.complex128", "torch.qint8", "torch.quint8", "torch.qint32", "torch.quint4x2",
        "torch.float8_e4m3fn", "torch.float8_e5m2",
        "torch.strided", "torch.sparse_coo", "torch.sparse_csr", "torch.sparse_csc", "torch.sparse_bsr", "torch.sparse_bsc",
        "torch.per_tensor_affine", "torch.per_channel_affine", "torch.per_channel_affine_float_qparams",

        // numpy arrays, dtypes and scalars (numpy 1.x "numpy.core" and numpy 2.x "numpy._core")
        "numpy.ndarray", "numpy.dtype", "numpy.core.multiarray._reconstruct", "numpy.core.multiarray.scalar",
        "numpy._core.multiarray._reconstruct", "numpy._core.multiarray.scalar", "numpy.core.numeric._frombuffer",
        "numpy._core.numeric._frombuffer",
    };

    private static readonly HashSet<string> Set = new(Entries, StringComparer.Ordinal);

    public static bool Contains(string module, string name) => Set.Contains(module + "." + name);

    /// <summary>The entries, for docs and tests.</summary>
    public static IReadOnlyList<string> All => Entries;
}
