using System.Collections.Generic;
using System.Globalization;
using System.Text;

namespace ModelGuard.Hosting.Reporting;

/// <summary>
/// A minimal, indented JSON writer: enough for a SARIF log, and no dependency (System.Text.Json would add assemblies whose versions
/// Visual Studio's MSBuild must redirect).
/// </summary>
internal sealed class JsonWriter
{
    private readonly StringBuilder _text = new();
    private readonly Stack<bool> _hasItems = new();
    private bool _afterName;

    public JsonWriter BeginObject() => Open('{');

    public JsonWriter EndObject() => Close('}');

    public JsonWriter BeginArray() => Open('[');

    public JsonWriter EndArray() => Close(']');

    public JsonWriter Name(string name)
    {
        BeforeValue();
        AppendString(name);
        _text.Append(": ");
        _afterName = true;
        return this;
    }

    public JsonWriter String(string value)
    {
        BeforeValue();
        AppendString(value);
        return this;
    }

    public JsonWriter Number(long value)
    {
        BeforeValue();
        _text.Append(value.ToString(CultureInfo.InvariantCulture));
        return this;
    }

    public JsonWriter Boolean(bool value)
    {
        BeforeValue();
        _text.Append(value ? "true" : "false");
        return this;
    }

    public JsonWriter Null()
    {
        BeforeValue();
        _text.Append("null");
        return this;
    }

    public JsonWriter Property(string name, string value) => Name(name).String(value);

    public JsonWriter Property(string name, string? value, bool nullable) => value is null && nullable ? Name(name).Null() : Name(name).String(value ?? string.Empty);

    public JsonWriter Property(string name, long? value) => value is { } number ? Name(name).Number(number) : Name(name).Null();

    public JsonWriter Property(string name, long value) => Name(name).Number(value);

    public override string ToString() => _text.ToString();

    private JsonWriter Open(char bracket)
    {
        BeforeValue();
        _text.Append(bracket);
        _hasItems.Push(false);
        return this;
    }

    private JsonWriter Close(char bracket)
    {
        var hadItems = _hasItems.Pop();
        if (hadItems)
        {
            NewLine();
        }

        _text.Append(bracket);
        return this;
    }

    private void BeforeValue()
    {
        if (_afterName)
        {
            _afterName = false;
            return;
        }

        if (_hasItems.Count > 0)
        {
            if (_hasItems.Peek())
            {
                _text.Append(',');
            }
            else
            {
                _hasItems.Pop();
                _hasItems.Push(true);
            }

            NewLine();
        }
    }

    private void NewLine() => _text.Append('\n').Append(' ', 2 * _hasItems.Count);

    private void AppendString(string value)
    {
        _text.Append('"');
        for (var i = 0; i < value.Length; i++)
        {
            var c = value[i];
            switch (c)
            {
                case '"':
                    _text.Append("\\\"");
                    break;
                case '\\':
                    _text.Append("\\\\");
                    break;
                case '\n':
                    _text.Append("\\n");
                    break;
                case '\r':
                    _text.Append("\\r");
                    break;
                case '\t':
                    _text.Append("\\t");
                    break;
                default:
                    if (c < 0x20 || c is '\u2028' or '\u2029' || char.IsSurrogate(c) && !IsPairedSurrogate(value, i))
                    {
                        _text.Append("\\u").Append(((int)c).ToString("x4", CultureInfo.InvariantCulture));
                    }
                    else
                    {
                        _text.Append(c);
                    }

                    break;
            }
        }

        _text.Append('"');
    }

    // Lone surrogates (possible in names decoded from hostile archives) are escaped so the output stays valid UTF-8.
    private static bool IsPairedSurrogate(string value, int index)
        => char.IsHighSurrogate(value[index])
            ? index + 1 < value.Length && char.IsLowSurrogate(value[index + 1])
            : index > 0 && char.IsHighSurrogate(value[index - 1]);
}
