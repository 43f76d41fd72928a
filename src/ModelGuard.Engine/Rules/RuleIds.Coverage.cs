namespace ModelGuard.Engine.Rules;

/// <summary>Rule IDs for model content this version recognises but does not verify, and for code shipped beside models.</summary>
public static partial class RuleIds
{
    /// <summary>The content is a model format this version recognises but does not verify.</summary>
    public const string UnverifiedModelFormat = "MG3030";

    /// <summary>A Keras model deserializes Python code (a Lambda layer's bytecode, a function imported by name).</summary>
    public const string KerasCode = "MG3031";

    /// <summary>A Hugging Face configuration maps classes to Python files of the model repository (<c>auto_map</c>).</summary>
    public const string RemoteCodeReference = "MG3032";

    /// <summary>A Python source file is bundled beside model files.</summary>
    public const string PythonSourceBesideModel = "MG3033";
}
