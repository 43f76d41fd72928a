using System;
using System.Collections.Generic;
using System.Text.RegularExpressions;
using ModelGuard.Engine.Rules;

namespace ModelGuard.Engine.Formats.Gguf;

/// <summary>
/// Checks the chat templates a GGUF file carries without rendering them. A front end that renders a template with an
/// unsandboxed Jinja environment (llama-cpp-python before 0.2.72, CVE-2024-34359) runs whatever Python the template
/// reaches through attribute lookups, so a template that names Python internals is an error. Tokens decide, not
/// substrings: text outside tags is output, and a string literal that is only printed or compared stays data, as in Jinja.
/// </summary>
internal static class ChatTemplateChecker
{
    /// <summary>Names that reach modules, code execution or the object graph from a template (besides every dunder name).</summary>
    private static readonly HashSet<string> DangerousNames = new HashSet<string>(StringComparer.Ordinal)
    {
        "os", "sys", "subprocess", "popen", "eval", "exec", "mro", "builtins", "importlib", "getattr", "globals", "func_globals", "gi_frame", "f_globals", "f_locals", "f_back",
    };

    private static readonly Regex Dunder = new("__[A-Za-z0-9_]*__", RegexOptions.CultureInvariant);

    /// <summary>Checks every chat template of <paramref name="header"/>.</summary>
    public static void Check(GgufHeader header, GgufIssueList issues)
    {
        foreach (var entry in header.ChatTemplates)
        {
            if (entry.Text is null)
            {
                issues.Add(RuleCatalog.GgufChatTemplateUnverified, entry.Offset, $"{entry.Key} is {entry.TextLength} bytes long, more than the {GgufHeaderReader.MaxTemplateBytes} bytes a template may have to be checked; it was not verified");
                continue;
            }

            var template = GgufText.DecodeUtf8(entry.Text);
            foreach (var finding in Find(template))
            {
                issues.Add(finding.Rule, entry.ValueOffset, $"{entry.Key}: {finding.Message}");
            }
        }
    }

    /// <summary>What is wrong with one template (template offsets are in UTF-16 chars), empty when nothing is.</summary>
    public static IReadOnlyList<(RuleDescriptor Rule, string Message)> Find(string template)
    {
        var found = new List<(RuleDescriptor, string)>();
        var tags = JinjaLexer.Tokenize(template, out var error, out var errorOffset);
        if (tags is null)
        {
            found.Add((RuleCatalog.GgufChatTemplateUnverified, $"the template cannot be tokenized as Jinja at character {errorOffset}: {error}; Jinja would refuse it too, but it was not verified"));
            return found;
        }

        foreach (var tag in tags)
        {
            for (var i = 0; i < tag.Tokens.Count; i++)
            {
                var reason = Reason(tag, i);
                if (reason is not null)
                {
                    found.Add((RuleCatalog.GgufChatTemplateReachesPython, $"at character {tag.Tokens[i].Offset}: {reason}"));
                }
            }
        }

        return found;
    }

    private static string? Reason(JinjaTag tag, int index)
    {
        var token = tag.Tokens[index];
        if (token.Kind == JinjaTokenKind.Name)
        {
            if (token.Value.StartsWith("__", StringComparison.Ordinal))
            {
                return $"the name '{token.Value}' is a Python dunder name; through it a template reaches Python internals (classes, globals, builtins)";
            }

            if (DangerousNames.Contains(token.Value))
            {
                return $"the name '{token.Value}' reaches modules, code execution or the object graph of the process";
            }

            if (token.Value == "attr" && Previous(tag, index) is { Value: "|" } && !IsHarmlessLiteralArgument(tag, index))
            {
                return "the attr filter is given an attribute name that is not a plain literal, so what it looks up cannot be verified";
            }

            return null;
        }

        if (token.Kind == JinjaTokenKind.String && (Dunder.IsMatch(token.Value) || DangerousNames.Contains(token.Value) || (IsBuildingBlock(token.Value) && IsConcatenated(tag, index))))
        {
            return IsPrintedOrCompared(tag, index)
                ? null
                : $"the string '{Shorten(token.Value)}' is used as an attribute name or to build one (a subscript, an attribute filter, str.format or concatenation), which reaches Python internals";
        }

        return null;
    }

    /// <summary>Pieces that concatenate to a dunder name: all underscores, or a leading or trailing double underscore.</summary>
    private static bool IsBuildingBlock(string value)
        => value.Length > 0 && (value.Trim('_').Length == 0 || value.StartsWith("__", StringComparison.Ordinal) || value.EndsWith("__", StringComparison.Ordinal));

    private static bool IsConcatenated(JinjaTag tag, int index)
        => Previous(tag, index) is { Value: "~" or "+" or "*" or "%" } || Next(tag, index) is { Value: "~" or "+" or "*" or "%" or "." };

    /// <summary>A literal that is the whole of a print tag, or an operand of a comparison or membership test, stays data.</summary>
    private static bool IsPrintedOrCompared(JinjaTag tag, int index)
    {
        if (tag.IsPrint && tag.Tokens.Count == 1)
        {
            return true;
        }

        var previous = Previous(tag, index);
        var next = Next(tag, index);
        var comparedBefore = previous is { Value: "==" or "!=" or "in" } && next is null or { Value: "and" or "or" or ")" or "%" or "}" or "else" or "if" };
        var comparedAfter = next is { Value: "==" or "!=" or "in" or "not" } && previous is null or { Value: "(" or "if" or "and" or "or" or "elif" or "not" };
        return comparedBefore || comparedAfter;
    }

    private static bool IsHarmlessLiteralArgument(JinjaTag tag, int index)
        => Next(tag, index) is { Value: "(" } && index + 3 < tag.Tokens.Count && tag.Tokens[index + 2].Kind == JinjaTokenKind.String
           && tag.Tokens[index + 3].Value == ")" && !Dunder.IsMatch(tag.Tokens[index + 2].Value) && !DangerousNames.Contains(tag.Tokens[index + 2].Value);

    private static JinjaToken? Previous(JinjaTag tag, int index) => index > 0 ? tag.Tokens[index - 1] : null;

    private static JinjaToken? Next(JinjaTag tag, int index) => index + 1 < tag.Tokens.Count ? tag.Tokens[index + 1] : null;

    private static string Shorten(string value) => value.Length > 40 ? value.Substring(0, 40) + "..." : value;
}
