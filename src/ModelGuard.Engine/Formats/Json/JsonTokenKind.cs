namespace ModelGuard.Engine.Formats.Json;

/// <summary>The token <see cref="JsonReader"/> stands on.</summary>
internal enum JsonTokenKind
{
    /// <summary>Before the first token, or after the top-level value.</summary>
    None = 0,

    /// <summary><c>{</c>.</summary>
    StartObject,

    /// <summary><c>}</c>.</summary>
    EndObject,

    /// <summary><c>[</c>.</summary>
    StartArray,

    /// <summary><c>]</c>.</summary>
    EndArray,

    /// <summary>An object member's name (a string followed by <c>:</c>).</summary>
    PropertyName,

    /// <summary>A string value.</summary>
    String,

    /// <summary>A number.</summary>
    Number,

    /// <summary><c>true</c>.</summary>
    True,

    /// <summary><c>false</c>.</summary>
    False,

    /// <summary><c>null</c>.</summary>
    Null,
}
