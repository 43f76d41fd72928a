namespace ModelGuard.Engine.Rules;

/// <summary>
/// Rules for <c>models.lock.json</c>: a swapped model is well-formed, so no structural check can see it; pinning every bundled
/// model by hash, as NuGet's lock file pins packages, can.
/// </summary>
public static partial class RuleCatalog
{
    private const string LockedModeFix = "If the change is intended, build once without locked mode (ModelGuardLockedMode=false) to update models.lock.json, review the diff and commit it.";

    /// <summary>MG4001.</summary>
    public static readonly RuleDescriptor LockedModelChanged = new(
        RuleIds.LockedModelChanged,
        "Model file differs from the hash pinned in models.lock.json",
        RuleCategories.Integrity,
        RuleSeverity.Error,
        "In locked mode every bundled model must have exactly the SHA-256 and size its models.lock.json entry pins. A different file is "
        + "what a swapped model looks like: a pull request from a hijacked conversion service replaced weights with other, perfectly "
        + "well-formed weights (HiddenLayer, \"Silent Sabotage\", 2024). No structural check can tell the two apart; the hash can.",
        LockedModeFix + " Otherwise restore the file from the source the entry names.",
        "models/model.safetensors : error MG4001: the content differs from models.lock.json: sha256 9f2c…41aa (locked 07b1…c3d0), 548105 bytes (locked 548105); source: hf://org/repo@3f1c2e9/model.safetensors")
    {
        Cause = "In locked mode, a bundled model's SHA-256 or size differs from its models.lock.json entry.",
    };

    /// <summary>MG4002.</summary>
    public static readonly RuleDescriptor ModelNotLocked = new(
        RuleIds.ModelNotLocked,
        "Bundled model has no entry in models.lock.json",
        RuleCategories.Integrity,
        RuleSeverity.Error,
        "In locked mode every model file the project bundles must be pinned. A model without an entry was added after the lock file was "
        + "last reviewed, so nothing vouches for its content. Pinned are the files whose content ModelGuard recognises as a model format, "
        + "sharded safetensors indexes (*.safetensors.index.json) and the external data files a bundled ONNX model reads, each file by itself.",
        LockedModeFix,
        "models/extra.onnx : error MG4002: the project bundles this model but models.lock.json has no entry for 'models/extra.onnx'")
    {
        Cause = "In locked mode, a bundled model file has no models.lock.json entry.",
    };

    /// <summary>MG4003.</summary>
    public static readonly RuleDescriptor LockEntryNotBundled = new(
        RuleIds.LockEntryNotBundled,
        "models.lock.json pins a file the project no longer bundles",
        RuleCategories.Integrity,
        RuleSeverity.Warning,
        "In locked mode an entry of models.lock.json names a file that is not among the project's bundled models any more (removed, renamed "
        + "or excluded from the scan). The lock file no longer describes what ships.",
        "Build once without locked mode to drop the entry, review the diff and commit it.",
        "models.lock.json(7) : warning MG4003: the entry 'models/old.pt' names a file the project no longer bundles")
    {
        Cause = "In locked mode, a models.lock.json entry names a file the project does not bundle.",
    };

    /// <summary>MG4004.</summary>
    public static readonly RuleDescriptor LockFileUnreadable = new(
        RuleIds.LockFileUnreadable,
        "models.lock.json cannot be read",
        RuleCategories.Integrity,
        RuleSeverity.Error,
        "The lock file is not what ModelGuard writes: invalid JSON, merge-conflict markers, an unknown version, a key given twice, an unknown "
        + "field or a malformed hash. ModelGuard reads it strictly and never guesses which of two entries is meant, so no model is verified "
        + "against it until it is fixed. A normal build does not overwrite a lock file it cannot read. Also reported: a locked build "
        + "(ModelGuardLockedMode=true) that finds no lock file at all, and a lock file that cannot be written.",
        "Fix the line the message names (resolve a merge conflict by keeping one entry per file), or delete the file and build without locked "
        + "mode to write it again, then review the diff.",
        "models.lock.json(5) : error MG4004: the lock file has merge-conflict markers; resolve the conflict (or delete the file and build without locked mode to write it again)")
    {
        Cause = "The models.lock.json file is not valid, has conflict markers, an unknown version, duplicate keys or unknown fields.",
    };

    /// <summary>MG4005.</summary>
    public static readonly RuleDescriptor LockFileUpdated = new(
        RuleIds.LockFileUpdated,
        "models.lock.json was updated",
        RuleCategories.Integrity,
        RuleSeverity.Info,
        "Outside locked mode a build keeps models.lock.json current and says what it changed: an entry added for a new model, a hash "
        + "changed from one SHA-256 to another, an entry removed. Review the lock file's diff like any other change to what ships.",
        "Nothing to fix: commit the updated lock file after reviewing why the model changed. Builds in CI should use locked mode "
        + "(ModelGuardLockedMode=true), where a change is an error instead.",
        "models/model.onnx : info MG4005: models.lock.json: changed from sha256 07b1…c3d0 (548105 bytes) to 9f2c…41aa (548105 bytes)")
    {
        Cause = "A build outside locked mode added, changed or removed a models.lock.json entry.",
    };
}
