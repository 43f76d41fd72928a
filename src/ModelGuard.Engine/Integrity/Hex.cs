using System;

namespace ModelGuard.Engine.Integrity;

/// <summary>Lowercase hexadecimal, as digests are written in lock files, statements and messages.</summary>
internal static class Hex
{
    public static string Encode(byte[] bytes)
    {
        var chars = new char[bytes.Length * 2];
        for (var i = 0; i < bytes.Length; i++)
        {
            chars[2 * i] = "0123456789abcdef"[bytes[i] >> 4];
            chars[(2 * i) + 1] = "0123456789abcdef"[bytes[i] & 0xF];
        }

        return new string(chars);
    }

    /// <summary>Whether <paramref name="text"/> is a SHA-256 as ModelGuard and model_signing write it: 64 lowercase hex digits.</summary>
    public static bool IsSha256(string text)
    {
        if (text.Length != 64)
        {
            return false;
        }

        foreach (var c in text)
        {
            if (c is not ((>= '0' and <= '9') or (>= 'a' and <= 'f')))
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>Decodes lowercase hex already checked by <see cref="IsSha256"/>.</summary>
    public static byte[] Decode(string hex)
    {
        var bytes = new byte[hex.Length / 2];
        for (var i = 0; i < bytes.Length; i++)
        {
            bytes[i] = Convert.ToByte(hex.Substring(2 * i, 2), 16);
        }

        return bytes;
    }
}
