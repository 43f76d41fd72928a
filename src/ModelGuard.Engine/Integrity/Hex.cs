namespace ModelGuard.Engine.Integrity;

/// <summary>Lowercase hexadecimal, as digests are written in statements and messages.</summary>
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
}
