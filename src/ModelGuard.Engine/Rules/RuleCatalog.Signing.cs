namespace ModelGuard.Engine.Rules;

/// <summary>
/// Rules for OpenSSF Model Signing (sigstore/model-transparency, <c>model_signing</c> v1.0): a lock file pins what the team
/// reviewed, a signature proves who published it. Verification is offline: keys, certificate authorities and the Sigstore
/// trusted root come from the project, nothing is fetched.
/// </summary>
public static partial class RuleCatalog
{
    /// <summary>MG4101.</summary>
    public static readonly RuleDescriptor SignatureInvalid = new(
        RuleIds.SignatureInvalid,
        "Model signature does not verify",
        RuleCategories.Integrity,
        RuleSeverity.Error,
        "The model folder's signature (model.sig, a Sigstore bundle holding a DSSE envelope) does not verify: the signature over the "
        + "signed statement is wrong for the signing key, the signing certificate does not chain to the trusted certificate authority "
        + "or was not valid when the model was signed, or the statement contradicts itself (its subject digest is not the digest of "
        + "its file list). Either the signature or the statement was altered after signing, or it was made with another key.",
        "Get the model and its model.sig again from the publisher. If you sign the model yourself, sign it again with model_signing "
        + "(python -m model_signing sign ...) after checking the files.",
        "models/llama/model.sig : error MG4101: the DSSE signature does not verify with the signing key (ECDSA P-256)")
    {
        Cause = "The signature, certificate chain or signed statement of a model folder does not verify.",
    };

    /// <summary>MG4102.</summary>
    public static readonly RuleDescriptor SignerNotTrusted = new(
        RuleIds.SignerNotTrusted,
        "Model is signed by a signer the project does not trust",
        RuleCategories.Integrity,
        RuleSeverity.Error,
        "The signature is intact, but nobody the project trusts made it: the key is none of the ModelGuardTrustedSigner public keys, "
        + "the certificate does not chain to a trusted certificate authority, or the Sigstore identity (the certificate's subject "
        + "alternative name) or its OIDC issuer is not one the project lists. Anyone can sign a model; only a trusted signer's "
        + "signature says the model is the publisher's.",
        "If the signer is legitimate, add it: <ModelGuardTrustedSigner Include=\"keys/publisher.pub\" /> for a key, Kind=\"certificate\" "
        + "for a CA, or Kind=\"sigstore\" with Issuer=\"...\" for a Sigstore identity. Otherwise do not ship the model.",
        "models/llama/model.sig : error MG4102: signed by the Sigstore identity 'someone@example.com' (issuer https://accounts.google.com), which is not a trusted signer")
    {
        Cause = "A model folder's valid signature was made by a key, certificate or Sigstore identity the project does not trust.",
    };

    /// <summary>MG4103.</summary>
    public static readonly RuleDescriptor SignedFileChanged = new(
        RuleIds.SignedFileChanged,
        "Model file differs from its signed digest",
        RuleCategories.Integrity,
        RuleSeverity.Error,
        "The signature lists every file of the model folder with its SHA-256. This file's content (or one of its shards) hashes to "
        + "something else, a signed file is missing, or it is a symbolic link the signature does not allow. A file changed after "
        + "signing is what a swapped model looks like.",
        "Restore the file from the publisher, or, if the change is yours and intended, sign the model folder again.",
        "models/llama/model.safetensors : error MG4103: the content differs from the signature: sha256 9f2c…41aa (signed 07b1…c3d0)")
    {
        Cause = "A file of a signed model folder does not have the SHA-256 its signature lists, or a signed file is missing.",
    };

    /// <summary>MG4104.</summary>
    public static readonly RuleDescriptor FileNotSigned = new(
        RuleIds.FileNotSigned,
        "Bundled file is not covered by the model's signature",
        RuleCategories.Integrity,
        RuleSeverity.Error,
        "The file sits in a signed model folder and ships with the application, but the signature neither lists nor ignores it. "
        + "Nothing vouches for its content: a file added next to signed weights (a tokenizer, a config, a pickle) can change what "
        + "the model does as much as the weights can.",
        "Remove the file from the folder or from the bundled items, or sign the folder again so the signature covers it.",
        "models/llama/extra.pt : error MG4104: the file is in the signed model folder 'models/llama' but its signature does not cover it")
    {
        Cause = "A bundled file of a signed model folder is not listed in the signature.",
    };

    /// <summary>MG4105.</summary>
    public static readonly RuleDescriptor SignatureUnreadable = new(
        RuleIds.SignatureUnreadable,
        "Model signature file is malformed or unsupported",
        RuleCategories.Integrity,
        RuleSeverity.Error,
        "The signature file is not a Sigstore bundle ModelGuard can verify: invalid JSON, a key given twice, a missing field, an "
        + "unknown bundle version or predicate type, a hash other than SHA-256 (model_signing can hash with BLAKE2/BLAKE3), or a key "
        + "algorithm that is not supported (ECDSA P-256, P-384 and P-521 are). ModelGuard fails closed: a signature it cannot check "
        + "does not vouch for the model.",
        "Sign the model again with model_signing 1.0 or later using SHA-256 and an ECDSA key, Sigstore or a certificate.",
        "models/llama/model.sig : error MG4105: the bundle media type 'application/vnd.dev.sigstore.bundle+json;version=0.4' is not a supported Sigstore bundle version (0.1 to 0.3)")
    {
        Cause = "A model signature file is malformed, of an unsupported version, or uses an unsupported algorithm.",
    };

    /// <summary>MG4106.</summary>
    public static readonly RuleDescriptor ModelUnsigned = new(
        RuleIds.ModelUnsigned,
        "Bundled model is not signed",
        RuleCategories.Integrity,
        RuleSeverity.Error,
        "ModelGuardRequireSignature is on (or --require-signature) and a bundled file that ModelGuard recognises as a model by its "
        + "content has no model.sig in its folder or in a folder above it up to the project folder. Without a signature nothing says "
        + "who published the model. Files that are not models (a README, a tokenizer) need no signature.",
        "Get the signed model from the publisher, or sign the folder with model_signing and trust the signer; or turn "
        + "ModelGuardRequireSignature off for this project.",
        "models/llama/model.safetensors : error MG4106: the model is not signed: neither its folder nor a folder above it up to '.' has a model.sig, and ModelGuardRequireSignature is true")
    {
        Cause = "Signatures are required and no model.sig covers a bundled model.",
    };

    /// <summary>MG4107.</summary>
    public static readonly RuleDescriptor TransparencyLogInvalid = new(
        RuleIds.TransparencyLogInvalid,
        "Sigstore transparency-log proof is missing or invalid",
        RuleCategories.Integrity,
        RuleSeverity.Error,
        "A Sigstore (keyless) signature is only as good as its entry in the Rekor transparency log: the short-lived certificate "
        + "must have been used while it was valid, and the signing must be public. The bundle's log entry is missing, from a log the "
        + "trusted root does not list, describes another signature, or its signed entry timestamp, inclusion proof or checkpoint "
        + "does not verify with the log's key.",
        "Get the bundle again from the publisher; a private Sigstore instance needs its trusted_root.json set in "
        + "ModelGuardSigstoreTrustedRoot.",
        "models/llama/model.sig : error MG4107: the inclusion proof does not lead to the root hash it names")
    {
        Cause = "The Rekor entry of a Sigstore-signed model is missing, or its signed timestamp, inclusion proof or checkpoint does not verify.",
    };

    /// <summary>MG4108.</summary>
    public static readonly RuleDescriptor SignatureNotChecked = new(
        RuleIds.SignatureNotChecked,
        "Model signature not checked: no trusted signer configured",
        RuleCategories.Integrity,
        RuleSeverity.Warning,
        "The project bundles a model folder with a model.sig, but it configures no ModelGuardTrustedSigner item (nor "
        + "ModelGuardSigstoreTrustedRoot, nor --trusted-key, --trusted-ca, --trusted-identity or --trusted-root on the command line), "
        + "so there is nobody to check the signature against: anyone can sign a model, and a signature from an unknown signer proves "
        + "nothing. ModelGuard does not verify it and does not compare the files with its digests either (an unverified statement "
        + "vouches for nothing), so the folder gets exactly the protection an unsigned one gets; a signature file that cannot be "
        + "read at all is still MG4105. This is a warning, not an error, so that bundling a model its publisher signed (as NVIDIA NGC "
        + "and others do) never breaks a build that did not opt into signature checking. Once one trusted signer is configured, "
        + "every model.sig is verified and an unknown signer is MG4102; with ModelGuardRequireSignature on, a signature is never "
        + "left unchecked (MG4102 without a trusted signer).",
        "Trust the publisher, so the signature is verified: <ModelGuardTrustedSigner Include=\"keys/publisher.pub\" /> for a key, "
        + "Kind=\"certificate\" for a CA, or Kind=\"sigstore\" with Issuer=\"...\" for a Sigstore identity (modelguard verify "
        + "--signature: --trusted-key, --trusted-ca or --trusted-identity with --issuer). If you do not want to check signatures, "
        + "add MG4108 to NoWarn (or --no-warn MG4108).",
        "models/llama/model.sig : warning MG4108: the signature 'models/llama/model.sig' was not verified: no trusted signer is configured; trust its signer with a ModelGuardTrustedSigner item (verify --signature: --trusted-key, --trusted-ca or --trusted-identity) or add MG4108 to NoWarn")
    {
        Cause = "A bundled model folder has a model.sig, but no trusted signer is configured to verify it against.",
    };

    /// <summary>MG9010.</summary>
    public static readonly RuleDescriptor TrustedSignerUnusable = new(
        RuleIds.TrustedSignerUnusable,
        "Trusted signer cannot be used",
        RuleCategories.Configuration,
        RuleSeverity.Error,
        "A <ModelGuardTrustedSigner> item (or a --trusted-key, --trusted-ca or --trusted-identity option) cannot be turned into a "
        + "signer: the key or certificate file is missing or unreadable, it holds no PEM public key (Kind key, the default) or no PEM "
        + "certificate (Kind certificate), the key is not ECDSA P-256, P-384 or P-521, Kind is not key, certificate or sigstore, or a "
        + "sigstore signer has no Issuer. The signer is left out, so signatures it made are reported as not trusted (MG4102): a "
        + "misspelt path must not make the build pass or fail for an unrelated reason.",
        "Fix the item the message names: the path (relative to the project), the file's content, the Kind, or add "
        + "Issuer=\"https://token.actions.githubusercontent.com\" (the OIDC issuer of the identity) to a sigstore signer.",
        "error MG9010: the trusted signer 'keys/publisher.pub' cannot be used: Could not find file '/src/app/keys/publisher.pub'.")
    {
        Cause = "A ModelGuardTrustedSigner item names a missing or unreadable key or certificate, has an unknown Kind or a Sigstore identity without Issuer.",
    };

    /// <summary>MG9011.</summary>
    public static readonly RuleDescriptor SigstoreTrustedRootUnusable = new(
        RuleIds.SigstoreTrustedRootUnusable,
        "Sigstore trusted root cannot be used",
        RuleCategories.Configuration,
        RuleSeverity.Error,
        "ModelGuardSigstoreTrustedRoot (or --trusted-root) names a trusted_root.json that is missing, unreadable or not a Sigstore "
        + "trusted root (the JSON of dev.sigstore.trustedroot.v1.TrustedRoot). ModelGuard fails closed: it does not fall back to the "
        + "public-good root the setting was meant to replace, so no keyless signature is trusted and each is reported (MG4102).",
        "Point the property at the trusted_root.json of your Sigstore instance (for example from `cosign trusted-root create` or "
        + "the instance's TUF repository), or remove the property to use the embedded public-good root.",
        "error MG9011: the Sigstore trusted root 'sigstore/trusted_root.json' cannot be used: Could not find file '/src/app/sigstore/trusted_root.json'.")
    {
        Cause = "The trusted_root.json named by ModelGuardSigstoreTrustedRoot is missing, unreadable or malformed.",
    };
}
