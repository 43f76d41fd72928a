namespace ModelGuard.Engine.Rules;

/// <summary>Rules for containers, file names and TorchScript.</summary>
public static partial class RuleCatalog
{
    /// <summary>MG1004.</summary>
    public static readonly RuleDescriptor TorchScriptCode = new(
        RuleIds.TorchScriptCode,
        "TorchScript archive contains code that runs when it is loaded",
        RuleCategories.Pickle,
        RuleSeverity.Info,
        "A TorchScript archive (torch.jit.save) carries the model's code under code/; torch.jit.load compiles and runs it. TorchScript is a "
        + "restricted language, but it calls any operator registered in the loading process, so the archive is a program, not only weights. "
        + "ModelGuard scans its pickles like any other and reports the code so that shipping it is a decision, not an accident.",
        "If the model only needs weights, ship a state_dict in safetensors instead. Otherwise review where the archive comes from; raise this "
        + "rule to a warning or error (dotnet_diagnostic.MG1004.severity) to require that review in CI.",
        "models/scripted.pt : info MG1004: in 'scripted/code/': the TorchScript archive contains 7 code files that torch.jit.load compiles and runs");

    /// <summary>MG3002.</summary>
    public static readonly RuleDescriptor DuplicateArchiveMember = new(
        RuleIds.DuplicateArchiveMember,
        "Archive contains several members with the same name",
        RuleCategories.Container,
        RuleSeverity.Warning,
        "Two members share one name. Zip readers disagree on which copy they return (the first, the last, the one the central directory "
        + "points at), so a scanner and a loader can read different content from the same file. ModelGuard scans every copy; no ordinary "
        + "writer produces duplicates, so the file was most likely edited by hand.",
        "Re-create the archive with the library that wrote it. Do not ship a file whose copies differ.",
        "models/model.pt : warning MG3002: in 'archive/data.pkl': the archive has 2 members named 'archive/data.pkl'; readers pick different copies (all were scanned)");

    /// <summary>MG3003.</summary>
    public static readonly RuleDescriptor ZipHeaderMismatch = new(
        RuleIds.ZipHeaderMismatch,
        "Zip local header disagrees with the central directory",
        RuleCategories.Container,
        RuleSeverity.Warning,
        "Each zip member is described twice: in its local header and in the central directory. Readers that walk local headers and readers "
        + "that use the central directory see different names, flags or compression methods when the two disagree, which has been used to "
        + "hide pickles from scanners.",
        "Re-create the archive with the library that wrote it.",
        "models/model.pt : warning MG3003: in 'data.pkl': the local header names the member 'datap.kl' but the central directory names it 'data.pkl'");

    /// <summary>MG3004.</summary>
    public static readonly RuleDescriptor AmbiguousZipFlags = new(
        RuleIds.AmbiguousZipFlags,
        "Zip member sets flags that readers interpret differently",
        RuleCategories.Container,
        RuleSeverity.Warning,
        "General-purpose flag bits such as 0x20 (compressed patched data) and 0x40 (strong encryption) make Python's zipfile refuse a member "
        + "that torch's reader loads anyway. Setting them has been used to make scanners skip members. ModelGuard still scans the member.",
        "Re-create the archive with the library that wrote it.",
        "models/model.pt : warning MG3004: in 'model/config.pkl': general-purpose flag bits 0x20 are set; readers disagree on whether the member can be read (it was scanned)");

    /// <summary>MG3005.</summary>
    public static readonly RuleDescriptor ArchiveChecksumMismatch = new(
        RuleIds.ArchiveChecksumMismatch,
        "Archive member does not match its recorded checksum",
        RuleCategories.Container,
        RuleSeverity.Warning,
        "The CRC-32 the archive records for a member differs from the member's content. Some readers check it and fail, others do not, so "
        + "the content was changed after the archive was written. ModelGuard checks the CRC of every pickle member it reads in full.",
        "Re-create the archive with the library that wrote it, from a trusted copy of the model.",
        "models/model.pt : warning MG3005: in 'archive/data.pkl': the content's CRC-32 is 0x1c291ca3 but the archive records 0x0e4a3b12");

    /// <summary>MG3006.</summary>
    public static readonly RuleDescriptor DataOutsideArchive = new(
        RuleIds.DataOutsideArchive,
        "Content before or around an archive",
        RuleCategories.Container,
        RuleSeverity.Warning,
        "The file holds a zip archive behind other content (for example a pickle with a zip appended). torch.load reads a file that does not "
        + "start with a zip signature as a legacy pickle, while zip readers find the archive at the end: two loaders see two different models. "
        + "ModelGuard scans both parts.",
        "Ship either the archive or the pickle, not both in one file.",
        "models/model.pt : warning MG3006: a zip archive of 3 members starts at offset 118, after other content; both parts were scanned");

    /// <summary>MG3010.</summary>
    public static readonly RuleDescriptor ExtensionMismatch = new(
        RuleIds.ExtensionMismatch,
        "Content does not match the file extension",
        RuleCategories.Container,
        RuleSeverity.Warning,
        "The file's bytes are a model format (a pickle, an archive with pickles) but its name says it is something else, such as an image, "
        + "text or JSON. ModelGuard decides formats by content, but a loader that trusts names, and a reviewer who trusts them, is misled.",
        "Rename the file to what it is, or remove it if it should not be a model.",
        "assets/photo.png : warning MG3010: the content is a pickle but the file is named '.png'");

    /// <summary>MG3011.</summary>
    public static readonly RuleDescriptor SafetensorsMasquerade = new(
        RuleIds.SafetensorsMasquerade,
        "File named .safetensors is not safetensors",
        RuleCategories.Container,
        RuleSeverity.Error,
        "Safetensors cannot carry code, which is why teams move to it; a file that is named .safetensors but holds a pickle or an archive "
        + "borrows that trust. Loaders that pick a reader by content run it as a pickle.",
        "Replace the file with a real safetensors file from a trusted source.",
        "models/model.safetensors : error MG3011: the file is named '.safetensors' but its content is a pickle");
}
