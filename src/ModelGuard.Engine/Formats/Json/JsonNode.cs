using System;
using System.Collections.Generic;

namespace ModelGuard.Engine.Formats.Json;

/// <summary>A parsed JSON value with the offset it starts at. Objects keep their members in order, duplicates included.</summary>
internal abstract class JsonNode
{
    protected JsonNode(long offset) => Offset = offset;

    /// <summary>Offset of the value's first byte.</summary>
    public long Offset { get; }

    /// <summary>The token kind that starts the value (<see cref="JsonTokenKind.StartObject"/>, <see cref="JsonTokenKind.String"/>, ...).</summary>
    public abstract JsonTokenKind Kind { get; }

    /// <summary>"an object", "a string", ... for messages.</summary>
    public string KindName => Kind switch
    {
        JsonTokenKind.StartObject => "an object",
        JsonTokenKind.StartArray => "an array",
        JsonTokenKind.String => "a string",
        JsonTokenKind.Number => "a number",
        JsonTokenKind.True or JsonTokenKind.False => "a boolean",
        _ => "null",
    };
}

/// <summary>One object member.</summary>
internal sealed class JsonMember
{
    public JsonMember(string name, long nameOffset, JsonNode value)
    {
        Name = name;
        NameOffset = nameOffset;
        Value = value;
    }

    /// <summary>The unescaped name.</summary>
    public string Name { get; }

    /// <summary>Offset of the name's opening quote.</summary>
    public long NameOffset { get; }

    /// <summary>The member's value.</summary>
    public JsonNode Value { get; }
}

/// <summary>An object: members in document order, duplicates kept.</summary>
internal sealed class JsonObjectNode : JsonNode
{
    public JsonObjectNode(long offset)
        : base(offset)
    {
    }

    public override JsonTokenKind Kind => JsonTokenKind.StartObject;

    public List<JsonMember> Members { get; } = new();

    /// <summary>Every member with this name, in order.</summary>
    public IEnumerable<JsonMember> All(string name)
    {
        foreach (var member in Members)
        {
            if (string.Equals(member.Name, name, StringComparison.Ordinal))
            {
                yield return member;
            }
        }
    }

    /// <summary>The last member with this name (what Python's <c>json</c> and serde maps keep), or null.</summary>
    public JsonMember? Last(string name)
    {
        for (var i = Members.Count - 1; i >= 0; i--)
        {
            if (string.Equals(Members[i].Name, name, StringComparison.Ordinal))
            {
                return Members[i];
            }
        }

        return null;
    }
}

/// <summary>An array.</summary>
internal sealed class JsonArrayNode : JsonNode
{
    public JsonArrayNode(long offset)
        : base(offset)
    {
    }

    public override JsonTokenKind Kind => JsonTokenKind.StartArray;

    public List<JsonNode> Items { get; } = new();
}

/// <summary>A string.</summary>
internal sealed class JsonStringNode : JsonNode
{
    public JsonStringNode(long offset, string value)
        : base(offset)
    {
        Value = value;
    }

    public override JsonTokenKind Kind => JsonTokenKind.String;

    public string Value { get; }
}

/// <summary>A number.</summary>
internal sealed class JsonNumberNode : JsonNode
{
    public JsonNumberNode(long offset, JsonNumber number)
        : base(offset)
    {
        Number = number;
    }

    public override JsonTokenKind Kind => JsonTokenKind.Number;

    public JsonNumber Number { get; }
}

/// <summary><c>true</c>, <c>false</c> or <c>null</c>.</summary>
internal sealed class JsonLiteralNode : JsonNode
{
    private readonly JsonTokenKind _kind;

    public JsonLiteralNode(long offset, JsonTokenKind kind)
        : base(offset)
    {
        _kind = kind;
    }

    public override JsonTokenKind Kind => _kind;
}
