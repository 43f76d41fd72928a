using System;
using System.Collections.Generic;

namespace ModelGuard.Engine.Formats.Safetensors;

/// <summary>The safetensors dtypes, in the reference's declaration order (increasing alignment), which its writer sorts by.</summary>
internal enum SafetensorsDtype : byte
{
    /// <summary>BOOL, 8 bits.</summary>
    Bool,

    /// <summary>F4 (MXFP4), 4 bits, two per byte.</summary>
    F4,

    /// <summary>F6_E2M3 (MXFP6), 6 bits, bit-packed.</summary>
    F6E2M3,

    /// <summary>F6_E3M2 (MXFP6), 6 bits, bit-packed.</summary>
    F6E3M2,

    /// <summary>U8.</summary>
    U8,

    /// <summary>I8.</summary>
    I8,

    /// <summary>F8_E5M2.</summary>
    F8E5M2,

    /// <summary>F8_E4M3.</summary>
    F8E4M3,

    /// <summary>F8_E8M0 (MX scale).</summary>
    F8E8M0,

    /// <summary>F8_E4M3FNUZ.</summary>
    F8E4M3Fnuz,

    /// <summary>F8_E5M2FNUZ.</summary>
    F8E5M2Fnuz,

    /// <summary>I16.</summary>
    I16,

    /// <summary>U16.</summary>
    U16,

    /// <summary>F16.</summary>
    F16,

    /// <summary>BF16.</summary>
    BF16,

    /// <summary>I32.</summary>
    I32,

    /// <summary>U32.</summary>
    U32,

    /// <summary>F32.</summary>
    F32,

    /// <summary>C64 (two F32).</summary>
    C64,

    /// <summary>F64.</summary>
    F64,

    /// <summary>I64.</summary>
    I64,

    /// <summary>U64.</summary>
    U64,
}

/// <summary>Names and bit sizes of <see cref="SafetensorsDtype"/>.</summary>
internal static class SafetensorsDtypes
{
    private static readonly string[] Names =
    {
        "BOOL", "F4", "F6_E2M3", "F6_E3M2", "U8", "I8", "F8_E5M2", "F8_E4M3", "F8_E8M0", "F8_E4M3FNUZ", "F8_E5M2FNUZ",
        "I16", "U16", "F16", "BF16", "I32", "U32", "F32", "C64", "F64", "I64", "U64",
    };

    private static readonly int[] Bits =
    {
        8, 4, 6, 6, 8, 8, 8, 8, 8, 8, 8,
        16, 16, 16, 16, 32, 32, 32, 64, 64, 64, 64,
    };

    private static readonly Dictionary<string, SafetensorsDtype> ByName = CreateIndex();

    /// <summary>Every dtype name the reference accepts, in declaration order.</summary>
    public static IReadOnlyList<string> AllNames => Names;

    /// <summary>The name as written in a header (<c>F8_E4M3</c>).</summary>
    public static string Name(this SafetensorsDtype dtype) => Names[(int)dtype];

    /// <summary>Bits per element (4 for F4, 6 for the F6 types).</summary>
    public static int BitSize(this SafetensorsDtype dtype) => Bits[(int)dtype];

    /// <summary>Parses a header dtype name; case-sensitive, like the reference's serde enum.</summary>
    public static bool TryParse(string name, out SafetensorsDtype dtype) => ByName.TryGetValue(name, out dtype);

    private static Dictionary<string, SafetensorsDtype> CreateIndex()
    {
        var index = new Dictionary<string, SafetensorsDtype>(StringComparer.Ordinal);
        for (var i = 0; i < Names.Length; i++)
        {
            index.Add(Names[i], (SafetensorsDtype)i);
        }

        return index;
    }
}
