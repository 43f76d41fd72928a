using System.Collections.Generic;
using System.Globalization;
using System.Text;

namespace ModelGuard.Engine.Formats.Safetensors;

/// <summary>Formats names, shapes and lists for messages; hostile names are escaped and shortened.</summary>
internal static class SafetensorsText
{
    private const int MaxShownName = 120;
    private const int MaxShownDims = 8;
    private const int MaxListed = 5;

    /// <summary>A name in single quotes, control and format characters escaped, long names cut.</summary>
    public static string Quote(string name)
    {
        var text = new StringBuilder(name.Length + 2).Append('\'');
        var shown = 0;
        foreach (var c in name)
        {
            if (shown == MaxShownName)
            {
                text.Append("...");
                break;
            }

            if (char.IsControl(c) || char.IsSurrogate(c) || CharUnicodeInfo.GetUnicodeCategory(c) == UnicodeCategory.Format || c == '\'')
            {
                text.Append("\\u").Append(((int)c).ToString("X4", CultureInfo.InvariantCulture));
            }
            else
            {
                text.Append(c);
            }

            shown++;
        }

        text.Append('\'');
        if (name.Length > MaxShownName)
        {
            text.Append(" (").Append(name.Length.ToString(CultureInfo.InvariantCulture)).Append(" characters)");
        }

        return text.ToString();
    }

    /// <summary><c>F32[2, 3]</c>; <c>F32[]</c> for a scalar.</summary>
    public static string Tensor(SafetensorsDtype dtype, IReadOnlyList<ulong> shape) => dtype.Name() + Shape(shape);

    /// <summary><c>[2, 3]</c>, long shapes shortened.</summary>
    public static string Shape(IReadOnlyList<ulong> shape)
    {
        var text = new StringBuilder("[");
        for (var i = 0; i < shape.Count; i++)
        {
            if (i == MaxShownDims)
            {
                text.Append(", ... (").Append(shape.Count.ToString(CultureInfo.InvariantCulture)).Append(" dimensions)");
                break;
            }

            if (i > 0)
            {
                text.Append(", ");
            }

            text.Append(shape[i].ToString(CultureInfo.InvariantCulture));
        }

        return text.Append(']').ToString();
    }

    /// <summary>Up to five quoted names, then how many more.</summary>
    public static string List(IReadOnlyList<string> names)
    {
        var shown = new List<string>();
        for (var i = 0; i < names.Count && i < MaxListed; i++)
        {
            shown.Add(Quote(names[i]));
        }

        return JoinShown(shown, names.Count);
    }

    /// <summary>Up to five already formatted items, then how many more.</summary>
    public static string JoinShown(IReadOnlyList<string> items) => JoinShown(items, items.Count);

    private static string JoinShown(IReadOnlyList<string> items, int total)
    {
        var text = new StringBuilder();
        for (var i = 0; i < items.Count && i < MaxListed; i++)
        {
            if (i > 0)
            {
                text.Append(", ");
            }

            text.Append(items[i]);
        }

        if (total > MaxListed)
        {
            text.Append(" and ").Append((total - MaxListed).ToString(CultureInfo.InvariantCulture)).Append(" more");
        }

        return text.ToString();
    }

    /// <summary>"1 tensor", "3 tensors", "2 entries".</summary>
    public static string Count(long count, string noun)
        => count.ToString(CultureInfo.InvariantCulture) + " " + (count == 1 ? noun : noun.EndsWith("y", System.StringComparison.Ordinal) ? noun.Substring(0, noun.Length - 1) + "ies" : noun + "s");

    /// <summary>How a token reads in a message: "a number", "an array", ...</summary>
    public static string Kind(Json.JsonTokenKind kind) => kind switch
    {
        Json.JsonTokenKind.StartObject => "an object",
        Json.JsonTokenKind.StartArray => "an array",
        Json.JsonTokenKind.String => "a string",
        Json.JsonTokenKind.Number => "a number",
        Json.JsonTokenKind.True or Json.JsonTokenKind.False => "a boolean",
        Json.JsonTokenKind.Null => "null",
        _ => "nothing",
    };
}
