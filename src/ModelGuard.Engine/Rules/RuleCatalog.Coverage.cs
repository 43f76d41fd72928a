namespace ModelGuard.Engine.Rules;

/// <summary>
/// Rules that keep "not checked" from reading as "checked and fine": model formats this version only recognises, and the
/// places where a model brings Python code of its own.
/// </summary>
public static partial class RuleCatalog
{
    /// <summary>MG3030.</summary>
    public static readonly RuleDescriptor UnverifiedModelFormat = new(
        RuleIds.UnverifiedModelFormat,
        "Model format is recognised but not verified by this version",
        RuleCategories.Container,
        RuleSeverity.Warning,
        "ModelGuard recognised the content as a model format it does not validate yet (Keras HDF5 and Keras v3 archives, TensorFlow Lite, "
        + "TensorFlow SavedModel, Core ML). Such files can carry code or need native code when they are loaded (Keras Lambda layers and "
        + "custom objects, TensorFlow Lite custom and Flex operators, SavedModel py_func operations), and nothing in them was checked. "
        + "The finding says so instead of passing the file silently; the README lists which formats are verified and which are only recognised.",
        "Prefer a format ModelGuard verifies (safetensors for weights). If you ship this file on purpose, review where it comes from, pin it, "
        + "and set this rule's severity for its folder in .editorconfig (dotnet_diagnostic.MG3030.severity = none) once reviewed.",
        "models/classifier.h5 : warning MG3030: the content is a Keras model in HDF5 format, which this version recognises but does not verify; its layers, custom objects and weights were not checked")
    {
        Cause = "A file is a model format that ModelGuard recognises but does not validate, so nothing in it was checked.",
    };

    /// <summary>MG3031.</summary>
    public static readonly RuleDescriptor KerasCode = new(
        RuleIds.KerasCode,
        "Keras model deserializes Python code",
        RuleCategories.Container,
        RuleSeverity.Error,
        "A Keras model's configuration carries a Lambda layer whose function is marshalled Python bytecode (Keras 3 \"__lambda__\" objects, "
        + "tf.keras \"function_type\": \"lambda\"), or names a function to import that can run code. Loading it with safe_mode disabled, or with "
        + "a Keras or TensorFlow version before the safe mode existed (CVE-2024-3660), runs that code on the machine that loads the model.",
        "Do not ship the file. Rebuild the model without Lambda layers (a subclassed layer registered in your own code), or ship only its "
        + "weights in a format that cannot carry code.",
        "models/classifier.keras : error MG3031: in 'config.json' at offset 1532: a Lambda layer carries marshalled Python bytecode that Keras runs when the model is loaded without safe mode")
    {
        Cause = "A Keras model configuration carries a Lambda layer's bytecode or imports a function that can run code.",
    };

    /// <summary>MG3032.</summary>
    public static readonly RuleDescriptor RemoteCodeReference = new(
        RuleIds.RemoteCodeReference,
        "Model configuration maps classes to the repository's own Python code",
        RuleCategories.Container,
        RuleSeverity.Warning,
        "A Hugging Face configuration (config.json, tokenizer_config.json, processor or feature-extractor configs) has an \"auto_map\" entry. "
        + "With trust_remote_code=True, transformers downloads or reads the Python files it names from the model repository and imports them, "
        + "so the model brings code that runs in the loading process. ModelGuard does not verify that code.",
        "Use a model whose architecture is part of the transformers library, or review and vendor the Python files it maps to, pin them, and "
        + "set this rule's severity for the folder once reviewed.",
        "models/bert/config.json : warning MG3032: at offset 412: \"auto_map\" maps AutoModel to modeling_custom.CustomModel: transformers imports the model repository's Python code when it is loaded with trust_remote_code=True")
    {
        Cause = "A Hugging Face configuration has an auto_map entry, so transformers imports Python files of the model repository.",
    };

    /// <summary>MG3033.</summary>
    public static readonly RuleDescriptor PythonSourceBesideModel = new(
        RuleIds.PythonSourceBesideModel,
        "Python source is bundled beside model files",
        RuleCategories.Container,
        RuleSeverity.Warning,
        "The project bundles a Python source file in a folder that also holds model files or a model configuration. Model repositories ship "
        + "Python files for custom architectures (auto_map, trust_remote_code) and loaders import them from the model folder, so the file is code "
        + "that arrives with the model. ModelGuard does not verify Python code.",
        "Review the file and ship it as part of your own code rather than beside the model, or remove it. Once reviewed, set this rule's "
        + "severity for the folder in .editorconfig.",
        "models/custom/modeling_custom.py : warning MG3033: the Python source file sits beside model files (config.json, model.safetensors) and may be imported when the model is loaded")
    {
        Cause = "A Python file is bundled in a folder that holds model files.",
    };
}
