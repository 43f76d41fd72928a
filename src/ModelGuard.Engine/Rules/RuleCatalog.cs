using System;
using System.Collections.Generic;
using System.Linq;
using System.Reflection;

namespace ModelGuard.Engine.Rules;

/// <summary>
/// The single source of truth for rule IDs, titles, categories, default severities, help links and the
/// text of the docs pages. Tests check <c>docs/rules/*.md</c> and the README table against it.
/// </summary>
public static partial class RuleCatalog
{
    /// <summary>Where the rule pages are published; each rule appends <c>{Id}.md</c>.</summary>
    public const string HelpLinkBase = "https://github.com/modelguard/modelguard/blob/main/docs/rules/";

    /// <summary>MG1001.</summary>
    public static readonly RuleDescriptor DangerousImport = new(
        RuleIds.DangerousImport,
        "Pickle imports a callable that can execute code",
        RuleCategories.Pickle,
        RuleSeverity.Error,
        "Unpickling imports every global the pickle names (GLOBAL, STACK_GLOBAL, INST) and calls what REDUCE, NEWOBJ, OBJ, INST and BUILD point at. "
        + "A pickle that imports a callable able to run code, start processes, touch files or the network, import modules dynamically or load another "
        + "serialized payload (os.system, subprocess.Popen, builtins.exec, eval, getattr, __import__, runpy, socket, pickle.loads, ...) runs it on the "
        + "machine that loads the model. No legitimate model file needs these imports.",
        "Do not ship the file. Obtain the model from a trusted source, or convert it to a format that cannot carry code (safetensors, ONNX) "
        + "in an isolated environment. If you wrote the pickle yourself, remove the object that reduces to this callable.",
        "models/evil.pt : error MG1001: in 'archive/data.pkl' at offset 2: loading the file would run shell commands or start processes: it calls os.system (imported with GLOBAL) with REDUCE at offset 25")
    {
        Cause = "A pickle imports a callable that can run code, start processes or reach the file system or network when the model is loaded.",
        ShippedIn = FirstRelease,
    };

    /// <summary>MG1002.</summary>
    public static readonly RuleDescriptor UnknownImport = new(
        RuleIds.UnknownImport,
        "Pickle imports a global that is not on the allowlist",
        RuleCategories.Pickle,
        RuleSeverity.Error,
        "ModelGuard fails closed: every global a pickle imports must be on the allowlist of what real model files use (torch storages and "
        + "rebuild helpers, numpy array reconstruction, collections.OrderedDict, plain builtins types). Anything else may be a gadget that runs "
        + "code when it is called or built, and cannot be verified statically. This includes imports whose module or name cannot be resolved "
        + "statically (for example STACK_GLOBAL operands that are not plain strings).",
        "Check that the reported class is one your model legitimately needs. If it is your own class, add it to the allowlist "
        + "with <ModelGuardAllowedGlobal Include=\"module.Class\" /> in the project, or for the files a folder's .editorconfig covers with "
        + "modelguard_allowed_globals = module.Class, other.Thing. Entries never allow a global that MG1001 denies. Otherwise treat the file as untrusted.",
        "models/custom.pt : error MG1002: in 'archive/data.pkl' at offset 118: imports mypkg.layers.Custom with GLOBAL, which is not on the allowlist of globals model files use; it is called by NEWOBJ at offset 141")
    {
        Cause = "A pickle imports a class or function that is neither on ModelGuard's allowlist of model globals nor on the project's own allowlist.",
        ShippedIn = FirstRelease,
    };

    /// <summary>MG1003.</summary>
    public static readonly RuleDescriptor PickleDecodeFailure = new(
        RuleIds.PickleDecodeFailure,
        "Pickle cannot be fully decoded",
        RuleCategories.Pickle,
        RuleSeverity.Error,
        "The pickle stream is truncated, contains an unknown opcode, a length that points past the end of the data or an argument that the "
        + "unpickler rejects. The real unpickler executes every opcode before the failure, so a payload placed before it still runs; "
        + "ModelGuard reports what it found up to that point and this finding, because the rest of the stream could not be verified.",
        "Re-create the file with the library that produced it. A model downloaded in this state should be treated as untrusted.",
        "models/broken.pkl : error MG1003: at offset 16: the pickle cannot be decoded past this point: the data ends inside BINUNICODE: its 543558206-byte payload has only 63 bytes. The unpickler runs every opcode before a failure, so the rest of the stream could not be verified")
    {
        Cause = "A pickle stream is truncated or malformed, so part of it could not be verified.",
        ShippedIn = FirstRelease,
    };

    /// <summary>MG3001.</summary>
    public static readonly RuleDescriptor UninspectableContent = new(
        RuleIds.UninspectableContent,
        "Content cannot be inspected",
        RuleCategories.Container,
        RuleSeverity.Error,
        "The file or an archive member is encrypted, uses a compression method or archive format ModelGuard does not decode, or the archive "
        + "structure cannot be read. What cannot be inspected cannot be verified, so ModelGuard reports it instead of passing it.",
        "Ship the model unencrypted in a plain zip (stored or deflate), or as a raw file. If the file is not a model, exclude it from the scan.",
        "models/locked.zip : error MG3001: in 'weights/data.pkl': the member is marked encrypted, so its real content cannot be inspected")
    {
        Cause = "A file or archive member is encrypted, compressed with an unsupported method or not a readable archive.",
        ShippedIn = FirstRelease,
    };

    /// <summary>MG9001.</summary>
    public static readonly RuleDescriptor InternalError = new(
        RuleIds.InternalError,
        "ModelGuard failed while scanning a file",
        RuleCategories.Infrastructure,
        RuleSeverity.Error,
        "The scanner hit an unexpected internal error on this file. The file was not verified.",
        "Report the problem with the message text. The file stays unverified until the scan succeeds.",
        "models/odd.pt : error MG9001: the scan failed with InvalidOperationException: <details>; the file was not verified")
    {
        Cause = "The scanner failed unexpectedly on a file.",
        ShippedIn = FirstRelease,
    };

    /// <summary>MG9002.</summary>
    public static readonly RuleDescriptor UnreadableFile = new(
        RuleIds.UnreadableFile,
        "Model file cannot be read",
        RuleCategories.Infrastructure,
        RuleSeverity.Error,
        "A file the project bundles does not exist, is a directory, is locked by another process or cannot be opened. It was not verified.",
        "Fix the item's path or make the file readable, or remove the item from the project.",
        "models/missing.pt : error MG9002: the file does not exist")
    {
        Cause = "A file the project bundles is missing, is a directory or cannot be opened.",
        ShippedIn = FirstRelease,
    };

    /// <summary>Every rule, ordered by ID: every <see cref="RuleDescriptor"/> field of this class (its parts live in RuleCatalog.*.cs).</summary>
    public static IReadOnlyList<RuleDescriptor> All => LazyAll.Value;

    // Lazy: field initializers of the other partial files must have run before the fields are read.
    private static readonly Lazy<RuleDescriptor[]> LazyAll = new(() => typeof(RuleCatalog)
        .GetFields(BindingFlags.Public | BindingFlags.Static)
        .Where(f => f.FieldType == typeof(RuleDescriptor))
        .Select(f => (RuleDescriptor)f.GetValue(null)!)
        .OrderBy(r => r.Id, StringComparer.Ordinal)
        .ToArray());

    /// <summary>Finds a rule by ID.</summary>
    public static RuleDescriptor? Find(string id) => All.FirstOrDefault(r => string.Equals(r.Id, id, StringComparison.OrdinalIgnoreCase));
}
