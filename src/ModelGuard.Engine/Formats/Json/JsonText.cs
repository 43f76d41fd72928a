using System.Globalization;
using System.Text;

namespace ModelGuard.Engine.Formats.Json;

/// <summary>Writes JSON string literals the way serde_json and the lock file writer want them: minimal escapes, lowercase \u.</summary>
internal static class JsonText
{
    /// <summary>Appends <paramref name="value"/> to <paramref name="text"/> as a quoted, escaped JSON string.</summary>
    public static StringBuilder AppendQuoted(StringBuilder text, string value)
    {
        text.Append('"');
        foreach (var c in value)
        {
            switch (c)
            {
                case '"': text.Append("\\\""); break;
                case '\\': text.Append("\\\\"); break;
                case '\n': text.Append("\\n"); break;
                case '\r': text.Append("\\r"); break;
                case '\t': text.Append("\\t"); break;
                case '\b': text.Append("\\b"); break;
                case '\f': text.Append("\\f"); break;
                default:
                    if (c < 0x20)
                    {
                        text.Append("\\u").Append(((int)c).ToString("x4", CultureInfo.InvariantCulture));
                    }
                    else
                    {
                        text.Append(c);
                    }

                    break;
            }
        }

        return text.Append('"');
    }
}
