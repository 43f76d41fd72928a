using System.Text;

namespace ModelGuard.Engine.Formats.Gguf;

/// <summary>Turns GGUF byte strings into text for comparison (one char per byte, so no two byte strings collide) and for messages.</summary>
internal static class GgufText
{
    private const int MaxShown = 80;

    /// <summary>One char per byte: exact, byte-for-byte comparison as gguf.cpp's std::string does.</summary>
    public static string FromBytes(System.ReadOnlySpan<byte> bytes)
    {
        var chars = new char[bytes.Length];
        for (var i = 0; i < bytes.Length; i++)
        {
            chars[i] = (char)bytes[i];
        }

        return new string(chars);
    }

    /// <summary>A byte string (from <see cref="FromBytes"/>) decoded as UTF-8, control characters escaped, quoted and shortened for a message.</summary>
    public static string Quote(string byteString)
    {
        var text = DecodeUtf8(byteString);
        var builder = new StringBuilder("'");
        foreach (var c in text)
        {
            if (builder.Length > MaxShown)
            {
                builder.Append("...");
                break;
            }

            if (c < 0x20 || c == 0x7F)
            {
                builder.Append("\\x").Append(((int)c).ToString("x2", System.Globalization.CultureInfo.InvariantCulture));
            }
            else
            {
                builder.Append(c);
            }
        }

        return builder.Append('\'').ToString();
    }

    /// <summary>A byte string decoded as UTF-8 (templates are UTF-8 text).</summary>
    public static string DecodeUtf8(string byteString)
    {
        var bytes = new byte[byteString.Length];
        for (var i = 0; i < bytes.Length; i++)
        {
            bytes[i] = (byte)byteString[i];
        }

        return Encoding.UTF8.GetString(bytes);
    }
}
