using System;
using System.Collections.Generic;
using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;

namespace ModelGuard.Engine.Formats.Gguf;

/// <summary>The kind of a token inside a Jinja tag.</summary>
internal enum JinjaTokenKind
{
    Name,
    String,
    Number,
    Operator,
}

/// <summary>One token inside a <c>{{ }}</c> or <c>{% %}</c> tag; strings carry their decoded value.</summary>
internal readonly struct JinjaToken
{
    public JinjaToken(JinjaTokenKind kind, string value, int offset)
    {
        Kind = kind;
        Value = value;
        Offset = offset;
    }

    public JinjaTokenKind Kind { get; }

    public string Value { get; }

    /// <summary>Where the token starts in the template (UTF-16 chars).</summary>
    public int Offset { get; }
}

/// <summary>The tokens of one <c>{{ ... }}</c> (print) or <c>{% ... %}</c> (statement) tag.</summary>
internal sealed class JinjaTag
{
    public JinjaTag(bool isPrint, int offset, IReadOnlyList<JinjaToken> tokens)
    {
        IsPrint = isPrint;
        Offset = offset;
        Tokens = tokens;
    }

    public bool IsPrint { get; }

    public int Offset { get; }

    public IReadOnlyList<JinjaToken> Tokens { get; }
}

/// <summary>
/// Splits a Jinja template into its tags and their tokens, as Jinja's lexer (<c>jinja2/lexer.py</c>) does with the default
/// delimiters: text, <c>{# #}</c> comments and <c>{% raw %}</c> blocks are data and produce no tokens; whitespace control
/// (<c>-</c>, <c>+</c>) is accepted; brackets balance, so <c>}}</c> inside a dict literal does not end a print tag; string
/// literals are decoded (escapes such as <c>\x5f</c>). It never parses or renders anything.
/// </summary>
internal static class JinjaLexer
{
    private static readonly string[] Operators = { "//", "**", "==", "!=", ">=", "<=", "+", "-", "*", "/", "%", "~", "[", "]", "(", ")", "{", "}", ".", ",", ":", "|", "=", "<", ">", "!", ";" };

    private static readonly Regex EndRaw = new(@"\{%[-+]?\s*endraw\s*[-+]?%\}", RegexOptions.CultureInvariant);

    private static readonly Regex RawTag = new(@"\G\{%[-+]?\s*raw\s*[-+]?%\}", RegexOptions.CultureInvariant);

    /// <summary>Tokenizes <paramref name="template"/>; null and an error with its offset when Jinja would not lex it either.</summary>
    public static IReadOnlyList<JinjaTag>? Tokenize(string template, out string? error, out int errorOffset)
    {
        var tags = new List<JinjaTag>();
        error = null;
        errorOffset = 0;
        var position = 0;
        while (position < template.Length)
        {
            var open = template.IndexOf('{', position);
            if (open < 0 || open + 1 >= template.Length)
            {
                break;
            }

            var next = template[open + 1];
            if (next == '#')
            {
                var close = template.IndexOf("#}", open + 2, StringComparison.Ordinal);
                if (close < 0)
                {
                    return Fail("a {# comment is never closed", open, out error, out errorOffset);
                }

                position = close + 2;
                continue;
            }

            if (next != '%' && next != '{')
            {
                position = open + 1;
                continue;
            }

            if (next == '%' && RawTag.Match(template, open) is { Success: true } raw)
            {
                var end = EndRaw.Match(template, raw.Index + raw.Length);
                if (!end.Success)
                {
                    return Fail("a {% raw %} block is never closed with {% endraw %}", open, out error, out errorOffset);
                }

                position = end.Index + end.Length;
                continue;
            }

            var tokens = new List<JinjaToken>();
            var after = LexTag(template, open, next == '{', tokens, out error, out errorOffset);
            if (after < 0)
            {
                return null;
            }

            tags.Add(new JinjaTag(next == '{', open, tokens));
            position = after;
        }

        return tags;
    }

    /// <summary>Lexes the tag opening at <paramref name="open"/>; returns the offset after its closing delimiter, or -1.</summary>
    private static int LexTag(string text, int open, bool isPrint, List<JinjaToken> tokens, out string? error, out int errorOffset)
    {
        error = null;
        errorOffset = 0;
        var i = open + 2;
        if (i < text.Length && (text[i] == '-' || text[i] == '+'))
        {
            i++;
        }

        var closer = isPrint ? '}' : '%';
        var depth = 0;
        while (true)
        {
            while (i < text.Length && char.IsWhiteSpace(text[i]))
            {
                i++;
            }

            if (i >= text.Length)
            {
                Fail($"a tag opened with '{text.Substring(open, 2)}' is never closed", open, out error, out errorOffset);
                return -1;
            }

            // The closing delimiter, optionally after a whitespace-control sign; inside brackets '}' closes a bracket instead.
            var sign = (text[i] == '-' || text[i] == '+') && i + 2 < text.Length && text[i + 1] == closer && text[i + 2] == '}' ? 1 : 0;
            if (depth == 0 && i + sign + 1 < text.Length && text[i + sign] == closer && text[i + sign + 1] == '}')
            {
                return i + sign + 2;
            }

            var c = text[i];
            if (c == '\'' || c == '"')
            {
                var end = LexString(text, i, out var value);
                if (end < 0)
                {
                    Fail("a string literal is never closed", i, out error, out errorOffset);
                    return -1;
                }

                tokens.Add(new JinjaToken(JinjaTokenKind.String, value, i));
                i = end;
            }
            else if (char.IsDigit(c))
            {
                var start = i;
                while (i < text.Length && (char.IsLetterOrDigit(text[i]) || text[i] == '_' || (text[i] == '.' && i + 1 < text.Length && char.IsDigit(text[i + 1]))))
                {
                    i++;
                }

                tokens.Add(new JinjaToken(JinjaTokenKind.Number, text.Substring(start, i - start), start));
            }
            else if (char.IsLetter(c) || c == '_')
            {
                var start = i;
                while (i < text.Length && (char.IsLetterOrDigit(text[i]) || text[i] == '_'))
                {
                    i++;
                }

                tokens.Add(new JinjaToken(JinjaTokenKind.Name, text.Substring(start, i - start), start));
            }
            else
            {
                var op = Array.Find(Operators, o => string.CompareOrdinal(text, i, o, 0, o.Length) == 0);
                if (op is null)
                {
                    Fail($"unexpected character '{c}' inside a tag", i, out error, out errorOffset);
                    return -1;
                }

                depth += op is "(" or "[" or "{" ? 1 : op is ")" or "]" or "}" ? -1 : 0;
                if (depth < 0)
                {
                    Fail($"unbalanced '{op}' inside a tag", i, out error, out errorOffset);
                    return -1;
                }

                tokens.Add(new JinjaToken(JinjaTokenKind.Operator, op, i));
                i += op.Length;
            }
        }
    }

    /// <summary>Reads a quoted literal at <paramref name="start"/> and decodes Python's escapes; returns the offset after it, or -1.</summary>
    private static int LexString(string text, int start, out string value)
    {
        var quote = text[start];
        var builder = new StringBuilder();
        var i = start + 1;
        while (i < text.Length)
        {
            var c = text[i];
            if (c == quote)
            {
                value = builder.ToString();
                return i + 1;
            }

            if (c != '\\' || i + 1 >= text.Length)
            {
                builder.Append(c);
                i++;
                continue;
            }

            i = DecodeEscape(text, i, builder);
        }

        value = string.Empty;
        return -1;
    }

    /// <summary>Decodes the escape at <paramref name="backslash"/> (Python's string escapes); returns the offset after it.</summary>
    private static int DecodeEscape(string text, int backslash, StringBuilder builder)
    {
        var e = text[backslash + 1];
        switch (e)
        {
            case 'n': builder.Append('\n'); return backslash + 2;
            case 't': builder.Append('\t'); return backslash + 2;
            case 'r': builder.Append('\r'); return backslash + 2;
            case '0' or '1' or '2' or '3' or '4' or '5' or '6' or '7':
                var octalEnd = backslash + 1;
                while (octalEnd < text.Length && octalEnd < backslash + 4 && text[octalEnd] >= '0' && text[octalEnd] <= '7')
                {
                    octalEnd++;
                }

                builder.Append((char)Convert.ToInt32(text.Substring(backslash + 1, octalEnd - backslash - 1), 8));
                return octalEnd;
            case 'x' or 'u' or 'U':
                var digits = e == 'x' ? 2 : e == 'u' ? 4 : 8;
                if (backslash + 2 + digits <= text.Length
                    && int.TryParse(text.Substring(backslash + 2, digits), NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out var code)
                    && code >= 0 && code <= 0x10FFFF)
                {
                    builder.Append(char.ConvertFromUtf32(code >= 0xD800 && code <= 0xDFFF ? 0xFFFD : code));
                    return backslash + 2 + digits;
                }

                builder.Append('\\').Append(e);
                return backslash + 2;
            default:
                // \\, \', \" and unknown escapes (which Python keeps with their backslash).
                if (e is not ('\\' or '\'' or '"' or 'a' or 'b' or 'f' or 'v' or '\n'))
                {
                    builder.Append('\\');
                }

                builder.Append(e switch { 'a' => '\a', 'b' => '\b', 'f' => '\f', 'v' => '\v', '\n' => '\0', _ => e });
                if (e == '\n')
                {
                    builder.Length--;
                }

                return backslash + 2;
        }
    }

    private static IReadOnlyList<JinjaTag>? Fail(string message, int offset, out string? error, out int errorOffset)
    {
        error = message;
        errorOffset = offset;
        return null;
    }
}
