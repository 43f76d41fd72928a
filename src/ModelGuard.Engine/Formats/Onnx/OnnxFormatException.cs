using System;
using ModelGuard.Engine.Rules;

namespace ModelGuard.Engine.Formats.Onnx;

/// <summary>The model cannot be read past <see cref="Offset"/>: malformed protobuf (MG5020) or a structural limit (MG5025).</summary>
internal sealed class OnnxFormatException : Exception
{
    public OnnxFormatException(RuleDescriptor rule, long offset, string message)
        : base(message)
    {
        Rule = rule;
        Offset = offset;
    }

    public RuleDescriptor Rule { get; }

    public long Offset { get; }
}
