using ModelGuard.Engine.Rules;

namespace ModelGuard.Engine.Formats.Onnx;

/// <summary>One problem in an ONNX model or a GenAI config: the rule, where it is (null when it is about the whole file) and what is wrong.</summary>
internal sealed class OnnxIssue
{
    public OnnxIssue(RuleDescriptor rule, long? offset, string message)
    {
        Rule = rule;
        Offset = offset;
        Message = message;
    }

    public RuleDescriptor Rule { get; }

    public long? Offset { get; }

    public string Message { get; }

    public override string ToString() => $"{Rule.Id} at {Offset?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "-"}: {Message}";
}
