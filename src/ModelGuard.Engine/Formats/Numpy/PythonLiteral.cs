using System;
using System.Collections.Generic;
using System.Globalization;
using System.Text;

namespace ModelGuard.Engine.Formats.Numpy;

/// <summary>
/// The subset of Python literals an .npy header uses (dicts, lists, tuples, strings, ints, True/False/None), read the way
/// numpy reads them with <c>ast.literal_eval</c>: as data, never evaluated. Strings come back as <see cref="string"/>,
/// ints as <see cref="long"/> (null for True/False/None is avoided: booleans are <see cref="bool"/>), containers as lists.
/// </summary>
internal sealed class PythonLiteral
{
    private const int MaxDepth = 32;

    private readonly string _text;
    private int _position;

    private PythonLiteral(string text) => _text = text;

    /// <summary>Parses <paramref name="text"/>; throws <see cref="FormatException"/> with the offset of the problem.</summary>
    public static object? Parse(string text)
    {
        var parser = new PythonLiteral(text);
        var value = parser.ParseValue(0);
        parser.SkipSpace();
        if (parser._position != text.Length)
        {
            throw parser.Error("unexpected text after the literal");
        }

        return value;
    }

    private object? ParseValue(int depth)
    {
        if (depth > MaxDepth)
        {
            throw Error("nesting is too deep");
        }

        SkipSpace();
        if (_position >= _text.Length)
        {
            throw Error("the literal ends early");
        }

        var c = _text[_position];
        switch (c)
        {
            case '{':
                return ParseDict(depth);
            case '[':
                return ParseSequence(']', depth);
            case '(':
                return ParseSequence(')', depth);
            case '\'':
            case '"':
                return ParseString();
            default:
                if (c == '-' || c == '+' || char.IsDigit(c))
                {
                    return ParseInt();
                }

                return ParseName();
        }
    }

    private Dictionary<string, object?> ParseDict(int depth)
    {
        _position++;
        var dict = new Dictionary<string, object?>(StringComparer.Ordinal);
        while (true)
        {
            SkipSpace();
            if (Peek() == '}')
            {
                _position++;
                return dict;
            }

            if (ParseValue(depth + 1) is not string key)
            {
                throw Error("a dict key is not a string");
            }

            SkipSpace();
            Expect(':');
            dict[key] = ParseValue(depth + 1);
            SkipSpace();
            if (Peek() == ',')
            {
                _position++;
            }
            else if (Peek() != '}')
            {
                throw Error("expected ',' or '}'");
            }
        }
    }

    private List<object?> ParseSequence(char close, int depth)
    {
        _position++;
        var items = new List<object?>();
        while (true)
        {
            SkipSpace();
            if (Peek() == close)
            {
                _position++;
                return items;
            }

            items.Add(ParseValue(depth + 1));
            SkipSpace();
            if (Peek() == ',')
            {
                _position++;
            }
            else if (Peek() != close)
            {
                throw Error($"expected ',' or '{close}'");
            }
        }
    }

    private string ParseString()
    {
        var quote = _text[_position++];
        var builder = new StringBuilder();
        while (_position < _text.Length)
        {
            var c = _text[_position++];
            if (c == quote)
            {
                return builder.ToString();
            }

            if (c == '\\' && _position < _text.Length)
            {
                c = _text[_position++];
            }

            builder.Append(c);
        }

        throw Error("a string is not closed");
    }

    private long ParseInt()
    {
        var start = _position;
        if (_text[_position] is '-' or '+')
        {
            _position++;
        }

        while (_position < _text.Length && (char.IsDigit(_text[_position]) || _text[_position] == 'L'))
        {
            _position++;
        }

        var digits = _text.Substring(start, _position - start).TrimEnd('L');
        return long.TryParse(digits, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var value)
            ? value
            : throw Error($"'{digits}' is not an integer numpy can use");
    }

    private object? ParseName()
    {
        foreach (var (name, value) in new (string, object?)[] { ("True", true), ("False", false), ("None", null) })
        {
            if (string.CompareOrdinal(_text, _position, name, 0, name.Length) == 0)
            {
                _position += name.Length;
                return value;
            }
        }

        throw Error("unexpected character");
    }

    private void Expect(char c)
    {
        if (Peek() != c)
        {
            throw Error($"expected '{c}'");
        }

        _position++;
    }

    private char Peek() => _position < _text.Length ? _text[_position] : '\0';

    private void SkipSpace()
    {
        while (_position < _text.Length && char.IsWhiteSpace(_text[_position]))
        {
            _position++;
        }
    }

    private FormatException Error(string what) => new($"{what} at character {_position} of the header");
}
