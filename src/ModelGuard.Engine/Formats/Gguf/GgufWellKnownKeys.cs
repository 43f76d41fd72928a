using System;
using System.Collections.Generic;

namespace ModelGuard.Engine.Formats.Gguf;

/// <summary>
/// Keys whose type the specification (<c>docs/gguf.md</c>, "Standardized key-value pairs") fixes and llama.cpp relies on:
/// llama.cpp's <c>get_key</c>/<c>get_arr</c> refuse a key of another type, and the tokenizer arrays are indexed together.
/// </summary>
internal static class GgufWellKnownKeys
{
    public const string Alignment = "general.alignment";
    public const string Tokens = "tokenizer.ggml.tokens";
    public const string Scores = "tokenizer.ggml.scores";
    public const string TokenTypes = "tokenizer.ggml.token_type";
    public const string ChatTemplate = "tokenizer.chat_template";

    /// <summary>The expected type of each tracked key, as gguf.cpp names types (<c>arr[str]</c> is an array of strings).</summary>
    public static readonly IReadOnlyDictionary<string, string> ExpectedTypes = new Dictionary<string, string>(StringComparer.Ordinal)
    {
        [Alignment] = "u32",
        ["general.architecture"] = "str",
        ["general.name"] = "str",
        ["general.file_type"] = "u32",
        ["general.quantization_version"] = "u32",
        ["tokenizer.ggml.model"] = "str",
        ["tokenizer.ggml.pre"] = "str",
        [Tokens] = "arr[str]",
        [Scores] = "arr[f32]",
        [TokenTypes] = "arr[i32]",
        ["tokenizer.ggml.merges"] = "arr[str]",
        ["tokenizer.ggml.bos_token_id"] = "u32",
        ["tokenizer.ggml.eos_token_id"] = "u32",
        ["tokenizer.ggml.unknown_token_id"] = "u32",
        ["tokenizer.ggml.seperator_token_id"] = "u32",
        ["tokenizer.ggml.padding_token_id"] = "u32",
        ["tokenizer.ggml.add_bos_token"] = "bool",
        ["tokenizer.ggml.add_eos_token"] = "bool",
        [ChatTemplate] = "str",
    };

    /// <summary>Whether the reader records the key's type and value.</summary>
    public static bool IsTracked(string key) => ExpectedTypes.ContainsKey(key) || IsChatTemplate(key);

    /// <summary><c>tokenizer.chat_template</c> and the named templates <c>tokenizer.chat_template.&lt;name&gt;</c>.</summary>
    public static bool IsChatTemplate(string key)
        => key == ChatTemplate || (key.StartsWith(ChatTemplate + ".", StringComparison.Ordinal) && key.Length > ChatTemplate.Length + 1);
}
