using System;
using System.Buffers.Binary;
using System.Collections.Generic;
using System.IO;
using System.Text;
using ModelGuard.Engine.IO;

namespace ModelGuard.Engine.Formats.Numpy;

/// <summary>
/// The header of an .npy file: magic, version, header length and the Python dict literal numpy writes
/// (<c>{'descr': ..., 'fortran_order': ..., 'shape': (...)}</c>). Only what decides whether the data is a pickle is kept.
/// </summary>
internal sealed class NpyHeader
{
    /// <summary>numpy refuses longer headers unless told to trust the file; so does this reader.</summary>
    public const int MaxHeaderLength = 64 * 1024;

    private NpyHeader(string description, bool hasObjects, long dataOffset)
    {
        Description = description;
        HasObjects = hasObjects;
        DataOffset = dataOffset;
    }

    /// <summary>The descr as written.</summary>
    public string Description { get; }

    /// <summary>True for object arrays (also inside structured dtypes): their data is a pickle that numpy.load unpickles.</summary>
    public bool HasObjects { get; }

    /// <summary>Offset of the first data byte.</summary>
    public long DataOffset { get; }

    /// <summary>Reads the header from the start of <paramref name="content"/>, leaving it positioned at the data.</summary>
    /// <exception cref="FormatException">The header is malformed.</exception>
    public static NpyHeader Read(Stream content)
    {
        var prefix = new byte[8];
        ReadExactly(content, prefix, 8, "the magic string and version");
        if (prefix[0] != 0x93 || Encoding.ASCII.GetString(prefix, 1, 5) != "NUMPY")
        {
            throw new FormatException("the file does not start with the .npy magic string");
        }

        var major = prefix[6];
        int lengthBytes = major switch
        {
            1 => 2,
            2 or 3 => 4,
            _ => throw new FormatException($"version {major}.{prefix[7]} of the .npy format is unknown"),
        };
        var lengthBuffer = new byte[lengthBytes];
        ReadExactly(content, lengthBuffer, lengthBytes, "the header length");
        var length = lengthBytes == 2 ? BinaryPrimitives.ReadUInt16LittleEndian(lengthBuffer) : BinaryPrimitives.ReadUInt32LittleEndian(lengthBuffer);
        if (length > MaxHeaderLength)
        {
            throw new FormatException($"the header declares {length} bytes, more than the {MaxHeaderLength} a model file needs");
        }

        var header = new byte[length];
        ReadExactly(content, header, (int)length, $"the {length}-byte header");
        var text = (major == 3 ? Encoding.UTF8 : Encoding.GetEncoding("iso-8859-1")).GetString(header);
        if (PythonLiteral.Parse(text.TrimEnd(' ', '\n', '\0')) is not Dictionary<string, object?> dict || !dict.TryGetValue("descr", out var descr))
        {
            throw new FormatException("the header is not a dict with a 'descr' key");
        }

        return new NpyHeader(Describe(descr), HasObject(descr, 0), 8 + lengthBytes + length);
    }

    /// <summary>A descr is a type string or a list of fields <c>(name, descr[, shape])</c>; only the descr part counts.</summary>
    private static bool HasObject(object? descr, int depth) => descr switch
    {
        string type => type.TrimStart('<', '>', '|', '=').StartsWith("O", StringComparison.Ordinal),
        List<object?> fields when depth < 16 => fields.Exists(field => field is List<object?> { Count: >= 2 } f && HasObject(f[1], depth + 1)),
        _ => false,
    };

    private static string Describe(object? descr) => descr switch
    {
        string type => type,
        List<object?> items => "(" + string.Join(", ", items.ConvertAll(Describe)) + ")",
        null => "None",
        _ => Convert.ToString(descr, System.Globalization.CultureInfo.InvariantCulture) ?? string.Empty,
    };

    private static void ReadExactly(Stream content, byte[] buffer, int count, string what)
    {
        if (content.ReadAtMost(buffer, count) < count)
        {
            throw new FormatException($"the data ends inside {what}");
        }
    }
}
