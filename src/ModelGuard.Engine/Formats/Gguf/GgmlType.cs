using System.Collections.Generic;

namespace ModelGuard.Engine.Formats.Gguf;

/// <summary>
/// One tensor type of ggml: how many elements a block holds and how many bytes it takes. The table follows ggml's
/// <c>type_traits</c> (ggml-org/ggml <c>src/ggml.c</c>, block structs in <c>src/ggml-common.h</c>, enum in
/// <c>include/ggml.h</c>, 2026-08, GGML_TYPE_COUNT = 43). IDs ggml removed (4, 5, 31-33, 36-38) have block size 0 there and
/// <c>gguf.cpp</c> refuses them ("not a multiple of block size (0)"), so they are unknown here.
/// </summary>
internal sealed class GgmlType
{
    private static readonly Dictionary<uint, GgmlType> Types = Build();

    private GgmlType(uint id, string name, int blockSize, int typeSize)
    {
        Id = id;
        Name = name;
        BlockSize = blockSize;
        TypeSize = typeSize;
    }

    public uint Id { get; }

    public string Name { get; }

    /// <summary>Elements per block (<c>blck_size</c>).</summary>
    public int BlockSize { get; }

    /// <summary>Bytes per block (<c>type_size</c>).</summary>
    public int TypeSize { get; }

    /// <summary>The type with this ID, or null when ggml does not define one.</summary>
    public static GgmlType? Find(uint id) => Types.TryGetValue(id, out var type) ? type : null;

    private static Dictionary<uint, GgmlType> Build()
    {
        const int QkK = 256;
        var list = new[]
        {
            new GgmlType(0, "F32", 1, 4),
            new GgmlType(1, "F16", 1, 2),
            new GgmlType(2, "Q4_0", 32, 2 + 16),
            new GgmlType(3, "Q4_1", 32, 4 + 16),
            new GgmlType(6, "Q5_0", 32, 2 + 4 + 16),
            new GgmlType(7, "Q5_1", 32, 4 + 4 + 16),
            new GgmlType(8, "Q8_0", 32, 2 + 32),
            new GgmlType(9, "Q8_1", 32, 4 + 32),
            new GgmlType(10, "Q2_K", QkK, 4 + (QkK / 16) + (QkK / 4)),
            new GgmlType(11, "Q3_K", QkK, 2 + (QkK / 4) + (QkK / 8) + 12),
            new GgmlType(12, "Q4_K", QkK, 4 + 12 + (QkK / 2)),
            new GgmlType(13, "Q5_K", QkK, 4 + 12 + (QkK / 2) + (QkK / 8)),
            new GgmlType(14, "Q6_K", QkK, 2 + (QkK / 16) + (3 * QkK / 4)),
            new GgmlType(15, "Q8_K", QkK, 4 + QkK + (QkK / 16 * 2)),
            new GgmlType(16, "IQ2_XXS", QkK, 2 + (QkK / 8 * 2)),
            new GgmlType(17, "IQ2_XS", QkK, 2 + (QkK / 8 * 2) + (QkK / 32)),
            new GgmlType(18, "IQ3_XXS", QkK, 2 + (3 * (QkK / 8))),
            new GgmlType(19, "IQ1_S", QkK, 2 + (QkK / 8) + (QkK / 16)),
            new GgmlType(20, "IQ4_NL", 32, 2 + 16),
            new GgmlType(21, "IQ3_S", QkK, 2 + (13 * (QkK / 32)) + (QkK / 64)),
            new GgmlType(22, "IQ2_S", QkK, 2 + (QkK / 4) + (QkK / 16)),
            new GgmlType(23, "IQ4_XS", QkK, 2 + 2 + (QkK / 64) + (QkK / 2)),
            new GgmlType(24, "I8", 1, 1),
            new GgmlType(25, "I16", 1, 2),
            new GgmlType(26, "I32", 1, 4),
            new GgmlType(27, "I64", 1, 8),
            new GgmlType(28, "F64", 1, 8),
            new GgmlType(29, "IQ1_M", QkK, (QkK / 8) + (QkK / 16) + (QkK / 32)),
            new GgmlType(30, "BF16", 1, 2),
            new GgmlType(34, "TQ1_0", QkK, 2 + (QkK / 64) + ((QkK - (4 * QkK / 64)) / 5)),
            new GgmlType(35, "TQ2_0", QkK, 2 + (QkK / 4)),
            new GgmlType(39, "MXFP4", 32, 1 + 16),
            new GgmlType(40, "NVFP4", 64, (64 / 16) + 32),
            new GgmlType(41, "Q1_0", 128, 2 + (128 / 8)),
            new GgmlType(42, "Q2_0", 64, 2 + (64 / 4)),
        };

        var types = new Dictionary<uint, GgmlType>();
        foreach (var type in list)
        {
            types.Add(type.Id, type);
        }

        return types;
    }
}
