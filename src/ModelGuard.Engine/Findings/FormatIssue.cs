using ModelGuard.Engine.Rules;

namespace ModelGuard.Engine.Findings;

/// <summary>One problem a format validator found (safetensors, ONNX, GGUF), before the scanner reports it as a <see cref="Finding"/>.</summary>
internal sealed class FormatIssue
{
    public FormatIssue(RuleDescriptor rule, long? offset, string message)
    {
        Rule = rule;
        Offset = offset;
        Message = message;
    }

    /// <summary>The rule.</summary>
    public RuleDescriptor Rule { get; }

    /// <summary>Where in the file, when one place applies.</summary>
    public long? Offset { get; }

    /// <summary>The message, naming the tensor or value and the numbers.</summary>
    public string Message { get; }

    /// <inheritdoc />
    public override string ToString() => Offset is { } o ? $"{Rule.Id} at {o}: {Message}" : $"{Rule.Id}: {Message}";
}
