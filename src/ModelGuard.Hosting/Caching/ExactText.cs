using System;
using System.IO;

namespace ModelGuard.Hosting.Caching;

/// <summary>
/// Strings as their UTF-16 code units, length first. <see cref="BinaryWriter.Write(string)"/> encodes UTF-8, which maps every
/// unpaired surrogate to the same replacement character: two different texts would give the same bytes, and a digest or a
/// cached setting would stand for both.
/// </summary>
internal static class ExactText
{
    private const int MaxLength = 64 * 1024 * 1024;

    public static void Write(BinaryWriter writer, string text)
    {
        writer.Write(text.Length);
        foreach (var c in text)
        {
            writer.Write((ushort)c);
        }
    }

    public static string Read(BinaryReader reader)
    {
        var length = reader.ReadInt32();
        if (length < 0 || length > MaxLength)
        {
            throw new FormatException("invalid text length");
        }

        var chars = new char[length];
        for (var i = 0; i < length; i++)
        {
            chars[i] = (char)reader.ReadUInt16();
        }

        return new string(chars);
    }
}
