using System;
using System.Globalization;
using System.Text;

namespace ModelGuard.Engine.Formats.Pickle;

/// <summary>The text decoders and number parsers the unpickler applies to protocol 0 arguments.</summary>
internal static class PythonLiterals
{
    private static readonly Encoding Latin1 = Encoding.GetEncoding("iso-8859-1");

    [ThreadStatic]
    private static char[]? t_chars;

    public static string Latin1Decode(ReadOnlySpan<byte> bytes)
    {
        // Latin-1 maps byte n to U+00nn: widen into a reused buffer, so the string is the only allocation.
        if (bytes.Length == 0)
        {
            return string.Empty;
        }

        var chars = Chars(bytes.Length);
        for (var i = 0; i < bytes.Length; i++)
        {
            chars[i] = (char)bytes[i];
        }

        return new string(chars, 0, bytes.Length);
    }

    /// <summary>Decodes ASCII-only bytes (the common case for names and keys); false, with nothing decoded, when any byte is not ASCII.</summary>
    private static bool TryDecodeAscii(ReadOnlySpan<byte> bytes, out string text)
    {
        if (bytes.Length == 0)
        {
            text = string.Empty;
            return true;
        }

        var chars = Chars(bytes.Length);
        for (var i = 0; i < bytes.Length; i++)
        {
            var b = bytes[i];
            if (b >= 0x80)
            {
                text = string.Empty;
                return false;
            }

            chars[i] = (char)b;
        }

        text = new string(chars, 0, bytes.Length);
        return true;
    }

    private static char[] Chars(int length)
    {
        var chars = t_chars;
        if (chars is null || chars.Length < length)
        {
            chars = new char[Math.Max(length, 256)];
            if (length <= 64 * 1024)
            {
                t_chars = chars;
            }
        }

        return chars;
    }

    /// <summary>UTF-8 as the unpickler reads BINUNICODE ('surrogatepass': encoded lone surrogates are accepted).</summary>
    public static bool TryDecodeUtf8SurrogatePass(ReadOnlySpan<byte> bytes, out string text)
    {
        if (TryDecodeAscii(bytes, out text))
        {
            return true;
        }

        var builder = new StringBuilder(bytes.Length);
        var i = 0;
        while (i < bytes.Length)
        {
            if (!TryReadCodePointSurrogatePass(bytes, ref i, out var codePoint))
            {
                text = string.Empty;
                return false;
            }

            if (codePoint >= 0x10000)
            {
                builder.Append(char.ConvertFromUtf32(codePoint));
            }
            else
            {
                builder.Append((char)codePoint);
            }
        }

        text = builder.ToString();
        return true;
    }

    /// <summary>Whether <see cref="TryDecodeUtf8SurrogatePass"/> would succeed, without building the string.</summary>
    public static bool IsUtf8SurrogatePass(ReadOnlySpan<byte> bytes)
    {
        var i = 0;
        while (i < bytes.Length)
        {
            if (bytes[i] < 0x80)
            {
                i++;
            }
            else if (!TryReadCodePointSurrogatePass(bytes, ref i, out _))
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>Decodes the code point at <paramref name="i"/> and moves past it; false on a malformed, overlong or out-of-range sequence.</summary>
    private static bool TryReadCodePointSurrogatePass(ReadOnlySpan<byte> bytes, ref int i, out int codePoint)
    {
        var b = bytes[i];
        if (b < 0x80)
        {
            codePoint = b;
            i++;
            return true;
        }

        int need;
        int min;
        if ((b & 0xE0) == 0xC0)
        {
            need = 1;
            codePoint = b & 0x1F;
            min = 0x80;
        }
        else if ((b & 0xF0) == 0xE0)
        {
            need = 2;
            codePoint = b & 0x0F;
            min = 0x800;
        }
        else if ((b & 0xF8) == 0xF0)
        {
            need = 3;
            codePoint = b & 0x07;
            min = 0x10000;
        }
        else
        {
            codePoint = 0;
            return false;
        }

        if (i + need >= bytes.Length)
        {
            return false;
        }

        for (var k = 1; k <= need; k++)
        {
            var c = bytes[i + k];
            if ((c & 0xC0) != 0x80)
            {
                return false;
            }

            codePoint = (codePoint << 6) | (c & 0x3F);
        }

        i += need + 1;
        return codePoint >= min && codePoint <= 0x10FFFF;
    }

    /// <summary>Strict UTF-8, as GLOBAL and INST decode module and attribute names.</summary>
    public static bool TryDecodeUtf8Strict(ReadOnlySpan<byte> bytes, out string text)
    {
        if (TryDecodeAscii(bytes, out text))
        {
            return true;
        }

        try
        {
            text = StrictUtf8.GetString(bytes.ToArray());
            return true;
        }
        catch (DecoderFallbackException)
        {
            text = string.Empty;
            return false;
        }
    }

    /// <summary>Python's <c>raw-unicode-escape</c> codec (UNICODE opcode): <c>\uXXXX</c> and <c>\UXXXXXXXX</c>, all else Latin-1.</summary>
    public static bool TryDecodeRawUnicodeEscape(ReadOnlySpan<byte> bytes, out string text)
    {
        var builder = new StringBuilder(bytes.Length);
        var i = 0;
        while (i < bytes.Length)
        {
            var b = bytes[i];
            if (b != (byte)'\\')
            {
                builder.Append((char)b);
                i++;
                continue;
            }

            // An escape only counts after an even number of backslashes; count the run.
            var run = 0;
            while (i + run < bytes.Length && bytes[i + run] == (byte)'\\')
            {
                run++;
            }

            var next = i + run < bytes.Length ? bytes[i + run] : (byte)0;
            if (run % 2 == 0 || (next != (byte)'u' && next != (byte)'U'))
            {
                builder.Append('\\', run);
                i += run;
                continue;
            }

            builder.Append('\\', run - 1);
            var digits = next == (byte)'u' ? 4 : 8;
            var start = i + run + 1;
            if (start + digits > bytes.Length || !TryParseHex(bytes.Slice(start, digits), out var codePoint) || codePoint > 0x10FFFF)
            {
                text = string.Empty;
                return false;
            }

            builder.Append(codePoint >= 0x10000 ? char.ConvertFromUtf32((int)codePoint) : ((char)codePoint).ToString());
            i = start + digits;
        }

        text = builder.ToString();
        return true;
    }

    /// <summary>
    /// The STRING opcode: the line must be quoted with matching quotes, then Python's bytes escapes are decoded.
    /// The result is returned as Latin-1 text.
    /// </summary>
    public static bool TryDecodeQuotedString(ReadOnlySpan<byte> line, out string text)
    {
        text = string.Empty;
        if (line.Length < 2 || (line[0] != (byte)'\'' && line[0] != (byte)'"') || line[line.Length - 1] != line[0])
        {
            return false;
        }

        var body = line.Slice(1, line.Length - 2);
        var builder = new StringBuilder(body.Length);
        for (var i = 0; i < body.Length; i++)
        {
            var b = body[i];
            if (b != (byte)'\\')
            {
                builder.Append((char)b);
                continue;
            }

            if (++i >= body.Length)
            {
                return false; // a trailing lone backslash is an invalid \ escape
            }

            var e = body[i];
            switch (e)
            {
                case (byte)'\n': break;
                case (byte)'\\': builder.Append('\\'); break;
                case (byte)'\'': builder.Append('\''); break;
                case (byte)'"': builder.Append('"'); break;
                case (byte)'a': builder.Append('\a'); break;
                case (byte)'b': builder.Append('\b'); break;
                case (byte)'f': builder.Append('\f'); break;
                case (byte)'n': builder.Append('\n'); break;
                case (byte)'r': builder.Append('\r'); break;
                case (byte)'t': builder.Append('\t'); break;
                case (byte)'v': builder.Append('\v'); break;
                case (byte)'x':
                    if (i + 2 >= body.Length || !TryParseHex(body.Slice(i + 1, 2), out var hex))
                    {
                        return false;
                    }

                    builder.Append((char)hex);
                    i += 2;
                    break;
                default:
                    if (e >= (byte)'0' && e <= (byte)'7')
                    {
                        var value = e - '0';
                        var n = 1;
                        while (n < 3 && i + 1 < body.Length && body[i + 1] >= (byte)'0' && body[i + 1] <= (byte)'7')
                        {
                            value = (value * 8) + (body[++i] - '0');
                            n++;
                        }

                        builder.Append((char)(value & 0xFF));
                    }
                    else
                    {
                        // Unknown escapes are kept verbatim (Python warns but accepts them).
                        builder.Append('\\').Append((char)e);
                    }

                    break;
            }
        }

        text = builder.ToString();
        return true;
    }

    /// <summary>Parses an integer literal as <c>int(s, 0)</c> does (optional sign, 0x/0o/0b prefixes, underscores).</summary>
    public static bool TryParseInteger(string text, bool allowAnyBase, out long value, out bool overflow)
    {
        value = 0;
        overflow = false;
        var s = text.Trim(' ', '\t', '\r', '\f', '\v');
        if (s.Length == 0)
        {
            return false;
        }

        var negative = false;
        var i = 0;
        if (s[0] == '+' || s[0] == '-')
        {
            negative = s[0] == '-';
            i = 1;
        }

        var radix = 10;
        if (allowAnyBase && i + 1 < s.Length && s[i] == '0' && char.IsLetter(s[i + 1]))
        {
            radix = char.ToLowerInvariant(s[i + 1]) switch { 'x' => 16, 'o' => 8, 'b' => 2, _ => 0 };
            if (radix == 0)
            {
                return false;
            }

            i += 2;
            if (i < s.Length && s[i] == '_')
            {
                i++;
            }
        }

        if (i >= s.Length)
        {
            return false;
        }

        ulong magnitude = 0;
        var previousUnderscore = false;
        var digits = 0;
        for (; i < s.Length; i++)
        {
            var c = s[i];
            if (c == '_')
            {
                if (previousUnderscore || digits == 0)
                {
                    return false;
                }

                previousUnderscore = true;
                continue;
            }

            previousUnderscore = false;
            var d = HexValue(c);
            if (d < 0 || d >= radix)
            {
                return false;
            }

            digits++;
            if (!overflow)
            {
                var next = (magnitude * (ulong)radix) + (ulong)d;
                if (magnitude > (ulong.MaxValue - (ulong)d) / (ulong)radix || next > (ulong)long.MaxValue + 1UL)
                {
                    overflow = true;
                }
                else
                {
                    magnitude = next;
                }
            }
        }

        if (previousUnderscore)
        {
            return false;
        }

        if (!overflow)
        {
            if (!negative && magnitude > long.MaxValue)
            {
                overflow = true;
            }
            else
            {
                value = negative ? unchecked(-(long)magnitude) : (long)magnitude;
            }
        }

        return true;
    }

    /// <summary>Accepts what Python's <c>float()</c> accepts for the FLOAT opcode.</summary>
    public static bool IsFloatLiteral(string text)
    {
        var s = text.Trim();
        var lower = s.TrimStart('+', '-').ToLowerInvariant();
        if (lower is "inf" or "infinity" or "nan")
        {
            return true;
        }

        return double.TryParse(s.Replace("_", string.Empty), NumberStyles.Float, CultureInfo.InvariantCulture, out _);
    }

    private static readonly UTF8Encoding StrictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    private static bool TryParseHex(ReadOnlySpan<byte> digits, out uint value)
    {
        value = 0;
        foreach (var b in digits)
        {
            var d = HexValue((char)b);
            if (d < 0 || d > 15)
            {
                return false;
            }

            value = (value << 4) | (uint)d;
        }

        return true;
    }

    private static int HexValue(char c) => c switch
    {
        >= '0' and <= '9' => c - '0',
        >= 'a' and <= 'z' => c - 'a' + 10,
        >= 'A' and <= 'Z' => c - 'A' + 10,
        _ => -1,
    };
}
