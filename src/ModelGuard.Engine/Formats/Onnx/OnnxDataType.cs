namespace ModelGuard.Engine.Formats.Onnx;

/// <summary>TensorProto.DataType: names, element sizes and which typed data field holds each type (onnx/onnx.proto, IR 13).</summary>
internal static class OnnxDataType
{
    public const int Undefined = 0;
    public const int String = 8;
    public const int Int64 = 7;
    public const int Highest = 26;

    private static readonly string[] Names =
    {
        "UNDEFINED", "FLOAT", "UINT8", "INT8", "UINT16", "INT16", "INT32", "INT64", "STRING", "BOOL", "FLOAT16", "DOUBLE", "UINT32", "UINT64",
        "COMPLEX64", "COMPLEX128", "BFLOAT16", "FLOAT8E4M3FN", "FLOAT8E4M3FNUZ", "FLOAT8E5M2", "FLOAT8E5M2FNUZ", "UINT4", "INT4", "FLOAT4E2M1",
        "FLOAT8E8M0", "UINT2", "INT2",
    };

    private static readonly int[] Bits = { 0, 32, 8, 8, 16, 16, 32, 64, 0, 8, 16, 64, 32, 64, 64, 128, 16, 8, 8, 8, 8, 4, 4, 4, 8, 2, 2 };

    public static bool IsDefined(long type) => type > Undefined && type <= Highest;

    public static string Name(long type) => type >= 0 && type <= Highest ? Names[type] : type.ToString(System.Globalization.CultureInfo.InvariantCulture);

    /// <summary>Bits per element; 0 for STRING (variable length).</summary>
    public static int BitsOf(long type) => IsDefined(type) ? Bits[type] : 0;

    /// <summary>
    /// The typed data field (4 float_data, 5 int32_data, 6 string_data, 7 int64_data, 10 double_data, 11 uint64_data) that holds
    /// values of <paramref name="type"/>, and how many values one element takes (complex numbers take two).
    /// </summary>
    public static (int Field, int PerElement) TypedField(long type) => type switch
    {
        1 => (4, 1),
        14 => (4, 2),
        7 => (7, 1),
        11 => (10, 1),
        15 => (10, 2),
        12 or 13 => (11, 1),
        8 => (6, 1),
        _ => (5, 1),
    };

    /// <summary>The name of a typed data field of TensorProto.</summary>
    public static string FieldName(int field) => field switch
    {
        4 => "float_data",
        5 => "int32_data",
        6 => "string_data",
        7 => "int64_data",
        10 => "double_data",
        _ => "uint64_data",
    };

    /// <summary>Whether the type packs several elements into one byte (their typed-data encoding is not counted per element).</summary>
    public static bool IsSubByte(long type) => BitsOf(type) is > 0 and < 8;
}
