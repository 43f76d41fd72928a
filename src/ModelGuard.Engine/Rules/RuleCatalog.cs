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
        + "ModelGuard classifies each global by what loading the file does with it, not by its module: a global is MG1001 when calling it, "
        + "BUILDing it or passing it into another call can run code, start processes, touch files or the network, import modules by name or "
        + "load another serialized payload (os.system, subprocess.Popen, builtins.exec, eval, __import__, runpy, socket, pickle.loads, ...). "
        + "Constructors with no side effect are allowed (pathlib paths, argparse.Namespace, uuid.UUID, datetime, numpy scalars), but their "
        + "acting methods stay MG1001 however they are reached: a dotted name (pathlib.Path.write_text), getattr on an instance "
        + "(getattr(PosixPath(...), \"unlink\")), operator.attrgetter or methodcaller. getattr with a literal name is followed to the attribute "
        + "it reaches; with anything else it is MG1001. A dunder attribute path is MG1001. So is a call that steers an allowed helper into code: "
        + "_rebuild_from_type_v2 given a callable that is not a torch rebuild helper, copyreg._reconstructor given a base that is not a builtin "
        + "type, a state whose keys setattr a dunder name, numpy's random-state constructors given a class instead of a name, _codecs.encode "
        + "given a codec other than latin1. torch.storage._load_from_bytes(b) with b in the file is followed: b is scanned as a torch file and "
        + "its findings are reported at the nested location; bytes that are not in the file leave the loader MG1001. The message says what "
        + "loading the file would do (\"would\": the file calls it while loading; \"could\": it hands it to code that may call it).",
        "Do not ship the file. Obtain the model from a trusted source, or convert it to a format that cannot carry code (safetensors, ONNX) "
        + "in an isolated environment. If you wrote the pickle yourself, remove the object that reduces to this callable. An allowlist entry "
        + "or profile never clears MG1001, and suppressing MG1001 turns off code-execution detection for every file it covers.",
        "models/evil.pt : error MG1001: in 'archive/data.pkl' at offset 2: loading the file would run shell commands or start processes: it calls os.system (imported with GLOBAL) with REDUCE at offset 25")
    {
        Cause = "Loading a pickle would call, build or pass along a global (or steer an allowed helper) in a way that can run code, start processes, reach the file system or network, or load another payload.",
        ShippedIn = FirstRelease,
    };

    /// <summary>MG1002.</summary>
    public static readonly RuleDescriptor UnknownImport = new(
        RuleIds.UnknownImport,
        "Pickle imports a global that is not on the allowlist",
        RuleCategories.Pickle,
        RuleSeverity.Error,
        "ModelGuard fails closed: every global a pickle imports must be on the allowlist of what real model files use, each entry with the reason "
        + "it is safe to load (torch storages, rebuild helpers, layers, optimizers and schedulers; numpy arrays, scalars and random states; "
        + "scikit-learn estimators and what they pickle when fitted; scipy.sparse matrices; collections and plain builtins types; constructors "
        + "with no side effect such as pathlib paths and argparse.Namespace). Anything else may be a gadget that runs code when it is called "
        + "or built, and cannot be verified statically. This includes imports whose module or name cannot be resolved statically (for "
        + "example STACK_GLOBAL operands that are not plain strings) and attributes reached with getattr that are not listed.",
        "Check that the reported class is one your model legitimately needs. If it belongs to an ecosystem with a profile (pandas, xgboost, "
        + "transformers, lightning, fairseq, ultralytics), turn the profile on with <ModelGuardAllowProfile Include=\"pandas\" />, "
        + "modelguard_allow_profiles = pandas in a folder's .editorconfig, or --allow-profile pandas on the command line. If it is your own "
        + "class, add it to the allowlist with <ModelGuardAllowedGlobal Include=\"module.Class\" /> in the project, or for the files a "
        + "folder's .editorconfig covers with modelguard_allowed_globals = module.Class, other.Thing. Profiles and entries never allow a "
        + "global that MG1001 denies. Otherwise treat the file as untrusted.",
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
