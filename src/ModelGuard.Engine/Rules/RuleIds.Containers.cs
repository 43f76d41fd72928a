namespace ModelGuard.Engine.Rules;

/// <summary>Rule IDs for containers, file names and TorchScript.</summary>
public static partial class RuleIds
{
    /// <summary>A TorchScript archive carries code that torch.jit.load compiles and runs.</summary>
    public const string TorchScriptCode = "MG1004";

    /// <summary>An archive has several members with the same name.</summary>
    public const string DuplicateArchiveMember = "MG3002";

    /// <summary>A zip member's local header disagrees with its central directory record.</summary>
    public const string ZipHeaderMismatch = "MG3003";

    /// <summary>A zip member sets general-purpose flags that readers interpret differently.</summary>
    public const string AmbiguousZipFlags = "MG3004";

    /// <summary>A member's content does not match the CRC-32 its archive records.</summary>
    public const string ArchiveChecksumMismatch = "MG3005";

    /// <summary>Content sits before or around an archive (a pickle with a zip appended, a zip behind other data).</summary>
    public const string DataOutsideArchive = "MG3006";

    /// <summary>The content is a model format its file name does not announce (a pickle named .png or .json).</summary>
    public const string ExtensionMismatch = "MG3010";

    /// <summary>A file named .safetensors holds a pickle or an archive instead.</summary>
    public const string SafetensorsMasquerade = "MG3011";
}
