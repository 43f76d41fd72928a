namespace ModelGuard.Engine.Rules;

/// <summary>Rule categories, usable in <c>dotnet_analyzer_diagnostic.category-&lt;Category&gt;.severity</c>.</summary>
public static class RuleCategories
{
    /// <summary>Pickle content that runs code or cannot be verified.</summary>
    public const string Pickle = "ModelGuard.Pickle";

    /// <summary>Safetensors files and sharded safetensors indexes that the reference reader refuses or that readers interpret differently.</summary>
    public const string Safetensors = "ModelGuard.Safetensors";

    /// <summary>ONNX models, their external data files and ONNX Runtime GenAI model folders.</summary>
    public const string Onnx = "ModelGuard.Onnx";

    /// <summary>GGUF files (llama.cpp, LLamaSharp) that llama.cpp refuses or misreads, and chat templates that reach Python internals.</summary>
    public const string Gguf = "ModelGuard.Gguf";

    /// <summary>Archives and wrappers around model content.</summary>
    public const string Container = "ModelGuard.Container";

    /// <summary>Problems of the scanner itself or of its inputs.</summary>
    public const string Infrastructure = "ModelGuard.Infrastructure";

    /// <summary>Problems in the configuration that tunes ModelGuard (.editorconfig, global configs).</summary>
    public const string Configuration = "ModelGuard.Configuration";

    /// <summary>Pinning bundled models by hash (models.lock.json).</summary>
    public const string Integrity = "ModelGuard.Integrity";
}
