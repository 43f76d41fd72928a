using System;
using System.Collections.Generic;
using System.Globalization;
using ModelGuard.Engine.Formats.Json;

namespace ModelGuard.Engine.Integrity.Signing;

/// <summary>
/// Typed access to the JSON of bundles, statements and trusted roots, read with the engine's strict reader. A key given twice
/// anywhere is refused: two parsers keeping different copies is how signed and verified content part ways. Unknown fields are
/// ignored, as protobuf JSON and the model_signing v1.0 predicate require of verifiers.
/// </summary>
internal static class SigningJson
{
    private const int MaxDepth = 32;

    public static JsonObjectNode ParseObject(byte[] content, string what)
    {
        JsonNode root;
        try
        {
            using var reader = new JsonReader(content, new JsonReaderOptions { MaxDepth = MaxDepth });
            root = JsonDocument.Parse(reader);
        }
        catch (JsonReaderException ex)
        {
            throw new SignatureFormatException($"the {what} is not valid JSON: {ex.Message.TrimEnd('.')}");
        }

        CheckDuplicates(root, what);
        return root as JsonObjectNode ?? throw new SignatureFormatException($"the {what} must be a JSON object, not {root.KindName}");
    }

    public static JsonObjectNode? OptionalObject(JsonObjectNode obj, string name, string where) => obj.Last(name)?.Value switch
    {
        null or JsonLiteralNode { Kind: JsonTokenKind.Null } => null,
        JsonObjectNode o => o,
        var other => throw new SignatureFormatException($"{where}.{name} is {other.KindName}, not an object"),
    };

    public static JsonObjectNode RequiredObject(JsonObjectNode obj, string name, string where) =>
        OptionalObject(obj, name, where) ?? throw new SignatureFormatException($"{where} has no \"{name}\"");

    public static string? OptionalString(JsonObjectNode obj, string name, string where) => obj.Last(name)?.Value switch
    {
        null or JsonLiteralNode { Kind: JsonTokenKind.Null } => null,
        JsonStringNode s => s.Value,
        var other => throw new SignatureFormatException($"{where}.{name} is {other.KindName}, not a string"),
    };

    public static string RequiredString(JsonObjectNode obj, string name, string where) =>
        OptionalString(obj, name, where) is { Length: > 0 } s ? s : throw new SignatureFormatException($"{where} has no \"{name}\"");

    public static byte[] RequiredBase64(JsonObjectNode obj, string name, string where)
    {
        var text = RequiredString(obj, name, where);
        return DecodeBase64(text, $"{where}.{name}");
    }

    public static byte[] DecodeBase64(string text, string where)
    {
        // protobuf JSON accepts the standard and the URL-safe alphabet, with or without padding.
        var normalized = text.Replace('-', '+').Replace('_', '/');
        normalized = normalized.PadRight(normalized.Length + ((4 - (normalized.Length % 4)) % 4), '=');
        try
        {
            return Convert.FromBase64String(normalized);
        }
        catch (FormatException)
        {
            throw new SignatureFormatException($"{where} is not valid base64");
        }
    }

    public static IReadOnlyList<JsonNode> OptionalArray(JsonObjectNode obj, string name, string where) => obj.Last(name)?.Value switch
    {
        null or JsonLiteralNode { Kind: JsonTokenKind.Null } => Array.Empty<JsonNode>(),
        JsonArrayNode a => a.Items,
        var other => throw new SignatureFormatException($"{where}.{name} is {other.KindName}, not an array"),
    };

    public static JsonObjectNode AsObject(JsonNode node, string where) =>
        node as JsonObjectNode ?? throw new SignatureFormatException($"{where} is {node.KindName}, not an object");

    /// <summary>An int64 the protobuf JSON way: a decimal string or a JSON integer.</summary>
    public static long RequiredInt64(JsonObjectNode obj, string name, string where)
    {
        var member = obj.Last(name) ?? throw new SignatureFormatException($"{where} has no \"{name}\"");
        var text = member.Value switch
        {
            JsonStringNode s => s.Value,
            JsonNumberNode { Number.IsInteger: true } n => n.Number.Text,
            var other => throw new SignatureFormatException($"{where}.{name} is {other.KindName}, not an integer"),
        };
        return long.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var value) && value >= 0
            ? value
            : throw new SignatureFormatException($"{where}.{name} '{text}' is not a non-negative 64-bit integer");
    }

    public static DateTimeOffset? OptionalTimestamp(JsonObjectNode obj, string name, string where)
    {
        if (OptionalString(obj, name, where) is not { } text)
        {
            return null;
        }

        return DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out var time)
            ? time
            : throw new SignatureFormatException($"{where}.{name} '{text}' is not an RFC 3339 time");
    }

    private static void CheckDuplicates(JsonNode root, string what)
    {
        var pending = new Stack<JsonNode>();
        pending.Push(root);
        while (pending.Count > 0)
        {
            switch (pending.Pop())
            {
                case JsonObjectNode obj:
                    var seen = new HashSet<string>(StringComparer.Ordinal);
                    foreach (var member in obj.Members)
                    {
                        if (!seen.Add(member.Name))
                        {
                            throw new SignatureFormatException($"the {what} has the key \"{member.Name}\" twice in one object");
                        }

                        pending.Push(member.Value);
                    }

                    break;
                case JsonArrayNode array:
                    foreach (var item in array.Items)
                    {
                        pending.Push(item);
                    }

                    break;
            }
        }
    }
}
