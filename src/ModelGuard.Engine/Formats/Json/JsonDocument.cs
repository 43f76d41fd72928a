using System.Collections.Generic;
using System.IO;

namespace ModelGuard.Engine.Formats.Json;

/// <summary>Builds a <see cref="JsonNode"/> tree from a reader, iteratively (the reader's depth limit bounds the stack).</summary>
internal static class JsonDocument
{
    /// <summary>Parses <paramref name="length"/> bytes of <paramref name="content"/> with the default options (RFC 8259, depth 128).</summary>
    /// <exception cref="JsonReaderException">The input is refused.</exception>
    public static JsonNode Parse(Stream content, long length)
    {
        using var reader = new JsonReader(content, length, 0, JsonReaderOptions.Default);
        return Parse(reader);
    }

    /// <summary>Parses the whole input: one value, then only whitespace.</summary>
    /// <exception cref="JsonReaderException">The input is refused.</exception>
    public static JsonNode Parse(JsonReader reader)
    {
        var stack = new Stack<Frame>();
        JsonNode? root = null;
        while (reader.Read())
        {
            JsonNode? node = null;
            switch (reader.TokenKind)
            {
                case JsonTokenKind.PropertyName:
                    var frame = stack.Peek();
                    frame.Name = reader.GetString();
                    frame.NameOffset = reader.TokenOffset;
                    continue;

                case JsonTokenKind.EndObject:
                case JsonTokenKind.EndArray:
                    stack.Pop();
                    continue;

                case JsonTokenKind.StartObject:
                    node = new JsonObjectNode(reader.TokenOffset);
                    break;

                case JsonTokenKind.StartArray:
                    node = new JsonArrayNode(reader.TokenOffset);
                    break;

                case JsonTokenKind.String:
                    node = new JsonStringNode(reader.TokenOffset, reader.GetString());
                    break;

                case JsonTokenKind.Number:
                    node = new JsonNumberNode(reader.TokenOffset, reader.GetNumber());
                    break;

                default:
                    node = new JsonLiteralNode(reader.TokenOffset, reader.TokenKind);
                    break;
            }

            if (stack.Count == 0)
            {
                root = node;
            }
            else
            {
                var parent = stack.Peek();
                if (parent.Node is JsonObjectNode obj)
                {
                    obj.Members.Add(new JsonMember(parent.Name!, parent.NameOffset, node));
                }
                else
                {
                    ((JsonArrayNode)parent.Node).Items.Add(node);
                }
            }

            if (node is JsonObjectNode or JsonArrayNode)
            {
                stack.Push(new Frame(node));
            }
        }

        reader.ReadEndOfInput();
        return root!;
    }

    private sealed class Frame
    {
        public Frame(JsonNode node) => Node = node;

        public JsonNode Node { get; }

        public string? Name { get; set; }

        public long NameOffset { get; set; }
    }
}
